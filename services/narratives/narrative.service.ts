import DataLoader from 'dataloader';
import { highestMarking, type Marking as MarkingName } from '../../policies/actor';
import { rawOf } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import type { EntityKind } from '../kernel/identifier';
import { insertCase, type OwnCase, ownCase, validateNewCase } from '../cases/api';
import { confirmedFromNarrativeNote, eraseStatementsOfNarrative, normaliseIdentifiers, observe } from '../entities/api';
import { appendAudit, type AuditEventInput, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, conflict, notFound } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import {
  assertUuid,
  handlingColumns,
  handlingInsert,
  type HandlingInput,
  type HandlingRow,
  inheritedHandling,
  validateHandling,
} from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanChange, assertCanCreate, projectAll, projectOne } from '../kernel/policy';
import { ref } from '../kernel/references';
import { findVisible, getVisible, selectPage, visibleLoader } from '../kernel/repository';
import { assertIndicators, EXPLOITATION_INDICATORS } from '../kernel/taxonomy';
import { isUuid, text } from '../kernel/validate';
import { extract, type FoundIdentifier, type FoundIndicator } from './extract';
import type { ContributeNarrativeInput } from './narrative.input';
import { narrativeTable } from './narrative.repository';
import { ProposalDecision } from './narrative.type';

type Projected = Record<string, unknown>;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const CLOCK_SKEW_MS = 5 * 60_000;

/** Visible raw record by id, or undefined: "does not exist" and "does not reach you" are one answer. */
export const getNarrative = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, narrativeTable, id);

/** `Case.narratives`: one statement per batch of cases. */
export async function narrativesOfCase(ctx: RequestContext, caseId: string): Promise<Projected[]> {
  if (!isUuid(caseId)) return [];
  return projectAll(ctx, await visibleLoader(ctx, narrativeTable, 'case_id', 'n.created_at, n.id').load(caseId));
}

