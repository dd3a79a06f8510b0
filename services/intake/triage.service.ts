import type { PolicyRecord } from '../../policies/subjects';
import { insertCase, type NewCase, validateNewCase, visibleCases } from '../cases/api';
import { knownEntities } from '../entities/api';
import { appendAudit, type AuditEventInput, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, conflict, notFound } from '../kernel/errors';
import { requestHash } from '../kernel/idempotency';
import { HandlingCode, IntelligenceAssessment, SourceEvaluation } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, mayReadAny, projectOne } from '../kernel/policy';
import { retentionInterval } from '../kernel/records';
import { ref } from '../kernel/references';
import { selectVisible, type SubjectTable } from '../kernel/repository';
import { placesNamedIn } from '../routes/api';
import { isUuid } from '../kernel/validate';
import { type ExtractOptions, extract, fold, type FoundIdentifier, type FoundIndicator } from '../narratives/api';
import { publicText } from './public-text';
import { type DecideTriageInput, RelatedReason, TriageDecisionKind, TriageUrgency } from './triage.type';

/**
 * The hub analysts' triage of public reports: a queue of the reports no one has decided yet, most
 * urgent and newest first, each with what the narratives extractor proposes in its story, the
 * reports it may repeat or relate to and the known entities it names; and one decision per report,
 * written with its grading and its audit events in one transaction.
 */

/** The retention class a public report's original text is kept under once triaged (services/kernel/records.ts). */
export const PUBLIC_REPORT_RETENTION = 'PUBLIC_REPORT' as const;
/** Indicators whose presence in a story makes it an imminent risk: violence or threats, now. */
export const RISK_INDICATORS = ['PHYSICAL_OR_SEXUAL_VIOLENCE', 'INTIMIDATION_AND_THREATS', 'CONTROL_THREATS_TO_FAMILY'];
/** Related reports: received within this many days of each other, at coordinates within this many degrees (about 10 km). */
export const NEAR_DAYS = 30;
export const NEAR_DEGREES = 0.1;
/** How many of the most recent reports a report is compared with for related ones, and how many it lists at most. */
export const RELATED_POOL = 1000;
export const RELATED_LIMIT = 20;

interface ReportRow extends PolicyRecord {
  id: string;
  receivedAt: Date;
  story: string;
  language: string;
  situationKind: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  fingerprint: string;
  status: string;
  reviewDue: string;
  /** What the reporter added later, oldest first. */
  additions: string[];
}

/** What triage reads of a report (the PublicReport policy applies: the hub's analysts only). */
const triageSource: SubjectTable<ReportRow> = {
  subject: 'PublicReport',
  table: 'intake.public_reports',
  alias: 'r',
  columns: `r.id, r.received_at AS "receivedAt", r.story, r.language, r.situation_kind AS "situationKind", r.place,
    r.latitude::float8 AS latitude, r.longitude::float8 AS longitude, encode(r.fingerprint, 'hex') AS fingerprint, r.status,
    to_char(r.review_due, 'YYYY-MM-DD') AS "reviewDue",
    ARRAY(SELECT a.text FROM intake.public_report_additions a WHERE a.report_id = r.id ORDER BY a.added_at, a.id) AS additions`,
  attributes: () => ({}),
  map: (row) => ({ __typename: 'PublicReport', ...row }) as ReportRow,
};

/**
 * How the extractor reads a report, by its language as the reporter gave it ("ro", "Română",
 * "English"): a Romanian text's national phone numbers as Romania's, an English one's as the UK's
 * (the hub's Romania → UK picture); other languages, international numbers only.
 */
export function extractOptions(language: string): ExtractOptions {
  const l = fold(language).trim();
  if (/^(ro|ron|rum|romana|romanian)\b/.test(l)) return { language: 'ro' };
  if (/^(en|eng|english|engleza)\b/.test(l)) return { language: 'en', country: 'GB' };
  return {};
}

interface Proposals {
  identifiers: FoundIdentifier[];
  indicators: FoundIndicator[];
}

export interface FoundPlace {
  location: { __typename: 'Location'; id: string };
  name: string;
  start: number;
  end: number;
}

/**
 * Where in the story each gazetteer place it names first occurs (the extractor's folding keeps
 * offsets: one folded character per UTF-16 unit), as a whole word; a place whose spelling the
 * folding does not meet is left out.
 */
