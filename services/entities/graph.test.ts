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

describe('entity ends of edges', () => {
  it.each(['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST'] as const)(
    'are checked once per distinct entity, after the statements themselves passed their own rules (%s)',
    (type) => {
      const sql = visibleEdgesSql(ctxFor(type), new SqlParams(), { observations: true }, INCIDENTS[2]!)!;
      // One reach check, on the distinct entity ends (v.id), none per edge end.
      expect(sql.match(/FROM entities\.observations o WHERE o\.entity_id = /g)).toHaveLength(1);
      expect(sql).toContain('o.entity_id = v.id');
      expect(sql).not.toMatch(/o\.entity_id = (l|o)\.(from_entity_id|to_entity_id|entity_id)\b/);
      // Every edge end that is an entity must be one of them.
      expect(sql).toContain('l.from_entity_id IS NULL OR l.from_entity_id IN (SELECT id FROM ve)');
      expect(sql).toContain('l.to_entity_id IS NULL OR l.to_entity_id IN (SELECT id FROM ve)');
      expect(sql).toContain('o.entity_id IS NULL OR o.entity_id IN (SELECT id FROM ve)');
    },
  );
});