export async function listNarratives(ctx: RequestContext, caseId: string | undefined, page: PageArgs) {
  const window = pageWindow(page);
  if (caseId) assertUuid('caseId', caseId);
  const { rows, ...rest } = await selectPage(ctx, narrativeTable, window, {
    filterFields: caseId ? ['case'] : [],
    where: (p) => (caseId ? [`n.case_id = ${p.add(caseId)}`] : []),
    orderBy: 'n.created_at DESC, n.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

// ---- contribution -------------------------------------------------------------------------

/** Whom a narrative's case reaches: a narrative never reaches fewer. */
type CaseReach = Pick<OwnCase, 'sharedWithAgencyIds' | 'sharedWithGroupIds' | 'redRecipientUserIds'> & { marking: MarkingName };

/** A narrative never carries a lower marking than its case; raised to the case's, it reaches whom the case reaches. */
function atLeastCaseMarking(h: HandlingInput, c: CaseReach): HandlingInput {
  if (highestMarking(h.marking as MarkingName, c.marking) === h.marking) return h;
  return {
    ...h,
    marking: c.marking as HandlingInput['marking'],
    sharedWithAgencyIds: c.sharedWithAgencyIds,
    sharedWithGroupIds: c.sharedWithGroupIds,
    redRecipientUserIds: c.redRecipientUserIds,
  };
}

function consentTime(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const t = new Date(value).getTime();
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(t)) throw badInput(field, 'must be an ISO 8601 date-time with a time zone');
  if (t > Date.now() + CLOCK_SKEW_MS) throw badInput(field, 'must not be in the future');
  return value;
}

/**
 * What the text proposes: its identifiers (national phone numbers read by the contributor's
 * country) and the indicators the contributor did not already state. Reading is best effort: if it
 * fails, the narrative is still taken, without proposals, and the failure logged (never the text).
 */
function proposalsOf(ctx: RequestContext, body: string, language: string, stated: string[]): { identifiers: FoundIdentifier[]; indicators: FoundIndicator[] } {
  try {
    const found = extract(body, { country: ctx.actor.country, language: language === 'ro' ? 'ro' : 'en' });
    return { identifiers: found.identifiers, indicators: found.indicators.filter((i) => !stated.includes(i.code)) };
  } catch (err) {
    ctx.log.error({ err: (err as Error).name, op: 'extract' }, 'reading a narrative for proposals failed; stored without proposals');
    return { identifiers: [], indicators: [] };
  }
}

/** Every proposal of one narrative in one statement. */
export async function insertProposals(tx: Sql, narrativeId: string, found: { identifiers: FoundIdentifier[]; indicators: FoundIndicator[] }): Promise<void> {
  const rows = [
    ...found.identifiers.map((i) => ({
      kind: 'IDENTIFIER',
      identifierKind: i.kind as string | null,
      value: i.value as string | null,
      code: null as string | null,
      start: i.start,
      end: i.end,
    })),
    ...found.indicators.map((i) => ({ kind: 'INDICATOR', identifierKind: null, value: null, code: i.code, start: i.start, end: i.end })),
  ];
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO narratives.proposals (narrative_id, kind, identifier_kind, identifier_value, indicator_code, excerpt_start, excerpt_end)
     SELECT $1, p.kind, p.identifier_kind, p.identifier_value, p.indicator_code, p.excerpt_start, p.excerpt_end
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
       AS p(kind, identifier_kind, identifier_value, indicator_code, excerpt_start, excerpt_end)`,
    [
      narrativeId,
      rows.map((r) => r.kind),
      rows.map((r) => r.identifierKind),
      rows.map((r) => r.value),
      rows.map((r) => r.code),
      rows.map((r) => r.start),
      rows.map((r) => r.end),
    ],
  );
}

/**
 * A narrative for a case the caller's agency owns (`caseId`) or for a case opened with it
 * (`newCase`, owned by the caller's agency), with the consent record and the proposals read from
 * its text, all in one transaction; idempotent on the key.
 */
export async function contributeNarrative(ctx: RequestContext, input: ContributeNarrativeInput): Promise<Projected> {
  validateHandling(input.handling, 'input.handling');
  if (!input.caseId === !input.newCase) throw badInput('input.caseId', 'give exactly one of caseId and newCase');
  if (input.caseId) assertUuid('input.caseId', input.caseId);
  const newCase = input.newCase ? validateNewCase(input.newCase, 'input.newCase') : undefined;
  const body = text('input.text', input.text, { max: 50000, required: true })!;
  assertIndicators('input.indicators', input.indicators, EXPLOITATION_INDICATORS);
  const recordedBy = text('input.consent.recordedBy', input.consent.recordedBy, { max: 200, required: true });
  const recordedAt = consentTime('input.consent.recordedAt', input.consent.recordedAt);
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'Narrative', ownerAgencyId: ctx.actor.agencyId });
  if (newCase) assertCanCreate(ctx, { __typename: 'Case', ownerAgencyId: ctx.actor.agencyId });
  const caseReach: CaseReach = newCase
    ? {
        marking: newCase.handling.marking as MarkingName,
        sharedWithAgencyIds: newCase.handling.sharedWithAgencyIds ?? [],
        sharedWithGroupIds: newCase.handling.sharedWithGroupIds ?? [],
        redRecipientUserIds: newCase.handling.redRecipientUserIds ?? [],
      }
    : await ownCase(ctx, input.caseId!, { othersNotFound: true });
  const handling = atLeastCaseMarking(input.handling, caseReach);
  const indicators = input.indicators ?? [];
  const hash = requestHash(input);

  const id = await submitOnce(ctx, {
    table: 'narratives.narratives',
    subject: 'narrative',
    key,
    hash,
    insert: async (tx) => {
      const audit: AuditEventInput[] = [];
      const caseId = newCase ? await insertCase(tx, ctx, newCase) : input.caseId!;
      if (newCase) {
        const fields = writtenFields({ summary: newCase.summary?.trim(), status: 'OPEN', exploitationTypes: newCase.exploitationTypes });
        audit.push(ownRecordEvent(ctx, 'COLLECT', 'Case', caseId, fields));
      }
      const params = new SqlParams();
      const meta = handlingInsert(ctx.actor, handling, params);
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO narratives.narratives (${meta.columns}, case_id, language, text, indicators, consent_law_enforcement, consent_hub,
           consent_recorded_by, consent_recorded_at, idempotency_key, request_hash)
         VALUES (${meta.values}, ${params.add(caseId)}, ${params.add(input.language)}, ${params.add(body)}, ${params.add(indicators)},
           ${params.add(input.consent.lawEnforcement)}, ${params.add(input.consent.hub)}, ${params.add(recordedBy)},
           coalesce(${params.add(recordedAt)}::timestamptz, now()), ${params.add(key)}, ${params.add(hash)}) RETURNING id`,
        params.values,
      );
      const proposals = proposalsOf(ctx, body, input.language, indicators);
      await insertProposals(tx, row!.id, proposals);
      const fields = writtenFields({
        case: caseId,
        language: input.language,
        text: body,
        indicators,
        consent: input.consent,
        proposals: [...proposals.identifiers, ...proposals.indicators],
      });
      audit.push(ownRecordEvent(ctx, 'COLLECT', 'Narrative', row!.id, fields));
      // Last statement of the transaction: the events commit, or roll back, with the narrative.
      await appendAudit(tx, ctx, audit);
      return row!.id;
    },
  });
  ctx.log.info({ narrativeId: id, caseId: input.caseId ?? 'new', op: 'contributeNarrative' }, 'narrative contributed');
  return getNarrative(ctx, id);
}

