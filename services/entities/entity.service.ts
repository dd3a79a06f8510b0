import DataLoader from 'dataloader';
import { rawOf } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import { appendAudit, ownRecordEvent, writtenFields } from '../kernel/audit';
import { assertPersonOfCase, ownCase } from '../cases/api';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { assertUuid, inheritedHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll, projectOne } from '../kernel/policy';
import { countVisible, getVisible, selectPage, selectVisible, visibleLoader } from '../kernel/repository';
import { isUuid, text } from '../kernel/validate';
import type { AddCaseEntityInput, EntityFilter } from './entity.input';
import { entitiesByFirstSighting, entityTable, linkTable, observationTable } from './entity.repository';
import { countryOf, type EntityKind, normaliseIdentifier } from '../kernel/identifier';
import { type LinkKind, type ObservationSource, observe, recordLink } from './observe';

type Projected = Record<string, unknown>;

/** Visible raw record by id, or undefined: "does not exist" and "does not reach you" are one answer. */
export const getEntity = (ctx: RequestContext, id: string) => getVisible(ctx, entityTable, id);
export const getObservation = (ctx: RequestContext, id: string) => getVisible(ctx, observationTable, id);
export const getLink = (ctx: RequestContext, id: string) => getVisible(ctx, linkTable, id);

export async function listEntities(ctx: RequestContext, filter: EntityFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const hasValue = f.value !== undefined && f.value !== null;
  // Matching on value only reaches rows whose value the caller may read: a bank cannot confirm a masked IBAN here.
  if (hasValue && !f.kind) throw badInput('filter.kind', 'is required when filtering on value');
  const value = hasValue && f.kind ? normaliseIdentifier(f.kind, f.value!, 'filter.value', countryOf(f.country, ctx.actor.country, 'filter.country')) : null;
  const filterFields = [...(f.kind ? ['kind'] : []), ...(hasValue ? ['value'] : [])];
  const where = (p: SqlParams) => [...(f.kind ? [`en.kind = ${p.add(f.kind)}`] : []), ...(value !== null ? [`en.value = ${p.add(value)}`] : [])];
  const params = new SqlParams();
  const { rows, hasMore } = await selectPage(ctx, entitiesByFirstSighting(ctx, params), window, {
    params,
    filterFields,
    where,
    // Never ordered by value: the order would leak masked values.
    orderBy: 'en.first_seen_by_caller DESC, en.id',
  });
  // Counted on the entities themselves: the first sightings are a way to read a page in order, not to count.
  return toPage(projectAll(ctx, rows), { hasMore, count: () => countVisible(ctx, entityTable, { where, filterFields }) }, window);
}

// ---- relations: each goes through the target's own policy path, batched per request ----------

export async function observationsOfEntity(ctx: RequestContext, entity: Projected): Promise<Projected[]> {
  return projectAll(ctx, await visibleLoader(ctx, observationTable, 'entity_id', 'o.observed_at, o.id').load(rawOf<{ id: string }>(entity).id));
}

export async function linksOfEntity(ctx: RequestContext, entity: Projected): Promise<Projected[]> {
  const id = rawOf<{ id: string }>(entity).id;
  const [from, to] = await Promise.all([
    visibleLoader(ctx, linkTable, 'from_entity_id', 'l.created_at, l.id').load(id),
    visibleLoader(ctx, linkTable, 'to_entity_id', 'l.created_at, l.id').load(id),
  ]);
  return projectAll(ctx, [...new Map([...from, ...to].map((l) => [l.id, l])).values()]);
}

/**
 * The cases this entity was observed in, as references the cases subgraph resolves through its own
 * policy. Only observations the caller may see, and only where it may read their source.
 */
export async function casesOfEntity(ctx: RequestContext, entity: Projected): Promise<Array<{ __typename: 'Case'; id: string }>> {
  const ids = new Set<string>();
  for (const o of await observationsOfEntity(ctx, entity)) {
    if (o.sourceType === 'CASE' && typeof o.sourceId === 'string') ids.add(o.sourceId);
  }
  return [...ids].map((id) => ({ __typename: 'Case' as const, id }));
}

async function entityById(ctx: RequestContext, id: string | null | undefined): Promise<Projected | null> {
  if (!id) return null;
  const [row] = await visibleLoader(ctx, entityTable, 'id').load(id);
  return row ? projectOne(ctx, row) : null;
}

export const entityOfObservation = (ctx: RequestContext, observation: Projected) => entityById(ctx, rawOf<{ entityId: string }>(observation).entityId);

export const linkEndpoint = (ctx: RequestContext, link: Projected, end: 'fromEntityId' | 'toEntityId') =>
  entityById(ctx, rawOf<Record<typeof end, string | null>>(link)[end]);

