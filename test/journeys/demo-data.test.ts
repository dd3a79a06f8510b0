import { DEMO_REFERENCE_DATE } from '../../services/cases/demo-data';
import { startTestHub, type TestHub } from '../support/hub';

/** The demo is what newcomers learn the hub from: its persons' age bands agree with their dates of birth. */
describe('demo persons', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  });
  afterAll(() => hub.stop());

  test("every demo person's age band holds their age on the demo's reference date", async () => {
    const rows = await hub.db.query<{ id: string; age_band: string | null; age: number }>(
      `SELECT id, age_band, date_part('year', age($1::date, date_of_birth))::int AS age FROM cases.persons WHERE date_of_birth IS NOT NULL AND id = ANY($2::uuid[])`,
      [
        DEMO_REFERENCE_DATE,
        Object.entries(hub.demo.ids)
          .filter(([k]) => k.startsWith('person:'))
          .map(([, v]) => v),
      ],
    );
    expect(rows.length).toBeGreaterThanOrEqual(9);
    for (const r of rows) {
      const m = /^(\d+)-(\d+)$/.exec(r.age_band ?? '');
      expect({ id: r.id, band: r.age_band, fits: !!m && r.age >= Number(m[1]) && r.age <= Number(m[2]) }).toEqual({ id: r.id, band: r.age_band, fits: true });
    }
  });
});
