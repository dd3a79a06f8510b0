import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PageInfo } from '../kernel/pagination';
import { HitNoHitResultType } from './network.type';

export enum ScreeningJobStatus {
  OPEN = 'OPEN',
  CLOSED = 'CLOSED',
}
registerEnumType(ScreeningJobStatus, { name: 'ScreeningJobStatus', description: 'OPEN takes chunks; CLOSED takes none, and its results are final' });

@ObjectType('ScreeningJob', {
  description: "A bulk screening of your agency's identifiers: each answered as hit/no-hit answers it; never what the holders hold",
})
export class ScreeningJobType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Your own reference for the job (unique in your agency)' })
  reference: string;

  @Field(() => ScreeningJobStatus)
  status: ScreeningJobStatus;

  @Field(() => Int, { description: 'Chunks answered so far' })
  chunkCount: number;

  @Field(() => Int, { description: 'Identifiers answered so far' })
  identifierCount: number;

  @Field(() => Int, { description: 'Of those, known to the hub beyond what you can see' })
  knownCount: number;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  closedAt: Date | null;
}

@ObjectType('ScreeningResult', { description: 'One identifier screened: where it was in your job, and the hit/no-hit answer about it' })
export class ScreeningResultType extends HitNoHitResultType {
  @Field(() => Int, { description: 'The chunk it was sent in' })
  chunk: number;

  @Field(() => Int, { description: 'Its index in that chunk, from 0' })
  index: number;
}

@ObjectType('ScreeningResultPage')
export class ScreeningResultPageType {
  @Field(() => [ScreeningResultType])
  nodes: ScreeningResultType[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
