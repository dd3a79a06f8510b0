import { Client } from 'pg';
import { APP_ROLE, appDatabaseUrl, assertBoundByRowLevelSecurity } from '../../services/kernel/security';
import { createSubgraphServer } from '../../services/kernel/subgraph';
import { SUBGRAPHS } from '../../services/registry';
import { loadGatewayKeys } from '../../services/kernel/actor-token';
import { dataDir, startTestHub, type TestHub } from '../support/hub';

// Remove the application's record-level filter entirely: every row "passes" the SQL WHERE clause
// the services build. Only row-level security stands between the data and the caller now.
jest.mock('../../policies/enforce', () => {
  const actual = jest.requireActual('../../policies/enforce');
  return { ...actual, visibleRowsSql: () => 'TRUE' };
});

/** Postgres row-level security holds even when the application's SQL filter does not. */
describe('row-level security (defence in depth)', () => {
  let hub: TestHub;
  let app: Client;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
    const ownerUrl = (hub.db.dataSource.options as { url: string }).url;
    app = new Client({ connectionString: appDatabaseUrl(ownerUrl, process.env.TESSERA_TEST_APP_PASSWORD!) });
    await app.connect();
  });
  afterAll(async () => {
    await app.end();
    await hub.stop();
  });
  const id = (k: string) => hub.demo.ids[k]!;
  const agency = (slug: string) => hub.demo.agencies[slug]!;

  /** Runs raw SQL as the application role, with the actor of `slug` in the session (no app filter). */
  async function asAgency<T>(slug: string, sql: string, params: unknown[] = []): Promise<T[]> {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('tessera.agency_id', $1, true), set_config('tessera.user_id', $2, true), set_config('tessera.group_ids', $3, true)`, [
        agency(slug).id,
        agency(slug).users.CONTRIBUTOR,
        slug === 'albion-bank' || slug === 'west-midlands-police' || slug === 'safe-passage' ? `{${hub.demo.groups['midlands-partnership']}}` : '{}',
      ]);
      return (await app.query(sql, params)).rows as T[];
    } finally {
      await app.query('COMMIT');
    }
  }

  test('the application role is neither superuser, nor table owner, nor able to bypass RLS', async () => {
    const { rows } = await hub.db
      .query<{ rolsuper: boolean; rolbypassrls: boolean }>('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1', [APP_ROLE])
      .then((r) => ({ rows: r }));
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await hub.db.query(`SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1`, [APP_ROLE]);
    expect(owned).toEqual([]);
  });

  test("a request's session carries its actor's settings as given, quotes and backslashes included", async () => {
    const met = hub.demo.agencies['met-police']!;
    const odd = {
      agencyId: met.id,
      userId: Object.values(met.users)[0]!,
      groupIds: [],
      role: "VIEWER' ); SELECT 1; --\\",
      agencyType: 'LAW_ENFORCEMENT\\',
    } as never;
    const session = hub.appDb.sessionFor(odd);
    const [row] = await session.query<{ role: string; type: string; agency: string }>(
      `SELECT current_setting('tessera.role') AS role, current_setting('tessera.agency_type') AS type, current_setting('tessera.agency_id') AS agency`,
    );
    await session.finish(false);
    expect(row).toEqual({ role: "VIEWER' ); SELECT 1; --\\", type: 'LAW_ENFORCEMENT\\', agency: met.id });
  });

  test('a subgraph refuses to start on a connection row-level security does not bind', async () => {
    await expect(assertBoundByRowLevelSecurity(hub.appDb)).resolves.toBeUndefined();
    await expect(assertBoundByRowLevelSecurity(hub.db)).rejects.toThrow(/bound by row-level security.*superuser/);
    const keys = await loadGatewayKeys(dataDir());
    await expect(createSubgraphServer(SUBGRAPHS[0]!, { db: hub.db, keys, development: false })).rejects.toThrow(/TESSERA_APP_DATABASE_URL/);
  });

  test('every marked table has row-level security with its four policies', async () => {
    const tables = await hub.db.query<{ t: string; rls: boolean; policies: string[] }>(
      `SELECT c.oid::regclass::text AS t, c.relrowsecurity AS rls,
          ARRAY(SELECT p.polname::text FROM pg_policy p WHERE p.polrelid = c.oid ORDER BY 1) AS policies
         FROM information_schema.columns col JOIN pg_class c ON c.oid = (quote_ident(col.table_schema) || '.' || quote_ident(col.table_name))::regclass
        WHERE col.column_name = 'red_recipient_user_ids'`,
    );
    expect(tables.length).toBeGreaterThanOrEqual(9);
    for (const t of tables) {
      expect({ t: t.t, rls: t.rls, policies: t.policies }).toEqual({
        t: t.t,
        rls: true,
        policies: ['tessera_delete', 'tessera_insert', 'tessera_reach', 'tessera_update'],
      });
    }
  });

  test("every policy reads the session's actor once per statement, never once per row", async () => {
    // A setting read in a scalar subquery is an InitPlan, evaluated once; read bare, Postgres parses and casts it for every row tested.
    const policies = await hub.db.query<{ t: string; name: string; expr: string }>(
      `SELECT polrelid::regclass::text AS t, polname AS name, concat_ws(' ', pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid)) AS expr
         FROM pg_policy WHERE polname LIKE 'tessera\\_%'`,
    );
    expect(policies.length).toBeGreaterThan(40);
    const reads = policies.filter((p) => p.expr.includes('current_setting('));
    expect(reads.length).toBeGreaterThan(40);
    for (const p of reads) {
      const bare = p.expr.replace(/\( SELECT [(A-Z]*current_setting\('[a-z_.]+'::text, true\)/g, '');
      expect({ policy: `${p.t} ${p.name}`, bare: bare.includes('current_setting(') }).toEqual({ policy: `${p.t} ${p.name}`, bare: false });
    }
    const plan = (await asAgency<{ 'QUERY PLAN': string }>('albion-bank', 'EXPLAIN (COSTS OFF) SELECT id FROM cases.cases'))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toMatch(/InitPlan/);
    expect(plan.split('\n').filter((l) => l.includes('Filter:') && l.includes('current_setting'))).toEqual([]);
  });

  test('a connection without an actor sees no marked row at all', async () => {
    for (const table of [
      'cases.cases',
      'cases.persons',
      'entities.observations',
      'entities.entities',
      'narratives.narratives',
      'typologies.transaction_reports',
    ]) {
      expect((await app.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n).toBe(0);
    }
  });

  test('raw SQL without any WHERE clause returns only the rows that reach the agency', async () => {
    const refs = (await asAgency<{ reference: string }>('albion-bank', 'SELECT reference FROM cases.cases ORDER BY reference')).map((r) => r.reference);
    expect(refs).toEqual(['DIICOT-IS-2026-77', 'SP-CW-2026-031', 'WMP-2025-0815 Operation Brook', 'WMP-2026-1187']);
    const names = (await asAgency<{ full_name: string }>('politia-romana', 'SELECT full_name FROM cases.persons')).map((r) => r.full_name);
    expect(names).toContain('Elena Marinescu'); // the Met shared Lanterna with the Romanian police
    expect(names).not.toContain('Darren Whitfield'); // AMBER_STRICT: the Met's only
    expect(names).not.toContain('Maria Stoica'); // AMBER, shared with the Midlands partnership only
  });

  test('an entity reaches the agency only through a statement about it that does', async () => {
    const covert = '+447700900555'; // observed only in the Met's AMBER_STRICT case
    const values = async (slug: string) => (await asAgency<{ value: string }>(slug, 'SELECT value FROM entities.entities')).map((r) => r.value);
    expect(await values('albion-bank')).not.toContain(covert);
    expect(await values('met-police')).toContain(covert);
    for (const slug of ['albion-bank', 'safe-passage', 'politia-romana']) {
      const [counts] = await asAgency<{ entities: number; through: number }>(
        slug,
        'SELECT (SELECT count(*)::int FROM entities.entities) AS entities, (SELECT count(DISTINCT entity_id)::int FROM entities.observations) AS through',
      );
      expect(counts!.entities).toBe(counts!.through);
    }
    const [total] = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM entities.entities');
    expect((await values('albion-bank')).length).toBeLessThan(total!.n);
  });

  test('the application role creates entities only through the owner’s function, and never changes them', async () => {
    // Not even granted: the role holds SELECT on entities and nothing else.
    await expect(asAgency('met-police', `INSERT INTO entities.entities (kind, value) VALUES ('PHONE', '+447700900777')`)).rejects.toThrow(
      /permission denied for table entities/,
    );
    await expect(asAgency('albion-bank', `UPDATE entities.entities SET value = 'x' RETURNING id`)).rejects.toThrow(/permission denied for table entities/);
    await expect(asAgency('albion-bank', `DELETE FROM entities.entities RETURNING id`)).rejects.toThrow(/permission denied for table entities/);
    // Another agency's identifier, invisible to the bank, is found (not duplicated) when the bank submits it.
    const [found] = await asAgency<{ id: string }>(
      'albion-bank',
      `SELECT entity_id AS id FROM entities.ensure_entities(ARRAY['PHONE'], ARRAY['+447700900555'])`,
    );
    const [owned] = await hub.db.query<{ id: string }>(`SELECT id FROM entities.entities WHERE kind = 'PHONE' AND value = '+447700900555'`);
    expect(found!.id).toBe(owned!.id);
  });

  test('the application role deletes entities only through the owner’s function, and only those no statement names', async () => {
    // Every entity: all are named by some observation or link, so none is forgotten, whoever asks.
    const all = (await hub.db.query<{ id: string }>('SELECT id::text FROM entities.entities')).map((r) => r.id);
    expect(all.length).toBeGreaterThan(0);
    expect(await asAgency('albion-bank', 'SELECT * FROM entities.forget_orphans($1::uuid[])', [all])).toEqual([]);
    expect(await asAgency('met-police', 'SELECT * FROM entities.forget_orphans($1::uuid[])', [all])).toEqual([]);
    const [after] = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM entities.entities');
    expect(after!.n).toBe(all.length);
    // An entity no statement names (made through ensure_entities, never observed) goes, and only when named.
    const [orphan] = await asAgency<{ id: string }>(
      'albion-bank',
      `SELECT entity_id AS id FROM entities.ensure_entities(ARRAY['PHONE'], ARRAY['+447700900998'])`,
    );
    expect(await asAgency('albion-bank', 'SELECT * FROM entities.forget_orphans($1::uuid[])', [all])).toEqual([]);
    expect(await asAgency<{ id: string }>('albion-bank', 'SELECT f AS id FROM entities.forget_orphans($1::uuid[]) AS f', [[orphan!.id]])).toEqual([
      { id: orphan!.id },
    ]);
    expect(await hub.db.query('SELECT 1 FROM entities.entities WHERE id = $1', [orphan!.id])).toEqual([]);
  });

  test('the application role cannot change or create another agency’s records', async () => {
    const updated = await asAgency('politia-romana', `UPDATE cases.cases SET status = 'CLOSED' WHERE id = $1 RETURNING id`, [id('case:lanterna')]);
    expect(updated).toEqual([]);
    await expect(
      asAgency(
        'albion-bank',
        `INSERT INTO cases.cases (owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code, status)
        VALUES ($1, $2, 'GREEN', '2', 'B', 'P', 'OPEN')`,
        [agency('met-police').id, agency('albion-bank').users.CONTRIBUTOR],
      ),
    ).rejects.toThrow(/row-level security/);
  });

  test('through the hub, with the application filter removed, nothing that does not reach the caller comes back', async () => {
    const list = await hub.gql<{ cases: { totalCount: number; nodes: Array<{ id: string }> } }>('albion-bank', '{ cases { totalCount nodes { id } } }');
    expect(list.data?.cases.nodes.map((n) => n.id).sort()).toEqual([id('case:iasi'), id('case:midlands'), id('case:safe-passage'), id('case:brook')].sort());
    const strict = await hub.gql<{ case: unknown }>('albion-bank', 'query($id: ID!) { case(id: $id) { summary } }', { id: id('case:strict') });
    expect(strict.data?.case ?? null).toBeNull();
    expect(JSON.stringify(strict)).not.toContain('Covert');
    // Control: the owner still reads its own AMBER_STRICT case through the same path.
    const own = await hub.gql<{ case: { summary: string } }>('met-police', 'query($id: ID!) { case(id: $id) { summary } }', { id: id('case:strict') });
    expect(own.data?.case.summary).toContain('Covert');
  });

  test('a campaign and its reach reach its owner and partner only, with the application filter removed', async () => {
    const campaign = id('campaign:constanta');
    const rows = (slug: string) => asAgency<{ id: string }>(slug, 'SELECT id FROM routes.campaigns WHERE id = $1', [campaign]);
    const reach = (slug: string) => asAgency<{ id: string }>(slug, 'SELECT id FROM routes.campaign_reach WHERE campaign_id = $1', [campaign]);
    expect(await rows('tessera-hub')).toHaveLength(1);
    expect(await rows('lumina-ro')).toHaveLength(1);
    expect(await reach('lumina-ro')).toHaveLength(5);
    for (const slug of ['safe-passage', 'met-police', 'albion-bank']) {
      expect(await rows(slug)).toEqual([]);
      expect(await reach(slug)).toEqual([]);
    }
    expect(
      await asAgency('lumina-ro', `UPDATE routes.campaign_reach SET people_reached = people_reached WHERE campaign_id = $1 RETURNING id`, [campaign]),
    ).toHaveLength(5);
    expect(await asAgency('safe-passage', `UPDATE routes.campaigns SET name = 'x' WHERE id = $1 RETURNING id`, [campaign])).toEqual([]);
    // Another NGO cannot slip reach into the campaign, naming itself or the partner as the recorder.
    for (const recorder of ['safe-passage', 'lumina-ro']) {
      await expect(
        asAgency(
          'safe-passage',
          `INSERT INTO routes.campaign_reach (campaign_id, recorded_by_agency_id, owner_agency_id, location_id, iso_week, people_reached, partner_calls, recorded_by_user_id)
           VALUES ($1, $2, $3, $4, '2026-W14', 1, 1, $5)`,
          [campaign, agency(recorder).id, agency('tessera-hub').id, hub.demo.locations.constanta, agency('safe-passage').users.CONTRIBUTOR],
        ),
      ).rejects.toThrow(/row-level security|recorded by the campaign's partner/);
    }
    const viaHub = await hub.gql<{ campaign: unknown }>('safe-passage', 'query($id: ID!) { campaign(id: $id) { goal } }', { id: campaign });
    expect(viaHub.data?.campaign ?? null).toBeNull();
    expect(JSON.stringify(viaHub)).not.toContain('loverboy');
  });

  test('frontline notifications are counted per place for the hub analysts only, by ids and days', async () => {
    const call = async (slug: string) => {
      await app.query('BEGIN');
      try {
        await app.query(`SELECT set_config('tessera.agency_id', $1, true), set_config('tessera.agency_type', $2, true)`, [agency(slug).id, agency(slug).type]);
        return (await app.query(`SELECT * FROM intake.notifications_naming(ARRAY['iasi'], '2000-01-01', '2100-01-01')`)).rows as Array<Record<string, unknown>>;
      } finally {
        await app.query('COMMIT');
      }
    };
    const hubRows = await call('tessera-hub');
    expect(hubRows.length).toBeGreaterThan(0);
    expect(Object.keys(hubRows[0]!).sort()).toEqual(['day', 'name', 'notification_id']);
    expect(await call('lumina-ro')).toEqual([]);
    expect(await call('met-police')).toEqual([]);
  });
});