/**
 * Withdrawal erases what depended on the consent — the text, its indicators, the request hash
 * computed from the text, the proposals read from it, and the observations and links its confirmed
 * proposals made (through the entities module) — and records that an erasure happened, never what.
 * One transaction; withdrawing again changes and records nothing.
 */
export async function withdrawConsent(ctx: RequestContext, id: string, reason: string | undefined): Promise<Projected> {
  const why = text('reason', reason, { max: 1000 });
  assertCanChange(ctx, 'withdraw', await findVisible(ctx, narrativeTable, id), 'Narrative');
  const erased = await ctx.db.transaction(async (tx) => {
    // Taking the narrative's row lock first orders this after (or before) any decision on its proposals.
    // (UPDATE and DELETE are wrapped in a SELECT: through TypeORM their RETURNING rows come back as [rows, count].)
    const [row] = await tx.query<{ id: string; caseId: string }>(
      `WITH erased AS (
         UPDATE narratives.narratives
         SET text = NULL, indicators = '{}', consent_law_enforcement = false, consent_hub = false, request_hash = NULL,
             withdrawn_at = now(), updated_at = now()
         WHERE id = $1 AND owner_agency_id = $2 AND withdrawn_at IS NULL
         RETURNING id, case_id)
       SELECT id, case_id AS "caseId" FROM erased`,
      [id, ctx.actor.agencyId],
    );
    if (!row) return undefined;
    const [proposals] = await tx.query<{ n: number }>(
      'WITH d AS (DELETE FROM narratives.proposals WHERE narrative_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d',
      [id],
    );
    const statements = await eraseStatementsOfNarrative(tx, id, row.caseId);
    await tx.query('INSERT INTO narratives.erasures (narrative_id, erased_by_user_id, reason) VALUES ($1, $2, $3)', [id, ctx.actor.userId, why]);
    // One ERASE per record that went: the narrative's content, the statements made from it, and the
    // entities only those named (shared ground: no owner). Ids and field names, never what they held.
    await appendAudit(tx, ctx, [
      ownRecordEvent(ctx, 'ERASE', 'Narrative', id, proposals!.n ? ['text', 'indicators', 'consent', 'proposals'] : ['text', 'indicators', 'consent']),
      ...statements.observations.map((o) => ownRecordEvent(ctx, 'ERASE', 'Observation', o, ['entity'])),
      ...statements.links.map((l) => ownRecordEvent(ctx, 'ERASE', 'Link', l)),
      ...statements.entities.map((e): AuditEventInput => ({
        action: 'ERASE',
        subjectType: 'Entity',
        subjectId: e,
        recordOwnerAgencyId: null,
        fields: ['value'],
      })),
    ]);
    return { proposals: proposals!.n };
  });
  visibleLoader(ctx, narrativeTable, 'id').clear(id);
  if (erased) ctx.log.info({ narrativeId: id, op: 'withdrawConsent', proposals: erased.proposals }, 'consent withdrawn, narrative erased');
  return getNarrative(ctx, id);
}