/**
 * The entities observed in a case, one statement per batch of cases: the observations the caller
 * may see (with a readable source), then their entities through the Entity policy.
 */
export async function entitiesOfCase(ctx: RequestContext, caseId: string): Promise<Projected[]> {
  if (!isUuid(caseId)) return [];
  const loader = ctx.loader(
    'Case:entities',
    () =>
      new DataLoader<string, Projected[]>(async (caseIds) => {
        const { rows } = await selectVisible(ctx, observationTable, {
          where: (p) => [`o.source_type = 'CASE'`, `o.source_id = ANY(${p.add(caseIds)}::uuid[])`],
          orderBy: 'o.observed_at, o.id',
          // A load by key, as visibleLoader's: one text, a plan that does not depend on the keys.
          statement: { genericPlan: true },
        });
        const byCase = new Map<string, Set<string>>();
        for (const o of projectAll(ctx, rows)) {
          if (typeof o.sourceId !== 'string') continue;
          const set = byCase.get(o.sourceId) ?? new Set<string>();
          set.add(rawOf<{ entityId: string }>(o).entityId);
          byCase.set(o.sourceId, set);
        }
        const entities = visibleLoader(ctx, entityTable, 'id');
        return Promise.all(caseIds.map(async (id) => projectAll(ctx, (await Promise.all([...(byCase.get(id) ?? [])].map((e) => entities.load(e)))).flat())));
      }),
  );
  return loader.load(caseId);
}

// ---- contribution -------------------------------------------------------------------------

const DEFAULT_LINK_KIND: Record<EntityKind, LinkKind> = {
  PHONE: 'USES_PHONE',
  EMAIL: 'USES_EMAIL',
  BANK_ACCOUNT: 'HOLDS_ACCOUNT',
  ONLINE_ADVERT: 'ADVERTISED_AT',
  ADDRESS: 'LIVES_AT',
  VEHICLE: 'OWNS_VEHICLE',
  SOCIAL_PROFILE: 'ASSOCIATED_WITH',
  ORGANISATION: 'ASSOCIATED_WITH',
};

/**
 * The owner of a case records that an identifier appears in it (and, optionally, that one of the
 * case's persons uses or holds it), all or nothing. The statements are owned by the caller's agency,
 * carry the case's handling, and a link from a person the person's.
 */
export async function addCaseEntity(ctx: RequestContext, caseId: string, input: AddCaseEntityInput): Promise<Projected> {
  const value = normaliseIdentifier(input.kind, input.value, 'input.value', countryOf(input.country, ctx.actor.country, 'input.country'));
  const note = text('input.note', input.note, { max: 2000 });
  if (input.linkKind && !input.linkToPersonId) throw badInput('input.linkKind', 'needs linkToPersonId');
  if (input.linkToPersonId) assertUuid('input.linkToPersonId', input.linkToPersonId);
  assertCanCreate(ctx, { __typename: 'Observation', ownerAgencyId: ctx.actor.agencyId });
  if (input.linkToPersonId) assertCanCreate(ctx, { __typename: 'Link', ownerAgencyId: ctx.actor.agencyId });
  const parent = await ownCase(ctx, caseId);
  const person = input.linkToPersonId ? await assertPersonOfCase(ctx, caseId, input.linkToPersonId, 'input.linkToPersonId') : undefined;

  const source: ObservationSource = { type: 'CASE', id: caseId, handling: inheritedHandling(parent) };
  const observationId = await ctx.db.transaction(async (tx) => {
    const [seen] = await observe(tx, ctx.actor, source, [{ kind: input.kind, value, note }]);
    const audit = [ownRecordEvent(ctx, 'COLLECT', 'Observation', seen!.observationId, writtenFields({ entity: seen!.entityId, note }))];
    if (input.linkToPersonId) {
      const linkId = await recordLink(tx, ctx.actor, {
        kind: input.linkKind ?? DEFAULT_LINK_KIND[input.kind],
        from: { personId: input.linkToPersonId },
        to: { entityId: seen!.entityId },
        // The person's handling, which is never less than its case's: the link reaches whom the person reaches.
        source: { ...source, handling: inheritedHandling(person!) },
      });
      audit.push(ownRecordEvent(ctx, 'COLLECT', 'Link', linkId, ['kind', 'from', 'to']));
    }
    // Last statement of the transaction: the events commit, or roll back, with the statements.
    await appendAudit(tx, ctx, audit);
    return seen!.observationId;
  });
  ctx.log.info({ op: 'addCaseEntity', caseId, observationId }, 'entity observed in case');
  return getObservation(ctx, observationId);
}
