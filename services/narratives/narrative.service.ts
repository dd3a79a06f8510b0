import { highestMarking, type Marking as MarkingName } from '../../policies/actor';
import { reachSql } from '../../policies/reach';
import { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { assertUuid, handlingInsert, type HandlingInput, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanChange, assertCanCreate, projectAll } from '../kernel/policy';
import { findVisible, getVisible, selectVisible, visibleLoader } from '../kernel/repository';
import { assertIndicators, EXPLOITATION_INDICATORS } from '../kernel/taxonomy';
import { isUuid, text } from '../kernel/validate';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import type { ContributeNarrativeInput } from './narrative.input';
import { narrativeTable } from './narrative.repository';

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
  const { rows, total } = await selectVisible(ctx, narrativeTable, {
    filterFields: caseId ? ['case'] : [],
    withTotal: true,
    where: (p) => (caseId ? [`n.case_id = ${p.add(caseId)}`] : []),
    orderBy: 'n.created_at DESC, n.id',
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(projectAll(ctx, rows), total, window);
}

// ---- contribution -------------------------------------------------------------------------

interface CaseReach {
  marking: MarkingName;
  sharedWithAgencyIds: string[];
  sharedWithGroupIds: string[];
  redRecipientUserIds: string[];
}

/** The case must be the caller's agency's and reach the caller; otherwise it does not exist for them. */
async function ownCase(ctx: RequestContext, caseId: string): Promise<CaseReach> {
  const params = new SqlParams();
  const [row] = await ctx.db.query<CaseReach>(
    `SELECT c.marking, c.shared_with_agency_ids AS "sharedWithAgencyIds", c.shared_with_group_ids AS "sharedWithGroupIds",
       c.red_recipient_user_ids AS "redRecipientUserIds"
     FROM cases.cases c
     WHERE c.id = ${params.add(caseId)} AND c.owner_agency_id = ${params.add(ctx.actor.agencyId)} AND ${reachSql(ctx.actor, 'c', 'cases.grants', params)}`,
    params.values,
  );
  if (!row) throw notFound('Case');
  return row;
}

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

export async function contributeNarrative(ctx: RequestContext, input: ContributeNarrativeInput): Promise<Projected> {
  validateHandling(input.handling, 'input.handling');
  assertUuid('input.caseId', input.caseId);
  const body = text('input.text', input.text, { max: 50000, required: true });
  assertIndicators('input.indicators', input.indicators, EXPLOITATION_INDICATORS);
  const recordedBy = text('input.consent.recordedBy', input.consent.recordedBy, { max: 200, required: true });
  const recordedAt = consentTime('input.consent.recordedAt', input.consent.recordedAt);
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'Narrative', ownerAgencyId: ctx.actor.agencyId });
  const handling = atLeastCaseMarking(input.handling, await ownCase(ctx, input.caseId));
  const hash = requestHash(input);

  const id = await submitOnce(ctx, {
    table: 'narratives.narratives',
    subject: 'narrative',
    key,
    hash,
    insert: async (tx) => {
      const params = new SqlParams();
      const meta = handlingInsert(ctx.actor, handling, params);
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO narratives.narratives (${meta.columns}, case_id, language, text, indicators, consent_law_enforcement, consent_hub,
           consent_recorded_by, consent_recorded_at, idempotency_key, request_hash)
         VALUES (${meta.values}, ${params.add(input.caseId)}, ${params.add(input.language)}, ${params.add(body)}, ${params.add(input.indicators ?? [])},
           ${params.add(input.consent.lawEnforcement)}, ${params.add(input.consent.hub)}, ${params.add(recordedBy)},
           coalesce(${params.add(recordedAt)}::timestamptz, now()), ${params.add(key)}, ${params.add(hash)}) RETURNING id`,
        params.values,
      );
      return row!.id;
    },
  });
  ctx.log.info({ narrativeId: id, caseId: input.caseId, op: 'contributeNarrative' }, 'narrative contributed');
  return getNarrative(ctx, id);
}

/**
 * Withdrawal erases what depended on the consent (the text, its indicators, the request hash that
 * was computed from the text) and logs that an erasure happened, never what. One statement, so one
 * transaction; withdrawing again changes and logs nothing.
 */
export async function withdrawConsent(ctx: RequestContext, id: string, reason: string | undefined): Promise<Projected> {
  const why = text('reason', reason, { max: 1000 });
  assertCanChange(ctx, 'withdraw', await findVisible(ctx, narrativeTable, id), 'Narrative');
  await ctx.db.query(
    `WITH erased AS (
       UPDATE narratives.narratives
       SET text = NULL, indicators = '{}', consent_law_enforcement = false, consent_hub = false, request_hash = NULL,
           withdrawn_at = now(), updated_at = now()
       WHERE id = $1 AND owner_agency_id = $2 AND withdrawn_at IS NULL
       RETURNING id)
     INSERT INTO narratives.erasures (narrative_id, erased_by_user_id, reason) SELECT id, $3, $4 FROM erased`,
    [id, ctx.actor.agencyId, ctx.actor.userId, why],
  );
  visibleLoader(ctx, narrativeTable, 'id').clear(id);
  ctx.log.info({ narrativeId: id, op: 'withdrawConsent' }, 'consent withdrawn, narrative erased');
  return getNarrative(ctx, id);
}
