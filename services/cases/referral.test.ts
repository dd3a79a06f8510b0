import { ErrorCode } from '../kernel/errors';
import { ageGroupOn, nextStageCheck, type NewStage, type RecordedStage, workingDaysBetween } from './referral';

const TODAY = '2026-06-30';
const uk = (stage: string, occurredOn: string, outcome: 'POSITIVE' | 'NEGATIVE' | null = null): NewStage =>
  ({ mechanism: 'UK_NRM', stage, outcome, occurredOn }) as NewStage;
const done = (stage: string, occurredOn: string, outcome: 'POSITIVE' | 'NEGATIVE' | null = null): RecordedStage =>
  ({ stage, outcome, occurredOn }) as RecordedStage;

function refusal(recorded: RecordedStage[], next: NewStage): { code: unknown; field: unknown; message: string } {
  try {
    nextStageCheck(recorded, next, TODAY);
  } catch (e) {
    const err = e as { extensions: { code: unknown; field?: unknown }; message: string };
    return { code: err.extensions.code, field: err.extensions.field, message: err.message };
  }
  throw new Error('accepted');
}

describe('the legal order of a referral path', () => {
  const referred = [done('REFERRAL', '2026-01-05')];
  const rg = [...referred, done('REASONABLE_GROUNDS', '2026-01-09', 'POSITIVE')];

  test('a path starts with its first stage and moves one stage at a time', () => {
    expect(nextStageCheck([], uk('REFERRAL', '2026-01-05'), TODAY)).toBe('insert');
    expect(nextStageCheck(referred, uk('REASONABLE_GROUNDS', '2026-01-09', 'POSITIVE'), TODAY)).toBe('insert');
    expect(refusal([], uk('REASONABLE_GROUNDS', '2026-01-09', 'POSITIVE'))).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, field: 'input.stage' });
    expect(refusal(referred, uk('CONCLUSIVE_GROUNDS', '2026-03-09', 'POSITIVE')).message).toMatch(/next stage .* is REASONABLE_GROUNDS/);
  });

  test('the conclusive decision comes at least 30 days after the reasonable-grounds one', () => {
    expect(refusal(rg, uk('CONCLUSIVE_GROUNDS', '2026-02-07', 'POSITIVE'))).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, field: 'input.occurredOn' });
    expect(refusal(rg, uk('CONCLUSIVE_GROUNDS', '2026-02-07', 'POSITIVE')).message).toMatch(/at least 30 days after .* \(2026-01-09\)/);
    expect(nextStageCheck(rg, uk('CONCLUSIVE_GROUNDS', '2026-02-08', 'POSITIVE'), TODAY)).toBe('insert');
  });

  test('dates never go back nor into the future', () => {
    expect(refusal(referred, uk('REASONABLE_GROUNDS', '2026-01-04', 'POSITIVE'))).toMatchObject({ field: 'input.occurredOn' });
    expect(refusal([], uk('REFERRAL', '2026-07-01'))).toMatchObject({ field: 'input.occurredOn' });
  });

  test('decisions carry an outcome, other stages none; a negative decision ends the path', () => {
    expect(refusal(referred, uk('REASONABLE_GROUNDS', '2026-01-09'))).toMatchObject({ field: 'input.outcome' });
    expect(refusal([], uk('REFERRAL', '2026-01-05', 'POSITIVE'))).toMatchObject({ field: 'input.outcome' });
    const negative = [...referred, done('REASONABLE_GROUNDS', '2026-01-09', 'NEGATIVE')];
    expect(refusal(negative, uk('CONCLUSIVE_GROUNDS', '2026-03-09', 'POSITIVE')).message).toMatch(/ended with a negative REASONABLE_GROUNDS decision/);
  });

  test('the same stage again: unchanged when identical, CONFLICT when different', () => {
    expect(nextStageCheck(rg, uk('REASONABLE_GROUNDS', '2026-01-09', 'POSITIVE'), TODAY)).toBe('existing');
    expect(refusal(rg, uk('REASONABLE_GROUNDS', '2026-01-12', 'POSITIVE')).code).toBe(ErrorCode.CONFLICT);
    expect(refusal(rg, uk('REASONABLE_GROUNDS', '2026-01-09', 'NEGATIVE')).code).toBe(ErrorCode.CONFLICT);
  });

  test("Romania's mechanism has its own stages, and the UK's are not among them", () => {
    const ro = (stage: string, on: string, outcome: 'POSITIVE' | null = null) => ({ mechanism: 'RO_MNIR', stage, outcome, occurredOn: on }) as NewStage;
    expect(nextStageCheck([], ro('SIGNALLING', '2025-05-02'), TODAY)).toBe('insert');
    expect(nextStageCheck([done('SIGNALLING', '2025-05-02')], ro('IDENTIFICATION', '2025-05-09', 'POSITIVE'), TODAY)).toBe('insert');
    expect(refusal([], ro('REFERRAL', '2025-05-02')).message).toMatch(/not a stage of RO_MNIR/);
  });
});

test('working days leave out weekends', () => {
  expect(workingDaysBetween('2025-08-12', '2025-08-19')).toBe(5); // Tuesday to the next Tuesday
  expect(workingDaysBetween('2025-08-15', '2025-08-18')).toBe(1); // Friday to Monday
  expect(workingDaysBetween('2025-08-12', '2025-08-12')).toBe(0);
});

test('adult or child on the referral date, from the date of birth or else the age band', () => {
  expect(ageGroupOn('2025-08-12', '2008-03-14', null)).toBe('CHILD');
  expect(ageGroupOn('2026-03-14', '2008-03-14', null)).toBe('ADULT');
  expect(ageGroupOn('2025-08-12', null, '0-17')).toBe('CHILD');
  expect(ageGroupOn('2025-08-12', null, '18-24')).toBe('ADULT');
  expect(ageGroupOn('2025-08-12', null, '65+')).toBe('ADULT');
  expect(ageGroupOn('2025-08-12', null, null)).toBe('UNKNOWN');
});