// ---- proposals ----------------------------------------------------------------------------

interface ProposalRow {
  id: string;
  narrativeId: string;
  kind: 'IDENTIFIER' | 'INDICATOR';
  identifierKind: EntityKind | null;
  value: string | null;
  indicator: string | null;
  excerptStart: number;
  excerptEnd: number;
  status: 'PROPOSED' | 'CONFIRMED' | 'REJECTED';
  decidedAt: Date | null;
  decidedByUserId: string | null;
  entityId: string | null;
}

const PROPOSAL_COLUMNS = `p.id, p.narrative_id AS "narrativeId", p.kind, p.identifier_kind AS "identifierKind", p.identifier_value AS value,
  p.indicator_code AS indicator, p.excerpt_start AS "excerptStart", p.excerpt_end AS "excerptEnd", p.status, p.decided_at AS "decidedAt",
  p.decided_by_user_id AS "decidedByUserId", p.entity_id AS "entityId"`;

/**
 * Proposals are read from the text and are the owner's work in progress, so a caller sees them
 * only on a narrative that reached them (the caller's projection of it), that its agency owns, and
 * whose text the caller may read (not REDACTED, not erased): never more widely than the text, and
 * never beyond the owner, even where consent lets law enforcement or the hub read the text.
 */
function mayReadProposals(ctx: RequestContext, narrative: Projected): boolean {
  return rawOf<PolicyRecord>(narrative).ownerAgencyId === ctx.actor.agencyId && typeof narrative.text === 'string';
}

function present(row: ProposalRow, text: string) {
  return { ...row, excerpt: text.slice(row.excerptStart, row.excerptEnd), entity: ref('Entity', row.entityId) };
}

/** `Narrative.proposals`: [] unless mayReadProposals; one statement per batch of narratives. */
export async function proposalsOfNarrative(ctx: RequestContext, narrative: Projected) {
  if (!mayReadProposals(ctx, narrative)) return [];
  const loader = ctx.loader(
    'Narrative:proposals',
    () =>
      new DataLoader<string, ProposalRow[]>(async (ids) => {
        const rows = await ctx.db.query<ProposalRow>(
          `SELECT ${PROPOSAL_COLUMNS} FROM narratives.proposals p JOIN narratives.narratives n ON n.id = p.narrative_id
         WHERE p.narrative_id = ANY($1::uuid[]) AND n.owner_agency_id = $2 AND n.withdrawn_at IS NULL
         ORDER BY p.excerpt_start, p.kind, p.id`,
          [ids, ctx.actor.agencyId],
        );
        return ids.map((id) => rows.filter((r) => r.narrativeId === id));
      }),
  );
  return (await loader.load(rawOf<PolicyRecord>(narrative).id as string)).map((r) => present(r, narrative.text as string));
}

interface NarrativeHandlingRow extends HandlingRow {
  id: string;
  caseId: string;
}

/**
 * The owner confirms or rejects a proposal. A confirmed identifier becomes an observation of its
 * entity from the narrative (owned by the caller's agency, marked as the narrative); a confirmed
 * indicator joins the narrative's indicators. Deciding again the same way changes nothing; the
 * other way is a CONFLICT. Anyone else gets NOT_FOUND: proposals do not reach them.
 */
