import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { IdentifierInput } from './entity.input';
import {
  appendScreeningChunk,
  closeScreeningJob,
  createScreeningJob,
  getScreeningJob,
  listScreeningJobs,
  MAX_RESULTS_PAGE,
  MAX_SCREENING_CHUNK,
  MAX_SCREENING_JOB,
  screeningResults,
} from './screening.service';
import { ScreeningJobType, ScreeningResultPageType } from './screening.type';

/** Bulk screening for banks (services/entities/screening.service.ts, docs/screening.md). */
@Resolver(() => ScreeningJobType)
export class ScreeningResolver {
  @Query(() => ScreeningJobType, { description: "One of your agency's screening jobs, by id or by your reference" })
  screeningJob(
    @Arg('id', () => ID, { nullable: true }) id: string | undefined,
    @Arg('reference', () => String, { nullable: true }) reference: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return getScreeningJob(ctx, { id, reference });
  }

  @Query(() => [ScreeningJobType], { description: "Your agency's screening jobs, newest first" })
  screeningJobs(@Arg('first', () => Int, { defaultValue: 20, description: 'At most 100' }) first: number, @Ctx() ctx: RequestContext) {
    return listScreeningJobs(ctx, first);
  }

  @Mutation(() => ScreeningJobType, { description: 'Starts a screening job under your reference; the same reference again answers the same job' })
  createScreeningJob(
    @Arg('reference', () => String, { description: '8-128 characters of letters, digits, . _ : -' }) reference: string,
    @Ctx() ctx: RequestContext,
  ) {
    return createScreeningJob(ctx, reference);
  }

  @Mutation(() => ScreeningJobType, {
    description: `Screens one chunk of up to ${MAX_SCREENING_CHUNK} identifiers (a job holds at most ${MAX_SCREENING_JOB}); sending a chunk number again with the same identifiers changes nothing`,
  })
  appendScreeningChunk(
    @Arg('jobId', () => ID, { nullable: true }) jobId: string | undefined,
    @Arg('reference', () => String, { nullable: true, description: 'Your reference for the job, instead of its id' }) reference: string | undefined,
    @Arg('chunk', () => Int, { description: 'The chunk’s number in your job, from 0; chunks may arrive in any order' }) chunk: number,
    @Arg('identifiers', () => [IdentifierInput], { nullable: true, description: 'The chunk as a list; or give csv' })
    identifiers: IdentifierInput[] | undefined,
    @Arg('csv', () => String, {
      nullable: true,
      description: 'The chunk as CSV text, one identifier a line: KIND,value or KIND,value,country (no header); cheaper to send than the list',
    })
    csv: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return appendScreeningChunk(ctx, { id: jobId, reference }, chunk, { identifiers, csv });
  }

  @Mutation(() => ScreeningJobType, { description: 'No more chunks: the job’s results are final' })
  closeScreeningJob(
    @Arg('jobId', () => ID, { nullable: true }) jobId: string | undefined,
    @Arg('reference', () => String, { nullable: true, description: 'Your reference for the job, instead of its id' }) reference: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return closeScreeningJob(ctx, { id: jobId, reference });
  }

  @FieldResolver(() => ScreeningResultPageType, {
    description:
      "The answers, in the order you sent them (chunk, then index), page by page. Each chunk's identifiers and answers are kept for the hub's period (TESSERA_SCREENING_ANSWERS_DAYS, 30 days unless set) after it was answered, then erased; the job's counts stay",
  })
  results(
    @Root() job: { id: string },
    @Arg('first', () => Int, { defaultValue: 1000, description: `At most ${MAX_RESULTS_PAGE} (wide pages are also bounded by the query cost limit)` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: "The previous page's endCursor" }) after: string | undefined,
    @Arg('onlyKnown', () => Boolean, { defaultValue: false, description: 'Only identifiers the hub knows beyond what you can see' }) onlyKnown: boolean,
    @Ctx() ctx: RequestContext,
  ) {
    return screeningResults(ctx, job, { first, after, onlyKnown });
  }
}
