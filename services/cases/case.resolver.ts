import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../kernel/context';
import { PageArgs } from '../kernel/pagination';
import { CaseFilter, CaseOrder, OpenCaseInput, PersonFilter, PersonInput, PersonOrder, TraffickingEventInput, UpdateCaseInput } from './case.input';
import * as cases from './case.service';
import { CaseConnection, CaseType, PersonConnection, PersonMatchType, PersonType, TraffickingEventType } from './case.type';

type Parent = { id: string };

@Resolver(() => CaseType)
export class CaseResolver {
  @Query(() => CaseType, { nullable: true, description: 'One case; NOT_FOUND when it does not exist or does not reach you' })
  case(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return cases.getCase(ctx, id);
  }

  @Query(() => CaseConnection, { description: 'Cases that reach you; filters and sorts only on fields you can read' })
  cases(
    @Arg('filter', () => CaseFilter, { nullable: true }) filter: CaseFilter | undefined,
    @Arg('orderBy', () => CaseOrder, { nullable: true }) orderBy: CaseOrder | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return cases.listCases(ctx, filter, orderBy, page);
  }

  @Mutation(() => CaseType, { description: 'Opens a case owned by your agency, with its persons and events, all or nothing' })
  openCase(@Arg('input', () => OpenCaseInput) input: OpenCaseInput, @Ctx() ctx: RequestContext) {
    return cases.openCase(ctx, input);
  }

  @Mutation(() => CaseType)
  updateCase(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateCaseInput) input: UpdateCaseInput, @Ctx() ctx: RequestContext) {
    return cases.updateCase(ctx, id, input);
  }

  @FieldResolver(() => [PersonType], { description: 'The persons of this case you may see' })
  persons(@Root() parent: Parent, @Ctx() ctx: RequestContext) {
    return cases.personsOfCase(ctx, parent.id);
  }

  @FieldResolver(() => [TraffickingEventType], { description: "The case's trafficking events in date order: its route" })
  events(@Root() parent: Parent, @Ctx() ctx: RequestContext) {
    return cases.eventsOfCase(ctx, parent.id);
  }
}

@Resolver(() => PersonType)
export class PersonResolver {
  @Query(() => PersonType, { nullable: true })
  person(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return cases.getPerson(ctx, id);
  }

  @Query(() => PersonConnection)
  persons(
    @Arg('filter', () => PersonFilter, { nullable: true }) filter: PersonFilter | undefined,
    @Arg('orderBy', () => PersonOrder, { nullable: true }) orderBy: PersonOrder | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: RequestContext,
  ) {
    return cases.listPersons(ctx, filter, orderBy, page);
  }

  @Query(() => [PersonMatchType], { description: 'Persons whose name you may read, by fuzzy, accent-insensitive match' })
  searchPersons(@Arg('name', () => String) name: string, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: RequestContext) {
    return cases.searchPersons(ctx, name, first);
  }

  @Mutation(() => PersonType)
  addPerson(@Arg('caseId', () => ID) caseId: string, @Arg('input', () => PersonInput) input: PersonInput, @Ctx() ctx: RequestContext) {
    return cases.addPerson(ctx, caseId, input);
  }
}

@Resolver(() => TraffickingEventType)
export class TraffickingEventResolver {
  @Query(() => TraffickingEventType, { nullable: true })
  traffickingEvent(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return cases.getEvent(ctx, id);
  }

  @Mutation(() => TraffickingEventType)
  addTraffickingEvent(
    @Arg('caseId', () => ID) caseId: string,
    @Arg('input', () => TraffickingEventInput) input: TraffickingEventInput,
    @Ctx() ctx: RequestContext,
  ) {
    return cases.addTraffickingEvent(ctx, caseId, input);
  }
}
