import { WriteMarks } from './read-your-writes';

describe("the gateway's read-your-writes marks", () => {
  test("keep each caller's latest write only, and forget it after ten minutes", () => {
    let now = 0;
    const marks = new WriteMarks(() => now);
    marks.note('u1', '0/200');
    marks.note('u1', '0/100');
    expect(marks.get('u1')).toBe('0/200');
    expect(marks.get('u2')).toBeUndefined();
    marks.note('u1', '1/0');
    expect(marks.get('u1')).toBe('1/0');
    now = 10 * 60_000 + 1;
    expect(marks.get('u1')).toBeUndefined();
  });
});
