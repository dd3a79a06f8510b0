import { defineAbilityFor } from '../../policies/ability';
import type { Actor } from '../../policies/actor';
import { SqlParams } from '../../policies/sql';
import type { Sql } from '../kernel/db';
import { badInput, forbidden } from '../kernel/errors';
import { assertUuid, handlingInsert, type HandlingInput } from '../kernel/marked-record';
import { isoDate, period } from '../kernel/validate';
import { countryOf, type EntityKind, normaliseIdentifier } from '../kernel/identifier';

/**
 * The write API other subgraphs call inside their own transaction when one of their records names
 * identifiers (a transaction report's accounts, a narrative's confirmed phones). Every statement
 * written here is owned by the actor's agency and marked with the source record's handling.
 */

export const SOURCE_TYPES = ['CASE', 'TRANSACTION_REPORT', 'NARRATIVE', 'TYPOLOGY', 'ADVERT'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const LINK_KINDS = [
  'USES_PHONE',
  'USES_EMAIL',
  'HOLDS_ACCOUNT',
  'ADVERTISED_AT',
  'LIVES_AT',
  'PAID',
  'CONTROLS',
  'RECRUITED',
  'OWNS_VEHICLE',
  'WORKS_FOR',
  'ASSOCIATED_WITH',
] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

export interface IdentifierInput {
  kind: EntityKind;
  value: string;
  /** ISO 3166-1 alpha-2: how a national-format value is read; defaults to the contributing agency's country. */
  country?: string | null;
}

export interface ObservationSource {
  type: SourceType;
  id: string;
  handling: HandlingInput;
}

/** An identifier already normalised, with the contributor's note on this sighting. */
export interface NormalisedIdentifier {
  kind: EntityKind;
  value: string;
  note?: string | null;
}

function assertMayCreate(actor: Actor, subject: 'Observation' | 'Link'): void {
  if (!defineAbilityFor(actor).can('create', { __typename: subject, ownerAgencyId: actor.agencyId })) {
    throw forbidden(`Your agency or role may not create ${subject}`);
  }
}

/** Finds or creates the entities (one statement); the only way entities come to be (migrations/entities/…-ensure-entities.ts). */
const ENSURE_ENTITIES = 'SELECT entity_id AS id, entity_kind AS kind, entity_value AS value FROM entities.ensure_entities($1::text[], $2::text[])';

/**
 * Upserts the distinct entities (one statement, in a stable order so concurrent writers lock rows
 * alike) and inserts one observation per distinct entity (one statement). Returns, in input
 * order, each identifier's entity id and the id of the observation that records it.
 */
export async function observe(
  tx: Sql,
  actor: Actor,
  source: ObservationSource,
  identifiers: NormalisedIdentifier[],
): Promise<Array<{ entityId: string; observationId: string }>> {
  if (!(SOURCE_TYPES as readonly string[]).includes(source.type)) throw new Error(`Unknown observation source type ${String(source.type)}`);
  assertUuid('source.id', source.id);
  assertMayCreate(actor, 'Observation');
  if (identifiers.length === 0) return [];
  const key = (i: { kind: string; value: string }) => `${i.kind}\u0000${i.value}`;
  const distinct = [...new Map(identifiers.map((i) => [key(i), i])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));

  const entities = await tx.query<{ id: string; kind: string; value: string }>(ENSURE_ENTITIES, [distinct.map((i) => i.kind), distinct.map((i) => i.value)]);
  const entityIds = new Map(entities.map((e) => [key(e), e.id]));

  const params = new SqlParams([distinct.map((i) => entityIds.get(key(i))), distinct.map((i) => i.note ?? null)]);
  const meta = handlingInsert(actor, source.handling, params);
  const observations = await tx.query<{ id: string; entity_id: string }>(
    `INSERT INTO entities.observations (${meta.columns}, source_type, source_id, entity_id, note)
     SELECT ${meta.values}, ${params.add(source.type)}, ${params.add(source.id)}, s.entity_id, s.note FROM unnest($1::uuid[], $2::text[]) AS s(entity_id, note)
     RETURNING id, entity_id`,
    params.values,
    { prepared: true },
  );
  const observationIds = new Map(observations.map((o) => [o.entity_id, o.id]));
  return identifiers.map((i) => {
    const entityId = entityIds.get(key(i))!;
    return { entityId, observationId: observationIds.get(entityId)! };
  });
}

/**
 * Normalises each identifier the way its contributor wrote it: national-format phones are read with
 * the identifier's own `country`, else the actor's agency's country (throws BAD_USER_INPUT naming
 * `${field}[i].value` or `${field}[i].country`).
 */
export function normaliseIdentifiers(
  actor: Pick<Actor, 'country'>,
  identifiers: IdentifierInput[],
  field = 'identifiers',
): Array<{ kind: EntityKind; value: string }> {
  const values = normaliseColumns(
    actor,
    identifiers.map((i) => i.kind),
    identifiers.map((i) => i.value),
    identifiers.map((i) => i.country),
    field,
  );
  return identifiers.map((i, n) => ({ kind: i.kind, value: values[n]! }));
}

/**
 * normaliseIdentifiers over columns (identifier `n` is `kinds[n]`, `values[n]`, `countries[n]`), for
 * a chunk of tens of thousands: the normalised values, in order, and no object per identifier. The
 * field names an error would carry are made only for the identifier that fails.
 */
export function normaliseColumns(
  actor: Pick<Actor, 'country'>,
  kinds: readonly string[],
  values: readonly string[],
  countries: ReadonlyArray<string | null | undefined>,
  field = 'identifiers',
): string[] {
  const agencyCountry = countryOf(undefined, actor.country, `${field}.country`);
  const out = new Array<string>(kinds.length);
  for (let n = 0; n < kinds.length; n++) {
    const explicit = countries[n];
    const country = explicit === undefined || explicit === null ? agencyCountry : countryOf(explicit, actor.country, `${field}[${n}].country`);
    const kind = kinds[n] as EntityKind;
    try {
      out[n] = normaliseIdentifier(kind, values[n]!, field, country);
    } catch {
      // Read again under the identifier's own field name, for the error that names it.
      out[n] = normaliseIdentifier(kind, values[n]!, `${field}[${n}].value`, country);
    }
  }
  return out;
}

/**
 * Normalises (see normaliseIdentifiers), upserts the entities and records one observation per
 * distinct identifier, owned by the actor's agency and marked with the source's handling. Returns
 * entity ids in input order (a repeated identifier gets the same id).
 */
export async function recordObservations(
  tx: Sql,
  actor: Actor,
  source: ObservationSource,
  identifiers: IdentifierInput[],
  field = 'identifiers',
): Promise<string[]> {
  const normalised = normaliseIdentifiers(actor, identifiers, field);
  return (await observe(tx, actor, source, normalised)).map((o) => o.entityId);
}

/** A Postgres array literal for a uuid[] parameter cast per row. */
const uuidArrayLiteral = (ids: string[] | undefined) => `{${(ids ?? []).join(',')}}`;

/**
 * recordObservations for many sources at once (a bank's batch of reports): every entity of every
 * source is upserted in ONE statement, in a stable order (so concurrent batches lock rows alike and
 * cannot deadlock), and every observation, each with its own source and handling, in ONE more.
 * Returns, per source, its identifiers' entity ids in input order and the ids of the observations
 * made (one per distinct entity), which the caller's audit events name.
 */
export async function recordObservationsBySource(
  tx: Sql,
  actor: Actor,
  items: Array<{ source: ObservationSource; identifiers: IdentifierInput[] }>,
  field = 'identifiers',
): Promise<Array<{ entityIds: string[]; observationIds: string[] }>> {
  assertMayCreate(actor, 'Observation');
  const normalised = items.map((item, n) => {
    if (!(SOURCE_TYPES as readonly string[]).includes(item.source.type)) throw new Error(`Unknown observation source type ${String(item.source.type)}`);
    assertUuid('source.id', item.source.id);
    return normaliseIdentifiers(actor, item.identifiers, `${field}[${n}]`);
  });
  const key = (i: { kind: string; value: string }) => `${i.kind}\u0000${i.value}`;
  const distinct = [...new Map(normalised.flat().map((i) => [key(i), i])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  if (distinct.length === 0) return items.map(() => ({ entityIds: [], observationIds: [] }));
  const entities = await tx.query<{ id: string; kind: string; value: string }>(ENSURE_ENTITIES, [distinct.map((i) => i.kind), distinct.map((i) => i.value)]);
  const entityIds = new Map(entities.map((e) => [key(e), e.id]));
  const rows: Array<{ source: ObservationSource; entityId: string }> = [];
  normalised.forEach((ids, n) => {
    for (const entityId of new Set(ids.map((i) => entityIds.get(key(i))!))) rows.push({ source: items[n]!.source, entityId });
  });
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  const inserted = await tx.query<{ id: string; source_id: string }>(
    `INSERT INTO entities.observations (owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
       handling_conditions, shared_with_agency_ids, shared_with_group_ids, red_recipient_user_ids, source_type, source_id, entity_id)
     SELECT $1, $2, s.marking, s.se, s.ia, s.hc, s.hcond, s.sa::uuid[], s.sg::uuid[], s.rr::uuid[], s.st, s.sid, s.eid
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::uuid[])
       AS s(marking, se, ia, hc, hcond, sa, sg, rr, st, sid, eid)
     RETURNING id, source_id`,
    [
      actor.agencyId,
      actor.userId,
      col((r) => r.source.handling.marking),
      col((r) => r.source.handling.sourceEvaluation),
      col((r) => r.source.handling.intelligenceAssessment),
      col((r) => r.source.handling.handlingCode),
      col((r) => r.source.handling.handlingConditions ?? null),
      col((r) => uuidArrayLiteral(r.source.handling.sharedWithAgencyIds)),
      col((r) => uuidArrayLiteral(r.source.handling.sharedWithGroupIds)),
      col((r) => uuidArrayLiteral(r.source.handling.redRecipientUserIds)),
      col((r) => r.source.type),
      col((r) => r.source.id),
      col((r) => r.entityId),
    ],
    { prepared: true },
  );
  const bySource = new Map<string, string[]>();
  for (const o of inserted) bySource.set(o.source_id, [...(bySource.get(o.source_id) ?? []), o.id]);
  return normalised.map((ids, n) => ({
    entityIds: ids.map((i) => entityIds.get(key(i))!),
    observationIds: bySource.get(items[n]!.source.id.toLowerCase()) ?? [],
  }));
}

function endpoint(e: { entityId?: string; personId?: string }, field: string): { entityId: string | null; personId: string | null } {
  if (!e.entityId === !e.personId) throw badInput(field, 'name exactly one of entityId and personId');
  if (e.entityId) assertUuid(`${field}.entityId`, e.entityId);
  if (e.personId) assertUuid(`${field}.personId`, e.personId);
  return { entityId: e.entityId ?? null, personId: e.personId ?? null };
}

/**
 * Records that two entities or persons are related, owned by the actor's agency and marked with
 * the source's handling. An entity endpoint is visible only to callers some observation of it
 * reaches, so observe the entity from the same source too.
 */
export async function recordLink(
  tx: Sql,
  actor: Actor,
  link: {
    kind: string;
    from: { entityId?: string; personId?: string };
    to: { entityId?: string; personId?: string };
    source: ObservationSource;
    validFrom?: string;
    validTo?: string;
  },
): Promise<string> {
  if (!(LINK_KINDS as readonly string[]).includes(link.kind)) throw badInput('link.kind', `must be one of ${LINK_KINDS.join(', ')}`);
  if (!(SOURCE_TYPES as readonly string[]).includes(link.source.type)) throw new Error(`Unknown link source type ${String(link.source.type)}`);
  assertUuid('source.id', link.source.id);
  const from = endpoint(link.from, 'link.from');
  const to = endpoint(link.to, 'link.to');
  const validFrom = isoDate('link.validFrom', link.validFrom);
  const validTo = isoDate('link.validTo', link.validTo);
  period('link.validTo', validFrom, validTo);
  assertMayCreate(actor, 'Link');
  const params = new SqlParams();
  const meta = handlingInsert(actor, link.source.handling, params);
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO entities.links (${meta.columns}, kind, from_entity_id, from_person_id, to_entity_id, to_person_id, valid_from, valid_to, source_type, source_id)
     VALUES (${meta.values}, ${params.add(link.kind)}, ${params.add(from.entityId)}, ${params.add(from.personId)}, ${params.add(to.entityId)},
       ${params.add(to.personId)}, ${params.add(validFrom)}, ${params.add(validTo)}, ${params.add(link.source.type)}, ${params.add(link.source.id)}) RETURNING id`,
    params.values,
  );
  return row!.id;
}

/**
 * recordLink for many links between entities at once (a file of adverts: each advert's phones
 * ADVERTISED_AT its page), each with its own source and handling, in ONE statement. The caller
 * observes every entity end from the same sources first (recordObservationsBySource), so an end
 * reaches whoever the link reaches. Returns the links' ids in input order.
 */
export async function recordLinksBySource(
  tx: Sql,
  actor: Actor,
  links: ReadonlyArray<{ kind: LinkKind; fromEntityId: string; toEntityId: string; source: ObservationSource }>,
): Promise<string[]> {
  if (links.length === 0) return [];
  assertMayCreate(actor, 'Link');
  for (const l of links) {
    if (!(LINK_KINDS as readonly string[]).includes(l.kind)) throw badInput('link.kind', `must be one of ${LINK_KINDS.join(', ')}`);
    if (!(SOURCE_TYPES as readonly string[]).includes(l.source.type)) throw new Error(`Unknown link source type ${String(l.source.type)}`);
    assertUuid('source.id', l.source.id);
  }
  const col = <T>(f: (l: (typeof links)[number]) => T) => links.map(f);
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO entities.links (owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
       handling_conditions, shared_with_agency_ids, shared_with_group_ids, red_recipient_user_ids, kind, from_entity_id, to_entity_id, source_type, source_id)
     SELECT $1, $2, s.marking, s.se, s.ia, s.hc, s.hcond, s.sa::uuid[], s.sg::uuid[], s.rr::uuid[], s.kind, s.fe, s.te, s.st, s.sid
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::uuid[], $14::text[], $15::uuid[])
       WITH ORDINALITY AS s(marking, se, ia, hc, hcond, sa, sg, rr, kind, fe, te, st, sid, n)
     ORDER BY s.n
     RETURNING id`,
    [
      actor.agencyId,
      actor.userId,
      col((l) => l.source.handling.marking),
      col((l) => l.source.handling.sourceEvaluation),
      col((l) => l.source.handling.intelligenceAssessment),
      col((l) => l.source.handling.handlingCode),
      col((l) => l.source.handling.handlingConditions ?? null),
      col((l) => uuidArrayLiteral(l.source.handling.sharedWithAgencyIds)),
      col((l) => uuidArrayLiteral(l.source.handling.sharedWithGroupIds)),
      col((l) => uuidArrayLiteral(l.source.handling.redRecipientUserIds)),
      col((l) => l.kind),
      col((l) => l.fromEntityId),
      col((l) => l.toEntityId),
      col((l) => l.source.type),
      col((l) => l.source.id),
    ],
  );
  return inserted.map((r) => r.id);
}

/** What an erasure of statements removed: the statements, and the entities left with no statement at all. */
export interface ErasedStatements {
  observations: string[];
  links: string[];
  /** Entities no observation or link names any more, deleted with them (entities.forget_orphans). */
  entities: string[];
}

/**
 * Deletes the entities among `entityIds` that no observation and no link names any more, through the
 * owner's function (migrations/entities/…-forget-orphans.ts): the application role may not delete
 * entities itself. An entity some other statement still names stays.
 */
async function forgetOrphans(tx: Sql, entityIds: Iterable<string | null>): Promise<string[]> {
  const ids = [...new Set([...entityIds].filter((id): id is string => !!id))].sort();
  if (ids.length === 0) return [];
  const rows = await tx.query<{ id: string }>('SELECT id FROM entities.forget_orphans($1::uuid[]) AS f(id)', [ids]);
  return rows.map((r) => r.id);
}

/** Deletes the links and observations each WHERE clause matches, then the entities only they named. */
async function eraseWhere(tx: Sql, links: [string, unknown[]], observations: [string, unknown[]]): Promise<ErasedStatements> {
  type Deleted = { id: string; a: string | null; b: string | null };
  const l = await tx.query<Deleted>(
    `WITH d AS (DELETE FROM entities.links WHERE ${links[0]} RETURNING id, from_entity_id, to_entity_id) SELECT id, from_entity_id AS a, to_entity_id AS b FROM d`,
    links[1],
  );
  const o = await tx.query<Deleted>(
    `WITH d AS (DELETE FROM entities.observations WHERE ${observations[0]} RETURNING id, entity_id) SELECT id, entity_id AS a, NULL::uuid AS b FROM d`,
    observations[1],
  );
  const entities = await forgetOrphans(
    tx,
    [...l, ...o].flatMap((r) => [r.a, r.b]),
  );
  return { observations: o.map((r) => r.id), links: l.map((r) => r.id), entities };
}

/**
 * The note of the observation that places an identifier confirmed from a narrative in the
 * narrative's case (so the case's network shows it): how the narrative's erasure finds it again.
 */
export function confirmedFromNarrativeNote(narrativeId: string): string {
  return `Confirmed from narrative ${narrativeId}`;
}

/**
 * Erases what a narrative contributed to the graph: its own observations and links, and the
 * observations that placed its confirmed identifiers in its case (`confirmedFromNarrativeNote`),
 * with every entity only they named.
 */
export function eraseStatementsOfNarrative(tx: Sql, narrativeId: string, caseId: string): Promise<ErasedStatements> {
  const own = `source_type = 'NARRATIVE' AND source_id = $1`;
  return eraseWhere(
    tx,
    [own, [narrativeId]],
    [`(${own}) OR (source_type = 'CASE' AND source_id = $2 AND note = $3)`, [narrativeId, caseId, confirmedFromNarrativeNote(narrativeId)]],
  );
}

/**
 * Erases the given observations and links (by id, owned by the caller's agency: row-level security
 * lets the role delete nothing else), and the entities only they named, inside the caller's transaction.
 */
export function eraseStatements(tx: Sql, ids: { observations: readonly string[]; links: readonly string[] }): Promise<ErasedStatements> {
  if (ids.observations.length === 0 && ids.links.length === 0) return Promise.resolve({ observations: [], links: [], entities: [] });
  const where = 'id = ANY($1::uuid[])';
  return eraseWhere(tx, [where, [ids.links]], [where, [ids.observations]]);
}
