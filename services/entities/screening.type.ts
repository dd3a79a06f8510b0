import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { type EntityKind, EntityKindEnum } from '../kernel/identifier';
import { PageInfo } from '../kernel/pagination';
import { AgencyRef } from '../kernel/references';

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
export class ScreeningResultType {
  @Field(() => Int, { description: 'The chunk it was sent in' })
  chunk: number;

  @Field(() => Int, { description: 'Its index in that chunk, from 0' })
  index: number;

  @Field(() => EntityKindEnum)
  kind: EntityKind;

  @Field(() => String, { description: 'The normalised form of the value you sent' })
  value: string;

  @Field(() => Boolean, { description: 'Some statement about it exists that you cannot see' })
  known: boolean;

  @Field(() => Int, { description: 'How many agencies hold such statements' })
  holderCount: number;

  @Field(() => [AgencyRef], { description: 'Those of them that accept access requests (holders of RED and AMBER_STRICT statements are never named)' })
  contactableAgencies: Array<{ __typename: 'Agency'; id: string }>;
}

@ObjectType('ScreeningResultPage')
export class ScreeningResultPageType {
  @Field(() => [ScreeningResultType])
  nodes: ScreeningResultType[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
