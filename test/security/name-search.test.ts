import type { Actor } from '../../policies/actor';
import { DEMO_AGENCIES, DEMO_GROUPS } from '../../services/agencies/demo-data';
import { actorSettingsSql } from '../../services/kernel/db';
import { nameMatchFunction } from '../../services/kernel/security';
import { fuzzyMatchSql } from '../../services/kernel/text-search';
import { startTestHub, type TestHub } from '../support/hub';

/**
 * `cases.persons_matching(term)`, the name search's candidates (services/kernel/security.ts), found
 * through the trigram index past the policy: for every demo agency and every name on record (and
 * misspelt), exactly the persons the application role itself finds under row-level security.
 */
describe('name search candidates under row-level security', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.stop());

  const FUNCTION = nameMatchFunction('cases.persons');
  const match = fuzzyMatchSql('cases', 'p.full_name_folded', '$1');

  const actorOf = (slug: string): Actor => {
    const agency = hub.demo.agencies[slug]!;
    const type = DEMO_AGENCIES.find((a) => a.slug === slug)!.type;
    const groupIds = DEMO_GROUPS.filter((g) => g.members.includes(slug)).map((g) => hub.demo.groups[g.slug]!);
    return { userId: agency.users.CONTRIBUTOR!, agencyId: agency.id, agencyType: type, role: 'CONTRIBUTOR', groupIds };
  };
  const idsOf = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

  test('answers the persons the actor reaches whose name matches, no other', async () => {
    const names = (await hub.db.query<{ n: string }>(`SELECT DISTINCT full_name AS n FROM cases.persons WHERE full_name IS NOT NULL ORDER BY 1`)).map(
      (r) => r.n,
    );
    expect(names.length).toBeGreaterThan(3);
    // Each name as written, and with its first letter dropped (a misspelling the word similarity still finds).
    const terms = names.flatMap((n) => [n, n.slice(1)]).filter((t) => t.length >= 3);
    let unreachedMatches = 0;
    for (const { slug } of DEMO_AGENCIES) {
      await hub.appDb.transaction(async (tx) => {
        await tx.query(actorSettingsSql(actorOf(slug)));
        for (const term of terms) {
          const [{ ids }] = (await tx.query<{ ids: string[] }>(`SELECT ${FUNCTION}($1)::text[] AS ids`, [term])) as [{ ids: string[] }];
          const underPolicy = idsOf(await tx.query<{ id: string }>(`SELECT id FROM cases.persons p WHERE ${match}`, [term]));
          expect({ slug, term, ids: [...ids].sort() }).toEqual({ slug, term, ids: underPolicy });
          const everyone = idsOf(await hub.db.query<{ id: string }>(`SELECT id FROM cases.persons p WHERE ${match}`, [term]));
          if (everyone.length > underPolicy.length) unreachedMatches++;
        }
      });
    }
    // Persons whose names match but whom the agency does not reach were there to be left out.
    expect(unreachedMatches).toBeGreaterThan(0);
  });

  test('reads through the index where a query under the policy cannot, and answers nothing without an actor or to another role', async () => {
    const [{ n: name }] = (await hub.db.query<{ n: string }>(`SELECT full_name AS n FROM cases.persons WHERE full_name IS NOT NULL ORDER BY id LIMIT 1`)) as [
      { n: string },
    ];
    await hub.appDb.transaction(async (tx) => {
      await tx.query(actorSettingsSql(actorOf('met-police')));
      // However large the table, a plan with a sequential scan is then the last resort.
      await tx.query('SET LOCAL enable_seqscan = off');
      const scans = async () => {
        const [row] = await tx.query<{ seq: string; idx: string }>(
          `SELECT seq_scan::text AS seq, coalesce(idx_scan, 0)::text AS idx FROM pg_stat_xact_user_tables WHERE relid = 'cases.persons'::regclass`,
        );
        return { seq: Number(row?.seq ?? 0), idx: Number(row?.idx ?? 0) };
      };
      const before = await scans();
      const [{ ids }] = (await tx.query<{ ids: string[] }>(`SELECT ${FUNCTION}($1)::text[] AS ids`, [name])) as [{ ids: string[] }];
      expect(ids.length).toBeGreaterThan(0);
      const afterFunction = await scans();
      expect(afterFunction.seq - before.seq).toBe(0);
      expect(afterFunction.idx - before.idx).toBeGreaterThan(0);
      // The same match written in a query: row-level security keeps it off the index.
      await tx.query(`SELECT id FROM cases.persons p WHERE ${match}`, [name]);
      expect((await scans()).seq - afterFunction.seq).toBe(1);
    });
    await hub.appDb.transaction(async (tx) => {
      const [{ ids }] = (await tx.query<{ ids: string[] }>(`SELECT ${FUNCTION}($1)::text[] AS ids`, [name])) as [{ ids: string[] }];
      expect(ids).toEqual([]);
    });
    const [{ granted }] = (await hub.db.query<{ granted: boolean }>(`SELECT has_function_privilege('public', '${FUNCTION}(text)', 'EXECUTE') AS granted`)) as [
      { granted: boolean },
    ];
    expect(granted).toBe(false);
  });
});
