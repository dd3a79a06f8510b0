import { highestMarking, type Marking as MarkingName } from '../../policies/actor';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { appendAudit, type AuditEventInput, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, notFound } from '../kernel/errors';
import {
  assertUuid,
  handlingColumns,
  handlingInsert,
  type HandlingInput,
  type HandlingRow,
  inheritedHandling,
  validateHandling,
} from '../kernel/marked-record';
import { type PageArgs, pageWindow, SortDirection, toPage } from '../kernel/pagination';
import { assertCanChange, assertCanCreate, projectAll, reaches } from '../kernel/policy';
import { findVisible, getVisible, selectPage, selectVisible, visibleByIds, visibleLoader } from '../kernel/repository';
import { nameMatchFunction } from '../kernel/security';
import { assertIndicators, EXPLOITATION_INDICATORS } from '../kernel/taxonomy';
import { similaritySql } from '../kernel/text-search';
import { requestHash, submitOnce } from '../kernel/idempotency';
import { idempotencyKey, isoDate, isUuid, period, text } from '../kernel/validate';
import type { CaseFilter, CaseOrder, OpenCaseInput, PersonFilter, PersonInput, PersonOrder, TraffickingEventInput, UpdateCaseInput } from './case.input';
import { caseNrmStageSql, caseTable, eventTable, personTable } from './case.repository';

type Projected = Record<string, unknown>;

export const getCase = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, caseTable, id);
export const getPerson = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, personTable, id);
export const getEvent = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, eventTable, id);

export const visibleCases = (ctx: RequestContext, ids: readonly string[]) => visibleByIds(ctx, caseTable, ids);
export const visiblePersons = (ctx: RequestContext, ids: readonly string[]) => visibleByIds(ctx, personTable, ids);

export async function personsOfCase(ctx: RequestContext, caseId: string): Promise<Projected[]> {
  return projectAll(ctx, await visibleLoader(ctx, personTable, 'case_id', 'p.pseudonym, p.id').load(caseId));
}

export async function eventsOfCase(ctx: RequestContext, caseId: string): Promise<Projected[]> {
  return projectAll(ctx, await visibleLoader(ctx, eventTable, 'case_id', 'e.occurred_on NULLS LAST, e.id').load(caseId));
}

const CASE_SORT_SQL = (ctx: RequestContext): Record<string, string | ((params: SqlParams) => string)> => ({
  createdAt: 'c.created_at',
  periodStart: 'c.period_start',
  status: 'c.status',
  // Derived, as the field is: NONE, REASONABLE_GROUNDS, CONCLUSIVE_GROUNDS sort in the order a case moves through them.
  nrmStage: (params) => `array_position(ARRAY['NONE','REASONABLE_GROUNDS','CONCLUSIVE_GROUNDS'], ${caseNrmStageSql(ctx, params)})`,
  reference: 'c.reference',
});

