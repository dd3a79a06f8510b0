import { DEMO_AGENCIES } from '../../services/agencies/demo-data';
import { actorSettingsSql } from '../../services/kernel/db';
import { nameMatchFunction } from '../../services/kernel/security';
import { fuzzyMatchSql } from '../../services/kernel/text-search';
import { actorFor } from '../leaks/support';
import { startTestHub, type TestHub } from '../support/hub';

/**
 * The name searches' candidates (`nameMatchFunction`, services/kernel/security.ts), found through the
 * trigram index past the policy: for every demo agency and every name on record (and misspelt),
 * exactly the rows the application role itself finds under row-level security. Persons are marked
 * rows; organisations are entities, reached through their observations.
 */
const SEARCHED = [
  {
    table: 'cases.persons',
    schema: 'cases',
    column: 'full_name_folded',
    names: `SELECT DISTINCT full_name AS n FROM cases.persons WHERE full_name IS NOT NULL`,
  },
  {
    table: 'entities.entities',
    schema: 'entities',
    column: 'organisation_name_folded',
    names: `SELECT DISTINCT value AS n FROM entities.entities WHERE kind = 'ORGANISATION'`,
  },
];

describe.each(SEARCHED)('name search candidates of $table under row-level security', ({ table, schema, column, names: namesSql }) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.stop());

  const FUNCTION = nameMatchFunction(table);
  const match = fuzzyMatchSql(schema, `x.${column}`, '$1');

  const idsOf = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

  test('answers the rows the actor reaches whose name matches, no other', async () => {
    const names = (await hub.db.query<{ n: string }>(`${namesSql} ORDER BY 1`)).map((r) => r.n);
    expect(names.length).toBeGreaterThan(1);
    // Each name as written, with its first letter dropped (a misspelling the word similarity still
    // finds), and a term whose LIKE wildcards must be read as letters.
    const terms = [...names.flatMap((n) => [n, n.slice(1)]).filter((t) => t.length >= 3), '%_%'];
    let unreachedMatches = 0;
    for (const { slug } of DEMO_AGENCIES) {
      await hub.appDb.transaction(async (tx) => {
        await tx.query(actorSettingsSql(actorFor(slug)));
        for (const term of terms) {
          const [{ ids }] = (await tx.query<{ ids: string[] }>(`SELECT ${FUNCTION}($1)::text[] AS ids`, [term])) as [{ ids: string[] }];
          const underPolicy = idsOf(await tx.query<{ id: string }>(`SELECT id FROM ${table} x WHERE ${match}`, [term]));
          expect({ slug, term, ids: [...ids].sort() }).toEqual({ slug, term, ids: underPolicy });
          const everyone = idsOf(await hub.db.query<{ id: string }>(`SELECT id FROM ${table} x WHERE ${match}`, [term]));
          if (everyone.length > underPolicy.length) unreachedMatches++;
          if (term === '%_%') expect(everyone).toEqual([]);
        }
      });
    }
    // Rows whose names match but which the agency does not reach were there to be left out.
    expect(unreachedMatches).toBeGreaterThan(0);
  });

  test('reads through the trigram index where a query under the policy cannot, and answers nothing without an actor or to another role', async () => {
    const [{ n: name }] = (await hub.db.query<{ n: string }>(`${namesSql} ORDER BY 1 LIMIT 1`)) as [{ n: string }];
    const [{ index }] = (await hub.db.query<{ index: string }>(
      `SELECT indexname AS index FROM pg_indexes WHERE schemaname || '.' || tablename = $1 AND indexdef LIKE '%' || $2 || ' gin_trgm_ops%'`,
      [table, column],
    )) as [{ index: string }];
    const [{ body }] = (await hub.db.query<{ body: string }>(`SELECT prosrc AS body FROM pg_proc WHERE oid = '${FUNCTION}(text)'::regprocedure`)) as [
      { body: string },
    ];
    /**
     * Whether the plan of `sql` (with the actor's settings, and scans of a whole table or index the
     * last resort however small the table) matches names inside the trigram index: an index condition
     * on it with the match's operators (`%`, `<%`, `~~`).
     */
    const matchesInIndex = async (db: TestHub['db'], sql: string) =>
      db.transaction(async (tx) => {
        await tx.query(actorSettingsSql(actorFor('met-police')));
        await tx.query('SET LOCAL enable_seqscan = off');
        await tx.query('SET LOCAL enable_indexscan = off');
        const [{ 'QUERY PLAN': plan }] = (await tx.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, [name])) as [{ 'QUERY PLAN': unknown }];
        const nodes: Array<Record<string, unknown>> = [];
        const walk = (n: Record<string, unknown>) => {
          nodes.push(n);
          for (const child of (n.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
        };
        walk((plan as Array<{ Plan: Record<string, unknown> }>)[0]!.Plan);
        return nodes.some((n) => n['Index Name'] === index && /%|~~/.test(String(n['Index Cond'] ?? '')));
      });
    // The function's own statement, planned as its owner plans it (no policy applies to the owner).
    expect(await matchesInIndex(hub.db, body.replace(/\bterm\b/g, '$1'))).toBe(true);
    // The same match written in a query by the application role: row-level security keeps it out of the index.
    expect(await matchesInIndex(hub.appDb, `SELECT id FROM ${table} x WHERE ${match}`)).toBe(false);
    await hub.appDb.transaction(async (tx) => {
      await tx.query(actorSettingsSql(actorFor('met-police')));
      const [{ ids }] = (await tx.query<{ ids: string[] }>(`SELECT ${FUNCTION}($1)::text[] AS ids`, [name])) as [{ ids: string[] }];
      expect(ids.length).toBeGreaterThan(0);
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
