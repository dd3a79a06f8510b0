import { foldPlace } from '../intake/api';
import { addDays, campaignWindows, isoWeekOf, isoWeekStart } from './campaign.service';

describe('ISO weeks', () => {
  test.each([
    ['2026-01-01', '2026-W01'],
    ['2025-12-29', '2026-W01'],
    ['2025-12-28', '2025-W52'],
    ['2021-01-03', '2020-W53'],
    ['2026-03-02', '2026-W10'],
    ['2026-12-31', '2026-W53'],
  ])('%s is in %s', (date, week) => {
    expect(isoWeekOf(date)).toBe(week);
  });

  test('a week starts on its Monday; weeks a year does not have are refused', () => {
    expect(isoWeekStart('2026-W10')).toBe('2026-03-02');
    expect(isoWeekStart('2026-W01')).toBe('2025-12-29');
    expect(isoWeekStart('2020-W53')).toBe('2020-12-28');
    expect(isoWeekStart('2025-W53')).toBeNull();
    expect(isoWeekStart('2026-W00')).toBeNull();
    expect(isoWeekStart('2026-10')).toBeNull();
  });
});

test('the windows before and after a campaign start have its length, and meet at its start', () => {
  expect(campaignWindows('2026-03-02', '2026-05-31')).toEqual({
    beforeFrom: '2025-12-01',
    beforeTo: '2026-03-01',
    afterFrom: '2026-03-02',
    afterTo: '2026-05-31',
  });
  expect(campaignWindows('2026-03-02', '2026-03-02')).toEqual({
    beforeFrom: '2026-03-01',
    beforeTo: '2026-03-01',
    afterFrom: '2026-03-02',
    afterTo: '2026-03-02',
  });
  expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
});

test('place names fold with or without diacritics, the old cedilla forms included', () => {
  for (const written of ['Constanța', 'Constanţa', 'CONSTANTA', 'constanta']) expect(foldPlace(written)).toBe('constanta');
  expect(foldPlace('județul Iași')).toContain(foldPlace('Iași'));
});
