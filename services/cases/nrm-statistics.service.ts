import { SqlParams } from '../../policies/sql';
import { visibleAgencies } from '../agencies/api';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { mayReadAny, projectOne, reaches } from '../kernel/policy';
import { isoDate, period } from '../kernel/validate';
import { cellKeyOf, disclosurePolicy, type DisclosurePolicy, perturbed, personRecord, quarterEnd, quarterOf, quarterStart, recordKey } from '../routes/api';
import { ageGroupOn, daysBetween, MECHANISMS, type Mechanism, type Stage, UK_NRM_TARGETS, workingDaysBetween } from './referral';
import { NrmStatisticsDimension } from './referral.type';

type Projected = Record<string, unknown>;

/** One person's path through one mechanism as the statistics see it: the date (and outcome) of each stage reached. */
export interface Referral {
  personId: string;
  /** The date of the mechanism's first stage (a UK referral, a Romanian signalling). */
  referredOn: string;
  at: Partial<Record<Stage, { on: string; positive: boolean }>>;
  /** The groups the person counts in, for the dimension asked (a case of two exploitation types: both). */
  groups: string[];
}

interface StageRow {
  personId: string;
  stage: string;
  outcome: string | null;
  occurredOn: string;
  nationality: string | null;
  ageBand: string | null;
  dateOfBirth: string | null;
  exploitationTypes: string[];
  referrerAgencyId: string;
}

/**
 * The mechanism's stages that reach the caller, with what groups their person: a stage counts only when
 * it, its person and its case all reach the caller (the aggregate takes its sources' marking, as
 * routes and hotspots do).
 */
async function reachedStages(ctx: RequestContext, mechanism: Mechanism): Promise<StageRow[]> {
  const params = new SqlParams();
  const reach = (alias: string) => reaches(ctx, alias, 'cases.grants', params);
  return ctx.db.query<StageRow>(
    `SELECT rs.person_id::text AS "personId", rs.stage, rs.outcome, rs.occurred_on::text AS "occurredOn", p.nationality, p.age_band AS "ageBand",
       p.date_of_birth::text AS "dateOfBirth", c.exploitation_types AS "exploitationTypes", rs.owner_agency_id::text AS "referrerAgencyId"
     FROM cases.referral_stages rs
     JOIN cases.persons p ON p.id = rs.person_id
     JOIN cases.cases c ON c.id = rs.case_id
     WHERE rs.mechanism = ${params.add(mechanism)} AND ${reach('rs')} AND ${reach('p')} AND ${reach('c')}
     ORDER BY rs.person_id`,
    params.values,
  );
}

