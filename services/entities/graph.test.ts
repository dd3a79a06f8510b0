import type { Actor, AgencyType } from '../../policies/actor';
import { SqlParams } from '../../policies/sql';
import { createContext } from '../kernel/context';
import type { Database } from '../kernel/db';
import { type EdgeFilter, type Incident, visibleEdgesSql } from './graph';

const AGENCY = '11111111-1111-4111-8111-111111111111';
const ctxFor = (agencyType: AgencyType) => {
  const actor: Actor = { userId: '22222222-2222-4222-8222-222222222222', agencyId: AGENCY, agencyType, role: 'CONTRIBUTOR', groupIds: [], country: 'GB' };
  return createContext(actor, 'unit', { sessionFor: () => null } as unknown as Database, 'entities'); // SQL is only built, never run
};

const E = ['33333333-3333-4333-8333-333333333333'];
const INCIDENTS: Incident[] = [
  { entities: E, persons: [], cases: [] },
  { entities: [], persons: E, cases: E },
  { entities: E, persons: E, cases: E },
  { entities: [], persons: [], cases: E },
];
const FILTERS: EdgeFilter[] = [
  { observations: true },
  { observations: false },
  { observations: true, linkKinds: ['USES_PHONE'], from: '2025-01-01', to: '2025-12-31' },
  { observations: true, linkKinds: [] },
  { observations: false, to: '2025-12-31' },
];

describe('visibleEdgesSql', () => {
  it.each(['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST', 'HUB_ADMIN'] as const)(
    'binds exactly the parameters it references (%s)',
    (type) => {
      for (const incident of INCIDENTS) {
        for (const filter of FILTERS) {
          const params = new SqlParams();
          const sql = visibleEdgesSql(ctxFor(type), params, filter, incident);
          if (sql === null) {
            expect(params.values).toEqual([]);
            continue;
          }
          const referenced = new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
          expect(Math.max(...referenced)).toBe(params.values.length);
          expect(referenced.size).toBe(params.values.length);
        }
      }
    },
  );

  it('walks only statements a bank or an NGO owns, through the reach rule too', () => {
    for (const type of ['FINANCIAL_INSTITUTION', 'NGO'] as const) {
      const params = new SqlParams();
      const sql = visibleEdgesSql(ctxFor(type), params, { observations: true }, INCIDENTS[2]!)!;
      expect(sql).toMatch(/l\.owner_agency_id = \$\d+/);
      expect(sql).toMatch(/o\.owner_agency_id = \$\d+/);
      expect(sql).toContain("l.marking = 'RED'");
      expect(sql).toContain("o.marking = 'RED'");
      expect(params.values).toContain(AGENCY);
    }
  });

  it('has no edge at all for an agency type that may read no statement', () => {
    const params = new SqlParams();
    expect(visibleEdgesSql(ctxFor('HUB_ADMIN'), params, { observations: true }, INCIDENTS[2]!)).toBeNull();
    expect(params.values).toEqual([]);
  });

  it('never follows a link kind filter that names nothing, nor observations when asked not to', () => {
    expect(visibleEdgesSql(ctxFor('LAW_ENFORCEMENT'), new SqlParams(), { observations: false, linkKinds: [] }, INCIDENTS[2]!)).toBeNull();
    expect(visibleEdgesSql(ctxFor('LAW_ENFORCEMENT'), new SqlParams(), { observations: false }, INCIDENTS[3]!)).toBeNull();
  });
});