export async function decideProposal(ctx: RequestContext, id: string, decision: ProposalDecision) {
  const [found] = isUuid(id)
    ? await ctx.db.query<{ narrativeId: string }>('SELECT narrative_id AS "narrativeId" FROM narratives.proposals WHERE id = $1', [id])
    : [];
  const raw = found ? await findVisible(ctx, narrativeTable, found.narrativeId) : undefined;
  const narrative = raw ? projectOne(ctx, raw) : undefined;
  if (!raw || !narrative || !mayReadProposals(ctx, narrative)) throw notFound('NarrativeProposal');
  assertCanChange(ctx, 'update', raw, 'Narrative');
  const target = decision === ProposalDecision.CONFIRM ? 'CONFIRMED' : 'REJECTED';

  await ctx.db.transaction(async (tx) => {
    // The narrative's row lock orders a decision and a withdrawal: an observation is never made from an erased narrative.
    const [n] = await tx.query<NarrativeHandlingRow>(
      `SELECT n.id, n.case_id AS "caseId", ${handlingColumns('n')}
       FROM narratives.narratives n WHERE id = $1 AND owner_agency_id = $2 AND withdrawn_at IS NULL FOR UPDATE`,
      [raw.id, ctx.actor.agencyId],
    );
    if (!n) throw notFound('NarrativeProposal');
    const [decided] = await tx.query<ProposalRow>(
      `WITH decided AS (
         UPDATE narratives.proposals SET status = $2, decided_by_user_id = $3, decided_at = now()
         WHERE id = $1 AND narrative_id = $4 AND status = 'PROPOSED' RETURNING *)
       SELECT ${PROPOSAL_COLUMNS} FROM decided p`,
      [id, target, ctx.actor.userId, n.id],
    );
    if (!decided) {
      const [current] = await tx.query<{ status: string }>('SELECT status FROM narratives.proposals WHERE id = $1', [id]);
      if (!current) throw notFound('NarrativeProposal');
      if (current.status !== target) throw conflict(`This proposal was already ${current.status.toLowerCase()}`, { status: current.status });
      return;
    }
    const audit: AuditEventInput[] = [ownRecordEvent(ctx, 'ALTER', 'NarrativeProposal', id, ['status'])];
    if (target === 'CONFIRMED' && decided.kind === 'IDENTIFIER') {
      const source = { type: 'NARRATIVE' as const, id: n.id, handling: inheritedHandling(n) };
      const identifiers = normaliseIdentifiers(ctx.actor, [{ kind: decided.identifierKind!, value: decided.value! }]);
      const [seen] = await observe(tx, ctx.actor, source, identifiers);
      // The identifier is also placed in the narrative's case, as the case's own entities are, so the
      // case's network shows it; the narrative's erasure takes this observation with it.
      const inCase = { type: 'CASE' as const, id: n.caseId, handling: inheritedHandling(n) };
      const [placed] = await observe(
        tx,
        ctx.actor,
        inCase,
        identifiers.map((i) => ({ ...i, note: confirmedFromNarrativeNote(n.id) })),
      );
      await tx.query('UPDATE narratives.proposals SET entity_id = $2 WHERE id = $1', [id, seen!.entityId]);
      audit.push(ownRecordEvent(ctx, 'COLLECT', 'Observation', seen!.observationId, ['entity']));
      audit.push(ownRecordEvent(ctx, 'COLLECT', 'Observation', placed!.observationId, ['entity', 'note']));
    } else if (target === 'CONFIRMED') {
      await tx.query(
        `UPDATE narratives.narratives SET indicators = CASE WHEN $2 = ANY(indicators) THEN indicators ELSE array_append(indicators, $2) END, updated_at = now()
         WHERE id = $1`,
        [n.id, decided.indicator],
      );
      audit.push(ownRecordEvent(ctx, 'ALTER', 'Narrative', n.id, ['indicators']));
    }
    await appendAudit(tx, ctx, audit);
  });
  visibleLoader(ctx, narrativeTable, 'id').clear(raw.id as string);
  ctx.log.info({ proposalId: id, narrativeId: raw.id, decision, op: 'decideProposal' }, 'proposal decided');
  const [row] = await ctx.db.query<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM narratives.proposals p WHERE p.id = $1`, [id]);
  if (!row) throw notFound('NarrativeProposal');
  return present(row, narrative.text as string);
}