/** Stage rows to one referral per person referred, grouped by `by`. */
async function referralsOf(ctx: RequestContext, rows: StageRow[], mechanism: Mechanism, by: NrmStatisticsDimension): Promise<Referral[]> {
  const agencyTypes = new Map<string, string>();
  if (by === NrmStatisticsDimension.REFERRING_AGENCY_TYPE) {
    const agencies = await visibleAgencies(ctx, [...new Set(rows.map((r) => r.referrerAgencyId))]);
    for (const [id, a] of agencies) agencyTypes.set(id, String(a.type));
  }
  const byPerson = new Map<string, StageRow[]>();
  for (const r of rows) {
    const stages = byPerson.get(r.personId);
    if (stages) stages.push(r);
    else byPerson.set(r.personId, [r]);
  }
  const out: Referral[] = [];
  for (const [personId, stages] of byPerson) {
    const referral = stages.find((s) => s.stage === MECHANISMS[mechanism][0]);
    if (!referral) continue;
    const groups = {
      [NrmStatisticsDimension.NATIONALITY]: () => [referral.nationality ?? 'UNKNOWN'],
      [NrmStatisticsDimension.EXPLOITATION_TYPE]: () => (referral.exploitationTypes.length ? [...referral.exploitationTypes] : ['UNKNOWN']),
      [NrmStatisticsDimension.AGE_GROUP]: () => [ageGroupOn(referral.occurredOn, referral.dateOfBirth, referral.ageBand)],
      [NrmStatisticsDimension.REFERRING_AGENCY_TYPE]: () => [agencyTypes.get(referral.referrerAgencyId) ?? 'UNKNOWN'],
    }[by]();
    out.push({
      personId,
      referredOn: referral.occurredOn,
      at: Object.fromEntries(stages.map((s) => [s.stage, { on: s.occurredOn, positive: s.outcome === 'POSITIVE' }])),
      groups,
    });
  }
  return out;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const quarterLabel = (q: number) => `${Math.floor(q / 4)}-Q${(q % 4) + 1}`;

export interface NrmCell {
  quarter: string;
  group: string;
  mechanism: Mechanism;
  referrals: number | null;
  reasonableGroundsDecisions: number | null;
  reasonableGroundsPositive: number | null;
  reasonableGroundsWithinTarget: number | null;
  reasonableGroundsMedianWorkingDays: number | null;
  conclusiveGroundsDecisions: number | null;
  conclusiveGroundsPositive: number | null;
  conclusiveGroundsMedianDays: number | null;
  awaitingConclusive: number | null;
  waitingBeyondReferenceMedian: number | null;
  supportProvided: number | null;
  identificationDecisions: number | null;
  identificationPositive: number | null;
  identificationMedianDays: number | null;
  referredToAssistance: number | null;
  assistanceProvided: number | null;
  countSuppressed: boolean;
}

/**
 * The statistics of one cell (a quarter and a group) from its referrals, released as the caller's
 * disclosure policy allows: exact, or each count perturbed by the cell-key method over the persons
 * it counts and withheld below k (services/routes/disclosure.ts, the one implementation). A median
 * is released only with the count of decisions it is the median of: never over fewer persons than
 * a released count.
 */
export function nrmCell(mechanism: Mechanism, quarter: string, group: string, members: readonly Referral[], today: string, policy: DisclosurePolicy): NrmCell {
  let suppressed = false;
  const count = (ms: readonly Referral[]): number | null => {
    if (policy.exact) return ms.length;
    const released = perturbed(ms.length, cellKeyOf(ms.map((m) => recordKey(policy.secret, personRecord(m.personId)))), policy.k);
    if (released === null) suppressed = true;
    return released;
  };
  const medianOf = (ms: readonly Referral[], released: number | null, value: (m: Referral) => number): number | null => {
    if (ms.length === 0) return null;
    if (!policy.exact && released === null) return null;
    return median(ms.map(value));
  };
  const reached = (stage: Stage) => members.filter((m) => m.at[stage]);
  const none = {
    reasonableGroundsDecisions: null,
    reasonableGroundsPositive: null,
    reasonableGroundsWithinTarget: null,
    reasonableGroundsMedianWorkingDays: null,
    conclusiveGroundsDecisions: null,
    conclusiveGroundsPositive: null,
    conclusiveGroundsMedianDays: null,
    awaitingConclusive: null,
    waitingBeyondReferenceMedian: null,
    supportProvided: null,
    identificationDecisions: null,
    identificationPositive: null,
    identificationMedianDays: null,
    referredToAssistance: null,
    assistanceProvided: null,
  };
  const referrals = count(members);

  if (mechanism === 'RO_MNIR') {
    const identified = reached('IDENTIFICATION');
    const identifiedCount = count(identified);
    return {
      ...none,
      quarter,
      group,
      mechanism,
      referrals,
      identificationDecisions: identifiedCount,
      identificationPositive: count(identified.filter((m) => m.at.IDENTIFICATION!.positive)),
      identificationMedianDays: medianOf(identified, identifiedCount, (m) => daysBetween(m.referredOn, m.at.IDENTIFICATION!.on)),
      referredToAssistance: count(reached('REFERRAL_TO_ASSISTANCE')),
      assistanceProvided: count(reached('ASSISTANCE')),
      countSuppressed: suppressed,
    };
  }

  const rg = reached('REASONABLE_GROUNDS');
  const cg = reached('CONCLUSIVE_GROUNDS');
  const rgOf = (m: Referral) => m.at.REASONABLE_GROUNDS!;
  const rgDays = (m: Referral) => workingDaysBetween(m.referredOn, rgOf(m).on);
  const cgDays = (m: Referral) => daysBetween(rgOf(m).on, m.at.CONCLUSIVE_GROUNDS!.on);
  const awaiting = members.filter((m) => m.at.REASONABLE_GROUNDS?.positive && !m.at.CONCLUSIVE_GROUNDS);
  const beyond = members.filter(
    (m) =>
      m.at.REASONABLE_GROUNDS &&
      (m.at.CONCLUSIVE_GROUNDS ? cgDays(m) : rgOf(m).positive ? daysBetween(rgOf(m).on, today) : 0) > UK_NRM_TARGETS.conclusiveMedianDays2023,
  );
  const rgCount = count(rg);
  const cgCount = count(cg);
  return {
    ...none,
    quarter,
    group,
    mechanism,
    referrals,
    reasonableGroundsDecisions: rgCount,
    reasonableGroundsPositive: count(rg.filter((m) => rgOf(m).positive)),
    reasonableGroundsWithinTarget: count(rg.filter((m) => rgDays(m) <= UK_NRM_TARGETS.reasonableGroundsWorkingDays)),
    reasonableGroundsMedianWorkingDays: medianOf(rg, rgCount, rgDays),
    conclusiveGroundsDecisions: cgCount,
    conclusiveGroundsPositive: count(cg.filter((m) => m.at.CONCLUSIVE_GROUNDS!.positive)),
    conclusiveGroundsMedianDays: medianOf(cg, cgCount, cgDays),
    awaitingConclusive: count(awaiting),
    waitingBeyondReferenceMedian: count(beyond),
    supportProvided: count(reached('SUPPORT_PROVIDED')),
    countSuppressed: suppressed,
  };
}

export interface NrmStatisticsTable {
  mechanism: Mechanism;
  periodFrom: string;
  periodTo: string;
  by: NrmStatisticsDimension;
  targets: typeof UK_NRM_TARGETS;
  rows: Projected[];
}

/**
 * A referral mechanism's statistics per quarter of referral (of signalling, in Romania) and group,
 * like the Home Office's quarterly NRM publication: the UK's time-to-decision measures against its
 * targets; for Romania's mechanism, identification (days from signalling) and assistance. For both: the period always widens to whole calendar quarters; rows by quarter then group,
 * never by count, and no totals. Each row goes through the field policy (`NrmStatistics`), and its
 * counts through the disclosure policy of that subject: exact for police and the hub's analysts,
 * perturbed for banks and NGOs.
 */
export async function nrmStatistics(
  ctx: RequestContext,
  mechanism: Mechanism,
  periodFrom: string,
  periodTo: string,
  by: NrmStatisticsDimension,
): Promise<NrmStatisticsTable> {
  const from = isoDate('periodFrom', periodFrom) as string;
  const to = isoDate('periodTo', periodTo) as string;
  period('periodTo', from, to);
  const [first, last] = [quarterOf(from), quarterOf(to)];
  if (last - first >= 40) throw badInput('periodTo', 'the period spans at most 40 quarters');
  const table = { mechanism, periodFrom: quarterStart(first), periodTo: quarterEnd(last), by, targets: UK_NRM_TARGETS, rows: [] as Projected[] };
  if (!mayReadAny(ctx, 'NrmStatistics')) return table;

  const policy = disclosurePolicy(ctx, 'NrmStatistics');
  const referrals = await referralsOf(ctx, await reachedStages(ctx, mechanism), mechanism, by);
  const [{ today }] = (await ctx.db.query<{ today: string }>(`SELECT current_date::text AS today`)) as [{ today: string }];
  const cells = new Map<string, { quarter: number; group: string; members: Referral[] }>();
  for (const r of referrals) {
    const q = quarterOf(r.referredOn);
    if (q < first || q > last) continue;
    for (const group of r.groups) {
      const key = `${q}\u0000${group}`;
      const cell = cells.get(key) ?? { quarter: q, group, members: [] };
      cell.members.push(r);
      cells.set(key, cell);
    }
  }
  const ordered = [...cells.values()].sort((a, b) => a.quarter - b.quarter || a.group.localeCompare(b.group));
  table.rows = ordered.map((c) => {
    const projected = projectOne(ctx, {
      __typename: 'NrmStatistics',
      ...nrmCell(mechanism, quarterLabel(c.quarter), c.group, c.members, today, policy),
      exactCounts: true,
    });
    delete projected.exactCounts;
    return projected;
  });
  return table;
}