export async function listCases(ctx: RequestContext, filter: CaseFilter | undefined, order: CaseOrder | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const used: string[] = [];
  if (f.status) used.push('status');
  if (f.exploitationType) used.push('exploitationTypes');
  if (f.nrmStage) used.push('nrmStage');
  if (f.reference) used.push('reference');
  if (f.summaryContains) used.push('summary');
  if (f.ownerAgencyId) used.push('ownerAgency');
  if (f.ownerAgencyId && !isUuid(f.ownerAgencyId)) throw badInput('filter.ownerAgencyId', 'must be a UUID');
  const { rows, ...rest } = await selectPage(ctx, caseTable, window, {
    filterFields: used,
    sort: order && { field: order.field, column: CASE_SORT_SQL(ctx)[order.field]!, direction: order.direction === SortDirection.ASC ? 'ASC' : 'DESC' },
    where: (p) => [
      ...(f.status ? [`c.status = ${p.add(f.status)}`] : []),
      ...(f.exploitationType ? [`${p.add(f.exploitationType)} = ANY(c.exploitation_types)`] : []),
      ...(f.nrmStage ? [`${caseNrmStageSql(ctx, p)} = ${p.add(f.nrmStage)}`] : []),
      ...(f.reference ? [`c.reference = ${p.add(f.reference)}`] : []),
      ...(f.summaryContains ? [`c.summary ILIKE ${p.add(`%${f.summaryContains.replace(/[%_\\]/g, '\\$&')}%`)}`] : []),
      ...(f.ownerAgencyId ? [`c.owner_agency_id = ${p.add(f.ownerAgencyId)}`] : []),
    ],
    orderBy: order ? 'c.id' : 'c.created_at DESC, c.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

const PERSON_SORT_SQL: Record<string, string> = {
  pseudonym: 'p.pseudonym',
  fullName: 'p.full_name',
  dateOfBirth: 'p.date_of_birth',
  createdAt: 'p.created_at',
};

export async function listPersons(ctx: RequestContext, filter: PersonFilter | undefined, order: PersonOrder | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const used: string[] = [];
  if (f.caseId) used.push('caseId');
  if (f.role) used.push('role');
  if (f.nationality) used.push('nationality');
  if (f.fullNameContains) used.push('fullName');
  if (f.dateOfBirth) used.push('dateOfBirth');
  if (f.caseId && !isUuid(f.caseId)) throw badInput('filter.caseId', 'must be a UUID');
  const dob = isoDate('filter.dateOfBirth', f.dateOfBirth);
  const { rows, ...rest } = await selectPage(ctx, personTable, window, {
    filterFields: used,
    sort: order && { field: order.field, column: PERSON_SORT_SQL[order.field]!, direction: order.direction === SortDirection.DESC ? 'DESC' : 'ASC' },
    where: (p) => [
      ...(f.caseId ? [`p.case_id = ${p.add(f.caseId)}`] : []),
      ...(f.role ? [`p.role = ${p.add(f.role)}`] : []),
      ...(f.nationality ? [`p.nationality = ${p.add(f.nationality)}`] : []),
      ...(f.fullNameContains ? [`unaccent(p.full_name) ILIKE unaccent(${p.add(`%${f.fullNameContains.replace(/[%_\\]/g, '\\$&')}%`)})`] : []),
      ...(dob ? [`p.date_of_birth = ${p.add(dob)}`] : []),
    ],
    orderBy: order ? 'p.id' : 'p.created_at DESC, p.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/**
 * Name search for persons: finds "Ionuț Popescu" from "Ionut Popescu", "Ionuţ" (cedilla) and small
 * misspellings, best match first. Only rows whose fullName the caller may read can match.
 */
export async function searchPersons(ctx: RequestContext, name: string, first: number) {
  const term = text('name', name, { max: 200, required: true })!;
  if (term.length < 3) throw badInput('name', 'must be at least 3 characters');
  if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first', 'must be between 1 and 100');
  const params = new SqlParams();
  const t = params.add(term);
  const { rows } = await selectVisible(ctx, personTable, {
    params,
    filterFields: ['fullName'],
    extraColumns: `${similaritySql('cases', 'p.full_name_folded', t)} AS "__score"`,
    where: () => [`p.id = ANY((SELECT ${nameMatchFunction(personTable.table)}(${t}))::uuid[])`],
    orderBy: '"__score" DESC, p.id',
    limit: first,
  });
  return rows.map((r) => ({ person: projectAll(ctx, [r])[0], score: Math.round(Number(r.__score) * 1000) / 1000 }));
}

// ---- contribution -------------------------------------------------------------------------

function personFields(p: PersonInput): string[] {
  const { handling: _handling, ...fields } = p;
  return writtenFields(fields);
}

function eventFields(e: TraffickingEventInput): string[] {
  return writtenFields({ type: e.type, occurredOn: e.occurredOn, location: e.locationId, description: e.description });
}

/** A COLLECT event for a record the caller's agency just created. */
function collected(ctx: RequestContext, subjectType: string, subjectId: string, fields: string[]): AuditEventInput {
  return ownRecordEvent(ctx, 'COLLECT', subjectType, subjectId, fields);
}

function validatePerson(p: PersonInput, field: string): void {
  text(`${field}.pseudonym`, p.pseudonym, { max: 40, required: true });
  text(`${field}.ageBand`, p.ageBand, { max: 20 });
  text(`${field}.gender`, p.gender, { max: 40 });
  if (p.nationality && !/^[A-Z]{2}$/.test(p.nationality)) throw badInput(`${field}.nationality`, 'must be an ISO 3166-1 alpha-2 code');
  text(`${field}.fullName`, p.fullName, { max: 200 });
  isoDate(`${field}.dateOfBirth`, p.dateOfBirth);
  text(`${field}.contact`, p.contact, { max: 500 });
  text(`${field}.documents`, p.documents, { max: 1000 });
  if (p.handling) validateHandling(p.handling, `${field}.handling`);
}

function validateEvent(e: TraffickingEventInput, field: string): void {
  isoDate(`${field}.occurredOn`, e.occurredOn);
  if (e.locationId) assertUuid(`${field}.locationId`, e.locationId);
  text(`${field}.description`, e.description, { max: 4000 });
}

/** A child record never carries a lower marking than its case. */
function childHandling(caseHandling: HandlingInput, own: HandlingInput | undefined): HandlingInput {
  if (!own) return caseHandling;
  return { ...own, marking: highestMarking(caseHandling.marking as MarkingName, own.marking as MarkingName) as HandlingInput['marking'] };
}

async function insertPerson(tx: Sql, ctx: RequestContext, caseId: string, h: HandlingInput, p: PersonInput): Promise<string> {
  const params = new SqlParams();
  const meta = handlingInsert(ctx.actor, h, params);
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO cases.persons (${meta.columns}, case_id, role, pseudonym, age_band, gender, nationality, full_name, date_of_birth, contact, documents)
     VALUES (${meta.values}, ${params.add(caseId)}, ${params.add(p.role)}, ${params.add(p.pseudonym.trim())}, ${params.add(p.ageBand ?? null)},
       ${params.add(p.gender ?? null)}, ${params.add(p.nationality ?? null)}, ${params.add(p.fullName ?? null)}, ${params.add(p.dateOfBirth ?? null)},
       ${params.add(p.contact ?? null)}, ${params.add(p.documents ?? null)}) RETURNING id`,
    params.values,
  );
  return row!.id;
}

async function insertEvent(tx: Sql, ctx: RequestContext, caseId: string, h: HandlingInput, e: TraffickingEventInput): Promise<string> {
  const params = new SqlParams();
  const meta = handlingInsert(ctx.actor, h, params);
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO cases.events (${meta.columns}, case_id, type, occurred_on, location_id, description)
     VALUES (${meta.values}, ${params.add(caseId)}, ${params.add(e.type)}, ${params.add(e.occurredOn ?? null)}, ${params.add(e.locationId ?? null)},
       ${params.add(e.description ?? null)}) RETURNING id`,
    params.values,
  );
  return row!.id;
}

/** The fields of a new case, whether opened on its own (openCase) or with a narrative (services/narratives). */
export interface NewCase {
  handling: HandlingInput;
  reference?: string | null;
  summary?: string | null;
  exploitationTypes: string[];
  periodStart?: string | null;
  periodEnd?: string | null;
  indicators?: string[] | null;
}

/** The rules every new case's fields follow; `field` names the input that carries them. Returns the fields as stored (texts trimmed, dates normalised). */
export function validateNewCase(c: NewCase, field: string): NewCase {
  validateHandling(c.handling, `${field}.handling`);
  const reference = text(`${field}.reference`, c.reference, { max: 100 });
  const summary = text(`${field}.summary`, c.summary, { max: 20000 });
  if (!c.exploitationTypes?.length) throw badInput(`${field}.exploitationTypes`, 'name at least one exploitation type');
  const start = isoDate(`${field}.periodStart`, c.periodStart);
  const end = isoDate(`${field}.periodEnd`, c.periodEnd);
  period(`${field}.periodEnd`, start, end);
  assertIndicators(`${field}.indicators`, c.indicators ?? undefined, EXPLOITATION_INDICATORS);
  return { ...c, reference, summary, periodStart: start, periodEnd: end };
}

/**
 * Inserts a validated new case, owned by the caller's agency, inside the caller's transaction (so a
 * narrative and the case it opens exist together or not at all). Returns its id.
 */
export async function insertCase(tx: Sql, ctx: RequestContext, c: NewCase, idempotency?: { key: string; hash: string }): Promise<string> {
  const params = new SqlParams();
  const meta = handlingInsert(ctx.actor, c.handling, params);
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO cases.cases (${meta.columns}, reference, summary, status, exploitation_types, period_start, period_end, indicators, idempotency_key, request_hash)
     VALUES (${meta.values}, ${params.add(c.reference ?? null)}, ${params.add(c.summary ?? null)}, 'OPEN', ${params.add(c.exploitationTypes)},
       ${params.add(c.periodStart ?? null)}, ${params.add(c.periodEnd ?? null)}, ${params.add(c.indicators ?? [])}, ${params.add(idempotency?.key ?? null)},
       ${params.add(idempotency?.hash ?? null)}) RETURNING id`,
    params.values,
  );
  return row!.id;
}

/** Opens a case with its persons and events, all or nothing, owned by the caller's agency. */
export async function openCase(ctx: RequestContext, input: OpenCaseInput): Promise<Projected> {
  const fields = validateNewCase(input, 'input');
  const [start, end] = [fields.periodStart ?? null, fields.periodEnd ?? null];
  input.persons?.forEach((p, i) => validatePerson(p, `input.persons[${i}]`));
  input.events?.forEach((e, i) => validateEvent(e, `input.events[${i}]`));
  const key = idempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'Case', ownerAgencyId: ctx.actor.agencyId });

  const insert = async (tx: Sql) => {
    const caseId = await insertCase(tx, ctx, fields, key ? { key, hash: requestHash(input) } : undefined);
    const audit: AuditEventInput[] = [
      collected(
        ctx,
        'Case',
        caseId,
        writtenFields({
          reference: fields.reference,
          summary: fields.summary,
          status: 'OPEN',
          exploitationTypes: input.exploitationTypes,
          periodStart: start,
          periodEnd: end,
          indicators: input.indicators,
        }),
      ),
    ];
    for (const p of input.persons ?? []) {
      audit.push(collected(ctx, 'Person', await insertPerson(tx, ctx, caseId, childHandling(input.handling, p.handling), p), personFields(p)));
    }
    for (const e of input.events ?? []) audit.push(collected(ctx, 'TraffickingEvent', await insertEvent(tx, ctx, caseId, input.handling, e), eventFields(e)));
    // Last statement of the transaction: the events commit, or roll back, with the case.
    await appendAudit(tx, ctx, audit);
    return caseId;
  };
  const id = key ? await submitOnce(ctx, { table: 'cases.cases', subject: 'case', key, hash: requestHash(input), insert }) : await ctx.db.transaction(insert);
  ctx.log.info({ caseId: id, op: 'openCase' }, 'case opened');
  return getCase(ctx, id);
}

/** A case the caller's agency may change, with the handling its parts and statements inherit. */
export type OwnCase = PolicyRecord & HandlingRow & { id: string; ownerAgencyId: string };

/**
 * Loads a case the caller may change (add to, attach to): NOT_FOUND if it does not reach them (as
 * if it did not exist), FORBIDDEN if it does but their agency may not change it (only the owner may).
 * `othersNotFound`: another agency's case is NOT_FOUND even when it reaches the caller, for writes
 * that only ever go to the caller's own cases (a narrative), where a foreign case is a missing one.
 */
export async function ownCase(ctx: RequestContext, caseId: string, opts: { othersNotFound?: boolean } = {}): Promise<OwnCase> {
  const row = await findVisible(ctx, caseTable, caseId);
  if (opts.othersNotFound && row && row.ownerAgencyId !== ctx.actor.agencyId) throw notFound('Case');
  assertCanChange(ctx, 'update', row, 'Case');
  return row as OwnCase;
}

/**
 * The person must be in this case and reach the caller. Meant after `ownCase`: the caller owns the
 * case and so the persons in it (only a case's owner adds persons), so TLP reach is the only rule
 * left to apply. `field` names the input that carries the person's id. Answers the person's handling:
 * a statement about the person (a link from it) carries it, never less (a RED victim of a GREEN case
 * stays RED in the links that name it).
 */
export async function assertPersonOfCase(ctx: RequestContext, caseId: string, personId: string, field: string): Promise<HandlingRow> {
  const params = new SqlParams();
  const [row] = await ctx.db.query<HandlingRow>(
    `SELECT ${handlingColumns('p')} FROM cases.persons p
      WHERE p.id = ${params.add(personId)} AND p.case_id = ${params.add(caseId)} AND ${reaches(ctx, 'p', 'cases.grants', params)}`,
    params.values,
  );
  if (!row) throw badInput(field, 'is not a person of this case');
  return row;
}

/**
 * A case's owner and handling, read without an actor: only for the demo loaders, which run as the
 * schema owner (the application role sees no marked row without an actor).
 */
export async function demoCaseSource(db: Sql, caseId: string): Promise<(HandlingRow & { ownerAgencyId: string }) | undefined> {
  const [row] = await db.query<HandlingRow & { ownerAgencyId: string }>(
    `SELECT c.owner_agency_id AS "ownerAgencyId", ${handlingColumns('c')} FROM cases.cases c WHERE c.id = $1`,
    [caseId],
  );
  return row;
}

export async function updateCase(ctx: RequestContext, id: string, input: UpdateCaseInput): Promise<Projected> {
  const current = await ownCase(ctx, id);
  text('input.summary', input.summary, { max: 20000 });
  const end = isoDate('input.periodEnd', input.periodEnd);
  period('input.periodEnd', (current.periodStart as string | null) ?? null, end);
  assertIndicators('input.indicators', input.indicators, EXPLOITATION_INDICATORS);
  if (input.exploitationTypes && input.exploitationTypes.length === 0) throw badInput('input.exploitationTypes', 'name at least one exploitation type');
  const params = new SqlParams();
  const sets: string[] = [];
  const changed: string[] = [];
  const set = (field: string, assignment: string) => {
    sets.push(assignment);
    changed.push(field);
  };
  if (input.status) set('status', `status = ${params.add(input.status)}`);
  // The case's stage is its victims' (Case.nrmStage is derived): a stage is recorded on the person.
  if (input.nrmStage !== undefined && input.nrmStage !== null) {
    throw badInput('input.nrmStage', "is derived from the case's victims' referral stages: record a victim's stage with recordReferralStage");
  }
  if (input.summary !== undefined && input.summary !== null) set('summary', `summary = ${params.add(input.summary)}`);
  if (input.exploitationTypes) set('exploitationTypes', `exploitation_types = ${params.add(input.exploitationTypes)}`);
  if (input.indicators) set('indicators', `indicators = ${params.add(input.indicators)}`);
  if (end) set('periodEnd', `period_end = ${params.add(end)}`);
  if (sets.length === 0) throw badInput('input', 'nothing to change');
  await ctx.db.transaction(async (tx) => {
    const updated = await tx.query<{ id: string }>(
      `UPDATE cases.cases SET ${sets.join(', ')}, updated_at = now() WHERE id = ${params.add(id)} AND owner_agency_id = ${params.add(ctx.actor.agencyId)} RETURNING id`,
      params.values,
    );
    if (updated.length) await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'ALTER', 'Case', id, changed)]);
  });
  visibleLoader(ctx, caseTable, 'id').clear(id);
  return getCase(ctx, id);
}

export async function addPerson(ctx: RequestContext, caseId: string, input: PersonInput): Promise<Projected> {
  const parent = await ownCase(ctx, caseId);
  validatePerson(input, 'input');
  assertCanCreate(ctx, { __typename: 'Person', ownerAgencyId: ctx.actor.agencyId });
  const id = await ctx.db.transaction(async (tx) => {
    const personId = await insertPerson(tx, ctx, caseId, childHandling(inheritedHandling(parent), input.handling), input);
    await appendAudit(tx, ctx, [collected(ctx, 'Person', personId, personFields(input))]);
    return personId;
  });
  return getPerson(ctx, id);
}

export async function addTraffickingEvent(ctx: RequestContext, caseId: string, input: TraffickingEventInput): Promise<Projected> {
  const parent = await ownCase(ctx, caseId);
  validateEvent(input, 'input');
  assertCanCreate(ctx, { __typename: 'TraffickingEvent', ownerAgencyId: ctx.actor.agencyId });
  const id = await ctx.db.transaction(async (tx) => {
    const eventId = await insertEvent(tx, ctx, caseId, inheritedHandling(parent), input);
    await appendAudit(tx, ctx, [collected(ctx, 'TraffickingEvent', eventId, eventFields(input))]);
    return eventId;
  });
  return getEvent(ctx, id);
}