export function placeSpans(story: string, places: ReadonlyArray<{ id: string; name: string }>): FoundPlace[] {
  const folded = fold(story);
  const taken: Array<[number, number]> = [];
  const out: FoundPlace[] = [];
  for (const p of places) {
    const name = fold(p.name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`(?<![\\p{L}\\p{N}])${name}(?![\\p{L}\\p{N}])`, 'u').exec(folded);
    if (!m || taken.some(([s, e]) => m.index < e && m.index + m[0].length > s)) continue;
    taken.push([m.index, m.index + m[0].length]);
    out.push({ location: { __typename: 'Location', id: p.id }, name: p.name, start: m.index, end: m.index + m[0].length });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Per request: the extractor's proposals by report, and the reports others are compared with. */
const perRequest = new WeakMap<RequestContext, { proposals: Map<string, Proposals>; pool?: ReportRow[] }>();
function cacheOf(ctx: RequestContext) {
  let c = perRequest.get(ctx);
  if (!c) perRequest.set(ctx, (c = { proposals: new Map() }));
  return c;
}

/** The extractor's proposals for a report, once per request. */
function proposalsOf(ctx: RequestContext, r: ReportRow): Proposals {
  const cache = cacheOf(ctx).proposals;
  let p = cache.get(r.id);
  if (!p) {
    p = extract(r.story, extractOptions(r.language));
    cache.set(r.id, p);
  }
  return p;
}

const identifierKey = (i: { kind: string; value: string }) => `${i.kind}:${i.value}`;

interface Assessed {
  row: ReportRow;
  proposals: Proposals;
  places: FoundPlace[];
  known: Map<string, string>;
  urgency: TriageUrgency[];
}

async function assess(ctx: RequestContext, rows: ReportRow[]): Promise<Assessed[]> {
  const proposals = rows.map((r) => proposalsOf(ctx, r));
  // What was added later raises the report's urgency as the story does (the proposals, whose offsets
  // are the story's, stay the story's).
  const added = rows.map((r) => r.additions.map((text) => extract(text, extractOptions(r.language))));
  const known = await knownEntities(
    ctx,
    [...proposals, ...added.flat()].flatMap((p) => p.identifiers),
  );
  const places = await placesNamedIn(
    ctx,
    rows.map((r) => r.story),
  );
  return rows.map((row, i) => {
    const p = proposals[i]!;
    const mine = new Map(p.identifiers.filter((id) => known.has(identifierKey(id))).map((id) => [identifierKey(id), known.get(identifierKey(id))!]));
    const later = added[i]!;
    const urgency: TriageUrgency[] = [];
    if (row.situationKind === 'CHILD') urgency.push(TriageUrgency.CHILD);
    if ([p, ...later].some((q) => q.indicators.some((x) => RISK_INDICATORS.includes(x.code)))) urgency.push(TriageUrgency.IMMINENT_RISK);
    if (mine.size || later.some((q) => q.identifiers.some((id) => known.has(identifierKey(id))))) urgency.push(TriageUrgency.KNOWN_IDENTIFIER);
    return { row, proposals: p, places: placeSpans(row.story, places[i] ?? []), known: mine, urgency };
  });
}

/** Most urgent first (a child, then an imminent risk, then a known identifier, as a binary number), then newest. */
function urgencyScore(a: Assessed): number {
  return (
    (a.urgency.includes(TriageUrgency.CHILD) ? 4 : 0) +
    (a.urgency.includes(TriageUrgency.IMMINENT_RISK) ? 2 : 0) +
    (a.urgency.includes(TriageUrgency.KNOWN_IDENTIFIER) ? 1 : 0)
  );
}

function byUrgencyThenNewest(a: Assessed, b: Assessed): number {
  return urgencyScore(b) - urgencyScore(a) || b.row.receivedAt.getTime() - a.row.receivedAt.getTime() || a.row.id.localeCompare(b.row.id);
}

/** Place names compared folded (case, diacritics, cedillas, punctuation), first part only ("Iași, lângă gară" is Iași). */
function placeKey(place: string | null): string | undefined {
  const first = place?.split(/[,;(]/)[0];
  const key = first
    ? fold(first)
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim()
    : '';
  return key || undefined;
}

function relatedReasons(ctx: RequestContext, a: ReportRow, aIds: Set<string>, b: ReportRow): RelatedReason[] {
  const reasons: RelatedReason[] = [];
  if (a.fingerprint === b.fingerprint) reasons.push(RelatedReason.SAME_TEXT);
  if (proposalsOf(ctx, b).identifiers.some((i) => aIds.has(identifierKey(i)))) reasons.push(RelatedReason.SHARED_IDENTIFIER);
  const days = Math.abs(a.receivedAt.getTime() - b.receivedAt.getTime()) / 86_400_000;
  if (days <= NEAR_DAYS) {
    const near =
      a.latitude !== null && b.latitude !== null
        ? Math.abs(a.latitude - b.latitude) <= NEAR_DEGREES && Math.abs(a.longitude! - b.longitude!) <= NEAR_DEGREES
        : placeKey(a.place) !== undefined && placeKey(a.place) === placeKey(b.place);
    if (near) reasons.push(RelatedReason.NEAR_PLACE_AND_TIME);
  }
  return reasons;
}

/** The most recent reports (any status), once per request: what a report is compared with. */
async function relatedPool(ctx: RequestContext): Promise<ReportRow[]> {
  const cache = cacheOf(ctx);
  cache.pool ??= (await selectVisible(ctx, triageSource, { orderBy: 'r.received_at DESC, r.id', limit: RELATED_POOL })).rows;
  return cache.pool;
}

async function related(ctx: RequestContext, a: Assessed): Promise<Array<{ report: { __typename: 'PublicReport'; id: string }; reasons: RelatedReason[] }>> {
  const ids = new Set(a.proposals.identifiers.map(identifierKey));
  const out: Array<{ id: string; reasons: RelatedReason[]; at: number }> = [];
  for (const b of await relatedPool(ctx)) {
    if (b.id === a.row.id) continue;
    const reasons = relatedReasons(ctx, a.row, ids, b);
    if (reasons.length) out.push({ id: b.id, reasons, at: b.receivedAt.getTime() });
  }
  out.sort((x, y) => y.reasons.length - x.reasons.length || y.at - x.at || x.id.localeCompare(y.id));
  return out.slice(0, RELATED_LIMIT).map((r) => ({ report: { __typename: 'PublicReport' as const, id: r.id }, reasons: r.reasons }));
}

const DECISION_COLUMNS = `d.id, d.report_id AS "reportId", d.agency_id AS "agencyId", d.decision, d.case_id AS "caseId", d.reason,
  d.source_evaluation AS "sourceEvaluation", d.intelligence_assessment AS "intelligenceAssessment", d.handling_code AS "handlingCode",
  d.handling_conditions AS "handlingConditions", d.corroboration, d.decided_at AS "decidedAt", d.decided_by_user_id AS "decidedByUserId",
  d.request_hash AS "requestHash"`;

const decisionTable: SubjectTable = {
  subject: 'TriageDecision',
  table: 'intake.triage_decisions',
  alias: 'd',
  columns: DECISION_COLUMNS,
  attributes: () => ({ agencyId: () => 'd.agency_id' }),
  map: (row) => ({ __typename: 'TriageDecision', ...row, case: ref('Case', row.caseId as string | null) }) as PolicyRecord,
};

async function decisionsOf(ctx: RequestContext, reportIds: string[]): Promise<Map<string, PolicyRecord>> {
  if (!reportIds.length) return new Map();
  const { rows } = await selectVisible(ctx, decisionTable, { where: (p) => [`d.report_id = ANY(${p.add(reportIds)}::uuid[])`] });
  return new Map(rows.map((r) => [r.reportId as string, r]));
}

async function items(ctx: RequestContext, assessed: Assessed[]): Promise<Record<string, unknown>[]> {
  const decisions = await decisionsOf(
    ctx,
    assessed.map((a) => a.row.id),
  );
  const out: Record<string, unknown>[] = [];
  for (const a of assessed) {
    const decision = decisions.get(a.row.id);
    const record: PolicyRecord = {
      __typename: 'TriageItem',
      id: a.row.id,
      report: { __typename: 'PublicReport', id: a.row.id },
      urgency: a.urgency,
      identifiers: a.proposals.identifiers.map((i) => ({ ...i, known: a.known.has(identifierKey(i)) })),
      indicators: a.proposals.indicators,
      places: a.places,
      related: await related(ctx, a),
      touchedEntities: [...new Set(a.known.values())].map((id) => ({ __typename: 'Entity', id })),
      decision: decision ? projectOne(ctx, decision) : null,
      retentionClass: PUBLIC_REPORT_RETENTION,
      reviewDue: a.row.reviewDue,
    };
    out.push(projectOne(ctx, record));
  }
  return out;
}

/**
 * The reports no one has decided yet, most urgent first (a child, an imminent risk, a known
 * identifier), newest first within each. Urgency depends on the extractor and on the entities that
 * reach the analyst, so the whole open queue is assessed and ordered in memory, then paged.
 */
export async function triageQueue(ctx: RequestContext, page: PageArgs) {
  const window = pageWindow(page);
  // Like the list of public reports: empty for anyone but the hub's analysts.
  if (!mayReadAny(ctx, 'TriageItem')) return toPage([], 0, window);
  const { rows } = await selectVisible(ctx, triageSource, { where: () => [`r.status <> 'CLOSED'`], orderBy: 'r.received_at DESC, r.id' });
  const ordered = (await assess(ctx, rows)).sort(byUrgencyThenNewest);
  const pageRows = ordered.slice(window.offset, window.offset + window.limit);
  return toPage(await items(ctx, pageRows), ordered.length, window);
}

/** One report as a triage item, decided or not; NOT_FOUND for anyone but the hub's analysts. */
export async function getTriageItem(ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  if (!isUuid(id) || !mayReadAny(ctx, 'TriageItem')) throw notFound('TriageItem');
  const { rows } = await selectVisible(ctx, triageSource, { where: (p) => [`r.id = ${p.add(id)}`] });
  if (!rows.length) throw notFound('TriageItem');
  const [item] = await items(ctx, await assess(ctx, rows));
  return item!;
}

interface ValidDecision {
  decision: TriageDecisionKind;
  caseId: string | null;
  newCase: NewCase | null;
  reason: string | null;
  sourceEvaluation: SourceEvaluation | null;
  intelligenceAssessment: IntelligenceAssessment | null;
  handlingCode: HandlingCode | null;
  handlingConditions: string | null;
  corroboration: string | null;
}

/**
 * A decision's rules. Discarded reports are not intelligence: a reason, no grading. Every other
 * decision grades the report 3x5x2: its source is UNTESTED unless a corroboration is written down
 * (which then allows RELIABLE or NOT_RELIABLE, and the assessment B, "corroborated").
 */
export function validateDecision(input: DecideTriageInput): ValidDecision {
  const decision = input.decision;
  if (!Object.values(TriageDecisionKind).includes(decision)) throw badInput('input.decision', 'must be LINK_CASE, OPEN_CASE, INTELLIGENCE_ONLY or DISCARD');
  const reason = publicText('input.reason', input.reason, { max: 2000, required: decision === TriageDecisionKind.DISCARD });
  const corroboration = publicText('input.corroboration', input.corroboration, { max: 2000 });
  const conditions = publicText('input.handlingConditions', input.handlingConditions, { max: 2000 });
  if (decision === TriageDecisionKind.LINK_CASE) {
    if (!input.caseId || !isUuid(input.caseId)) throw badInput('input.caseId', 'LINK_CASE needs the id of a case');
  } else if (input.caseId) throw badInput('input.caseId', 'only LINK_CASE names a case');
  if (decision === TriageDecisionKind.OPEN_CASE) {
    if (!input.newCase) throw badInput('input.newCase', 'OPEN_CASE needs the case to open');
  } else if (input.newCase) throw badInput('input.newCase', 'only OPEN_CASE opens a case');

  if (decision === TriageDecisionKind.DISCARD) {
    if (input.intelligenceAssessment || corroboration || (input.sourceEvaluation ?? SourceEvaluation.UNTESTED) !== SourceEvaluation.UNTESTED) {
      throw badInput('input.intelligenceAssessment', 'a discarded report is not graded');
    }
    return {
      decision,
      caseId: null,
      newCase: null,
      reason,
      sourceEvaluation: null,
      intelligenceAssessment: null,
      handlingCode: null,
      handlingConditions: null,
      corroboration: null,
    };
  }
  const source = input.sourceEvaluation ?? SourceEvaluation.UNTESTED;
  if (!Object.values(SourceEvaluation).includes(source)) throw badInput('input.sourceEvaluation', 'must be RELIABLE, UNTESTED or NOT_RELIABLE');
  if (source !== SourceEvaluation.UNTESTED && !corroboration) {
    throw badInput('input.sourceEvaluation', 'a public report is UNTESTED unless corroborated: record the corroboration');
  }
  const assessment = input.intelligenceAssessment;
  if (!assessment || !Object.values(IntelligenceAssessment).includes(assessment)) throw badInput('input.intelligenceAssessment', 'grade the report (A to E)');
  if (assessment === IntelligenceAssessment.B && !corroboration)
    throw badInput('input.corroboration', 'B (known indirectly but corroborated) needs the corroboration');
  const code = input.handlingCode ?? HandlingCode.P;
  if (!Object.values(HandlingCode).includes(code)) throw badInput('input.handlingCode', 'must be P or C');
  if (code === HandlingCode.C && !conditions) throw badInput('input.handlingConditions', 'handling code C requires the conditions to be stated');
  const newCase = input.newCase
    ? validateNewCase(
        {
          handling: {
            marking: input.newCase.marking,
            sourceEvaluation: source,
            intelligenceAssessment: assessment,
            handlingCode: code,
            handlingConditions: conditions ?? undefined,
          },
          summary: input.newCase.summary,
          exploitationTypes: input.newCase.exploitationTypes,
          indicators: input.newCase.indicators,
        },
        'input.newCase',
      )
    : null;
  return {
    decision,
    caseId: input.caseId?.toLowerCase() ?? null,
    newCase,
    reason,
    sourceEvaluation: source,
    intelligenceAssessment: assessment,
    handlingCode: code,
    handlingConditions: code === HandlingCode.C ? conditions : null,
    corroboration,
  };
}

/**
 * Decides a report, once. In one transaction: the case opened (through the cases subgraph's
 * `insertCase`, in this transaction), the decision with its grading, the report closed with its
 * text's review date under PUBLIC_REPORT, and the audit events. The same decision again answers
 * the first (nothing new is written); a different one is a CONFLICT.
 */
export async function decideTriage(ctx: RequestContext, input: DecideTriageInput): Promise<Record<string, unknown>> {
  assertCanCreate(ctx, { __typename: 'TriageDecision', agencyId: ctx.actor.agencyId });
  if (!isUuid(input.reportId)) throw notFound('PublicReport');
  const reportId = input.reportId.toLowerCase();
  const d = validateDecision(input);
  if (d.newCase) assertCanCreate(ctx, { __typename: 'Case', ownerAgencyId: ctx.actor.agencyId, fromPublicReport: true });
  if (d.caseId && !(await visibleCases(ctx, [d.caseId])).has(d.caseId)) throw notFound('Case');
  // The decision as validated (defaults applied, text trimmed): the same decision however it was spelled.
  const decided: ValidDecision & { reportId: string; idempotencyKey?: null } = { reportId, ...d };
  const hash = requestHash(decided);

  await ctx.db.transaction(async (tx) => {
    // Decisions on one report are serialised on its row: of two racing, the second sees the first.
    const [report] = await tx.query<{ status: string }>('SELECT status FROM intake.public_reports WHERE id = $1 FOR UPDATE', [reportId]);
    if (!report) throw notFound('PublicReport');
    const [taken] = await tx.query<{ decision: string; requestHash: string }>(
      'SELECT decision, request_hash AS "requestHash" FROM intake.triage_decisions WHERE report_id = $1',
      [reportId],
    );
    if (taken?.requestHash === hash) return;
    if (taken || report.status === 'CLOSED') {
      throw conflict(`This report was already decided${taken ? ` (${taken.decision})` : ''}: a decision is not changed`, {
        field: 'input.decision',
        reason: 'ALREADY_DECIDED',
      });
    }
    const audit: AuditEventInput[] = [];
    let caseId = d.caseId;
    if (d.newCase) {
      caseId = await insertCase(tx, ctx, d.newCase);
      audit.push(
        ownRecordEvent(
          ctx,
          'COLLECT',
          'Case',
          caseId,
          writtenFields({
            summary: d.newCase.summary,
            status: 'OPEN',
            exploitationTypes: d.newCase.exploitationTypes,
            indicators: d.newCase.indicators,
          }),
        ),
      );
    }
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO intake.triage_decisions (report_id, agency_id, decided_by_user_id, decision, case_id, reason, source_evaluation, intelligence_assessment,
         handling_code, handling_conditions, corroboration, request_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
      [
        reportId,
        ctx.actor.agencyId,
        ctx.actor.userId,
        d.decision,
        caseId,
        d.reason,
        d.sourceEvaluation,
        d.intelligenceAssessment,
        d.handlingCode,
        d.handlingConditions,
        d.corroboration,
        hash,
      ],
    );
    await tx.query(
      `UPDATE intake.public_reports SET status = 'CLOSED', review_due = (current_date + interval '${retentionInterval(PUBLIC_REPORT_RETENTION)}')::date WHERE id = $1`,
      [reportId],
    );
    audit.push(ownRecordEvent(ctx, 'COLLECT', 'TriageDecision', row!.id, writtenFields({ ...d, newCase: undefined, caseId })), {
      action: 'ALTER',
      subjectType: 'PublicReport',
      subjectId: reportId,
      recordOwnerAgencyId: null,
      fields: ['status', 'reviewDue'],
    });
    await appendAudit(tx, ctx, audit);
  });
  ctx.log.info({ op: 'decideTriage', reportId, decision: d.decision }, 'public report triaged');
  return getTriageItem(ctx, reportId);
}
