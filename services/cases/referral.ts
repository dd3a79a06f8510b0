import { badInput, conflict } from '../kernel/errors';

/**
 * National referral mechanisms: the dated stages a potential victim's path goes through, in their
 * legal order. The path is a person's (the mechanism decides whether this person is a victim), so
 * a case with two victims has two paths, and one person may go through both mechanisms (referred in
 * the UK, then identified and assisted on return to Romania).
 *
 * - UK_NRM, the UK's National Referral Mechanism: a first responder's REFERRAL; the competent
 *   authority's REASONABLE_GROUNDS decision (meant within 5 working days); its CONCLUSIVE_GROUNDS
 *   decision (no sooner than 30 days after the reasonable-grounds one); SUPPORT_PROVIDED (move-on
 *   support after a positive conclusive decision).
 * - RO_MNIR, Romania's national identification and referral mechanism (Mecanismul național de
 *   identificare și referire): SIGNALLING of a presumed victim (semnalare); IDENTIFICATION as a victim
 *   by the competent authority (identificare, positive or negative); REFERRAL_TO_ASSISTANCE to the
 *   assistance services (referire); ASSISTANCE provided (asistență și protecție).
 *
 * A decision stage carries its outcome; a NEGATIVE decision ends the path (a reconsideration is
 * not modelled). Stages move one at a time, in order, on dates that never go back.
 */
export const MECHANISMS = {
  UK_NRM: ['REFERRAL', 'REASONABLE_GROUNDS', 'CONCLUSIVE_GROUNDS', 'SUPPORT_PROVIDED'],
  RO_MNIR: ['SIGNALLING', 'IDENTIFICATION', 'REFERRAL_TO_ASSISTANCE', 'ASSISTANCE'],
} as const;
export type Mechanism = keyof typeof MECHANISMS;
export type Stage = (typeof MECHANISMS)[Mechanism][number];
export type Outcome = 'POSITIVE' | 'NEGATIVE';

/** Stages that are decisions, and so carry an outcome. */
export const DECISION_STAGES: readonly Stage[] = ['REASONABLE_GROUNDS', 'CONCLUSIVE_GROUNDS', 'IDENTIFICATION'];

/** The UK's published targets and reference figures the statistics measure against. */
export const UK_NRM_TARGETS = {
  /** A reasonable-grounds decision is meant within this many working days of the referral. */
  reasonableGroundsWorkingDays: 5,
  /** At least this many days pass between the reasonable-grounds and the conclusive-grounds decision. */
  conclusiveMinimumDays: 30,
  /** The median wait for a conclusive-grounds decision in 2023 (Home Office NRM statistics), in days. */
  conclusiveMedianDays2023: 526,
} as const;

export interface RecordedStage {
  stage: Stage;
  outcome: Outcome | null;
  occurredOn: string;
}

export interface NewStage {
  mechanism: Mechanism;
  stage: Stage;
  outcome: Outcome | null;
  occurredOn: string;
}

/** Whole days from `from` to `to` (YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Working days from `from` to `to`: the Mondays to Fridays after `from`, up to and including `to`
 * (a decision the next working day took 1). Bank holidays are not known to the hub and count as
 * working days.
 */
export function workingDaysBetween(from: string, to: string): number {
  const days = daysBetween(from, to);
  if (days <= 0) return 0;
  const startDow = new Date(`${from}T00:00:00Z`).getUTCDay();
  let n = 0;
  for (let i = 1; i <= days; i++) {
    const dow = (startDow + i) % 7;
    if (dow !== 0 && dow !== 6) n++;
  }
  return n;
}

/**
 * What recording `next` on a path that already holds `recorded` (in stage order) does: `existing`
 * when the very same stage is already recorded with the same outcome and date (a repeated
 * submission: nothing changes), `insert` when it is the next legal step. Anything else is refused:
 * BAD_USER_INPUT naming `input.*`, or CONFLICT for the same stage recorded differently.
 */
export function nextStageCheck(recorded: readonly RecordedStage[], next: NewStage, today: string): 'existing' | 'insert' {
  const order: readonly Stage[] = MECHANISMS[next.mechanism];
  const position = order.indexOf(next.stage);
  if (position < 0) throw badInput('input.stage', `${next.stage} is not a stage of ${next.mechanism} (its stages: ${order.join(', ')})`);
  const isDecision = DECISION_STAGES.includes(next.stage);
  if (isDecision && !next.outcome) throw badInput('input.outcome', `a ${next.stage} decision is POSITIVE or NEGATIVE`);
  if (!isDecision && next.outcome) throw badInput('input.outcome', `${next.stage} is not a decision and has no outcome`);
  if (next.occurredOn > today) throw badInput('input.occurredOn', 'must not be in the future');

  const same = recorded.find((r) => r.stage === next.stage);
  if (same) {
    if (same.outcome === next.outcome && same.occurredOn === next.occurredOn) return 'existing';
    throw conflict(`${next.stage} is already recorded for this person, on ${same.occurredOn}${same.outcome ? ` (${same.outcome})` : ''}`);
  }
  const last = recorded[recorded.length - 1];
  const expected = last ? order[order.indexOf(last.stage) + 1] : order[0];
  if (last?.outcome === 'NEGATIVE') throw badInput('input.stage', `the path ended with a negative ${last.stage} decision on ${last.occurredOn}`);
  if (next.stage !== expected) {
    throw badInput(
      'input.stage',
      expected ? `the next stage of this person's ${next.mechanism} path is ${expected}` : `this person's ${next.mechanism} path is complete`,
    );
  }
  if (last && next.occurredOn < last.occurredOn) throw badInput('input.occurredOn', `must not be before the ${last.stage} stage (${last.occurredOn})`);
  if (next.stage === 'CONCLUSIVE_GROUNDS' && last && daysBetween(last.occurredOn, next.occurredOn) < UK_NRM_TARGETS.conclusiveMinimumDays) {
    throw badInput(
      'input.occurredOn',
      `a conclusive-grounds decision comes at least ${UK_NRM_TARGETS.conclusiveMinimumDays} days after the reasonable-grounds one (${last.occurredOn})`,
    );
  }
  return 'insert';
}

/** Adult or child on `on`, from the date of birth when known, else the age band; UNKNOWN without either. */
export function ageGroupOn(on: string, dateOfBirth: string | null, ageBand: string | null): 'ADULT' | 'CHILD' | 'UNKNOWN' {
  if (dateOfBirth) {
    const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
    const [oy, om, od] = on.split('-').map(Number) as [number, number, number];
    const age = oy - y - (om < m || (om === m && od < d) ? 1 : 0);
    return age < 18 ? 'CHILD' : 'ADULT';
  }
  const band = ageBand ? /^(\d+)-(\d+)$/.exec(ageBand) : null;
  if (band) return Number(band[2]) < 18 ? 'CHILD' : 'ADULT';
  if (ageBand && /^\d+\+$/.test(ageBand)) return 'ADULT';
  return 'UNKNOWN';
}
