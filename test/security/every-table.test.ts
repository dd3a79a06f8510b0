import { Client } from 'pg';
import { type Actor, publicActor } from '../../policies/actor';
import { reachSql } from '../../policies/reach';
import { SqlParams } from '../../policies/sql';
import { appendAudit } from '../../services/kernel/audit';
import { GRANTS_TABLES, RECORDS } from '../../services/kernel/records';
import { APP_ROLE, appDatabaseUrl, undeclaredTables } from '../../services/kernel/security';
import type { TableDeclaration } from '../../services/kernel/tables';
import { SUBGRAPHS } from '../../services/registry';
import { startTestHub, type TestHub } from '../support/hub';

/**
 * Every table of every subgraph's schema, enumerated from the database itself: each has a
 * declaration, row-level security enabled and forced, exactly the declared privileges for the
 * application role; with no actor the role reads and changes none of its tenant rows, and with an
 * actor it reads exactly the rows an independent statement of the access model says reach it.
 */
const TABLES: readonly TableDeclaration[] = SUBGRAPHS.flatMap((s) => s.tables);
const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

describe('row-level security on every table', () => {
  let hub: TestHub;
  let owner: Client;
  let app: Client;
  const agency = (slug: string) => hub.demo.agencies[slug]!;
  const actorOf = (slug: string): Actor => ({
    agencyId: agency(slug).id,
    userId: agency(slug).users.CONTRIBUTOR!,
    agencyType: agency(slug).type as Actor['agencyType'],
    role: 'CONTRIBUTOR',
    groupIds: ['albion-bank', 'west-midlands-police', 'safe-passage'].includes(slug) ? [hub.demo.groups['midlands-partnership']!] : [],
  });

  /** Runs `sql` as the application role inside a transaction that is always rolled back. */
  async function asApp<T>(actor: Actor | undefined, sql: string): Promise<{ rows: T[]; rowCount: number }> {
    await app.query('BEGIN');
    try {
      if (actor) {
        await app.query(
          `SELECT set_config('tessera.agency_id', $1, true), set_config('tessera.user_id', $2, true), set_config('tessera.group_ids', $3, true),
             set_config('tessera.agency_type', $4, true), set_config('tessera.role', $5, true)`,
          [actor.agencyId, actor.userId, `{${actor.groupIds.join(',')}}`, actor.agencyType, actor.role],
        );
      }
      const r = await app.query(sql);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    } finally {
      await app.query('ROLLBACK');
    }
  }

  /** Rows that must reach `actor`, stated from the access model (owner connection, no RLS). */
  function reachingRows(decl: TableDeclaration, actor: Actor): { sql: string; params: unknown[] } {
    const params = new SqlParams();
    const a = () => `${params.add(actor.agencyId)}::uuid`;
    const reach = (alias: string, table: string) => reachSql(actor, alias, `${table.split('.')[0]}.grants`, params);
    // An audience row (a published report): the hub's analysts, or, until withdrawn, the types, agencies and groups it names.
    const audience = (alias: string) =>
      actor.agencyType === 'HUB_ANALYST'
        ? 'TRUE'
        : `(${alias}.withdrawn_at IS NULL AND (${params.add(actor.agencyType)} = ANY(${alias}.audience_agency_types) OR ${a()} = ANY(${alias}.audience_agency_ids)
            OR ${alias}.audience_group_ids && ${params.add(actor.groupIds)}::uuid[]))`;
    const rows = decl.rows;
    let where: string;
    switch (rows.kind) {
      case 'marked':
        where = reach('t', decl.table);
        break;
      case 'part': {
        const parentKind = TABLES.find((d) => d.table === rows.parent)?.rows.kind;
        where = `EXISTS (SELECT 1 FROM ${rows.parent} p WHERE p.id = t.${rows.column} AND ${parentKind === 'audience' ? audience('p') : reach('p', rows.parent)})`;
        break;
      }
      case 'agency':
        where = rows.columns.map((c) => `t.${c} = ${a()}`).join(' OR ');
        break;
      case 'grants':
        where = [
          `t.grantee_agency_id = ${a()}`,
          ...rows.records.map((r) => `EXISTS (SELECT 1 FROM ${r} r WHERE r.id = t.record_id AND r.owner_agency_id = ${a()})`),
        ].join(' OR ');
        break;
      case 'reached-through':
        where = `EXISTS (SELECT 1 FROM ${rows.through} r WHERE r.${rows.column} = t.id AND ${reach('r', rows.through)})`;
        break;
      case 'audit':
        where = `t.actor_agency_id = ${a()} OR t.record_owner_agency_id = ${a()} OR ${a()} = ANY(t.recipients)`;
        break;
      case 'public-intake':
        where = actor.agencyType === 'HUB_ANALYST' ? 'TRUE' : 'FALSE';
        break;
      case 'audience':
        where = audience('t');
        break;
      case 'audience-view': {
        const [schema] = rows.parent.split('.');
        // The parent is a version, a part of its report: visible with it, to the agency type the rendering is for.
        where = `EXISTS (SELECT 1 FROM ${rows.parent} p JOIN ${schema}.reports r ON r.id = p.report_id WHERE p.id = t.${rows.column} AND ${audience('r')})
          AND ${actor.agencyType === 'HUB_ANALYST' ? 'TRUE' : `t.${rows.agencyTypeColumn} = ${params.add(actor.agencyType)}`}`;
        break;
      }
      case 'reference':
        where = 'TRUE';
        break;
      case 'function-only':
        where = 'FALSE';
        break;
    }
    return { sql: `SELECT to_jsonb(t)::text AS row FROM ${decl.table} t WHERE ${where}`, params: params.values };
  }

  beforeAll(async () => {
    hub = await startTestHub('in-process');
    const ownerUrl = (hub.db.dataSource.options as { url: string }).url;
    owner = new Client({ connectionString: ownerUrl });
    app = new Client({ connectionString: appDatabaseUrl(ownerUrl, process.env.TESSERA_TEST_APP_PASSWORD!) });
    await Promise.all([owner.connect(), app.connect()]);
    await addRowsOfTwoAgencies();
  });
  afterAll(async () => {
    await Promise.all([owner?.end(), app?.end()]);
    await hub?.stop();
  });

  /** Fixtures for the tables the demo scenario leaves empty: rows of two agencies each, so hiding one is observable. */
  async function addRowsOfTwoAgencies(): Promise<void> {
    const met = actorOf('met-police');
    const bank = actorOf('albion-bank');
    const ngo = actorOf('safe-passage');
    const q = (sql: string, params: unknown[] = []) => owner.query(sql, params);
    for (const [by, to] of [
      [met, bank],
      [ngo, met],
    ] as const) {
      const { rows } = await q(
        `INSERT INTO agencies.access_requests (requester_agency_id, requested_by_user_id, target_agency_id, identifier_kind, identifier_value, purpose)
         VALUES ($1, $2, $3, 'PHONE', '+447700900123', 'An investigation into a recruitment route') RETURNING id`,
        [by.agencyId, by.userId, to.agencyId],
      );
      await q(
        `INSERT INTO agencies.access_request_grants (grant_id, request_id, subject_type, record_id, grants_table, grantor_agency_id, grantee_agency_id)
         VALUES (gen_random_uuid(), $1, 'Case', gen_random_uuid(), 'cases.grants', $2, $3)`,
        [rows[0].id, to.agencyId, by.agencyId],
      );
      await q(
        `INSERT INTO agencies.retention_reviews (agency_id, subject_type, record_id, decision, reason, reviewed_by_user_id, previous_review_due, next_review_due)
         VALUES ($1, 'Case', gen_random_uuid(), 'KEEP', 'still under investigation', $2, now()::date, now()::date + 365)`,
        [by.agencyId, by.userId],
      );
      await q(
        `INSERT INTO adverts.imports (owner_agency_id, contributor_user_id, file_hash, advert_count, created_count, updated_count) VALUES ($1, $2, gen_random_uuid()::text, 1, 1, 0)`,
        [by.agencyId, by.userId],
      );
      await q(
        `INSERT INTO typologies.submissions (owner_agency_id, contributor_user_id, idempotency_key, request_hash, report_ids) VALUES ($1, $2, gen_random_uuid()::text, 'h', '{}')`,
        [by.agencyId, by.userId],
      );
      await hub.db.transaction((tx) =>
        appendAudit(tx, { actor: by, requestId: 'every-table' }, [
          { action: 'COLLECT', subjectType: 'Case', subjectId: 'x', recordOwnerAgencyId: by.agencyId },
        ]),
      );
    }
    // A grant in every schema, for a record of each of two owners, to another agency.
    for (const decl of TABLES) {
      if (decl.rows.kind !== 'grants') continue;
      for (const record of decl.rows.records) {
        const { rows } = await q(`SELECT id, owner_agency_id FROM ${record} WHERE marking <> 'RED' ORDER BY owner_agency_id, id`);
        const owners = [...new Map(rows.map((r) => [r.owner_agency_id as string, r.id as string])).entries()].slice(0, 2);
        for (const [ownerId, id] of owners) {
          const grantee = ownerId === met.agencyId ? bank : met;
          await q(
            `INSERT INTO ${decl.table} (record_id, grantee_agency_id, granted_by_user_id, purpose, expires_at) VALUES ($1, $2, $3, 'joint operation', now() + interval '30 days')`,
            [id, grantee.agencyId, grantee.userId],
          );
        }
      }
    }
    // The demo's routes and narratives all reach every agency by marking: one of each their owner keeps to itself.
    for (const table of ['routes.routes', 'narratives.narratives']) {
      await q(
        `INSERT INTO ${table} SELECT (jsonb_populate_record(NULL::${table}, (to_jsonb(r) - 'idempotency_key') || jsonb_build_object('id', gen_random_uuid(), 'marking', 'AMBER_STRICT'))).* FROM ${table} r LIMIT 1`,
      );
    }
    await q(`INSERT INTO narratives.proposals (narrative_id, kind, indicator_code, excerpt_start, excerpt_end)
      SELECT id, 'INDICATOR', 'fixture', 0, 1 FROM narratives.narratives n WHERE NOT EXISTS (SELECT 1 FROM narratives.proposals p WHERE p.narrative_id = n.id)`);
    // A proof-of-work challenge answered (the demo scenario answers none).
    await q(`INSERT INTO intake.spent_challenges (id, expires_at) VALUES ('fixture', now() + interval '10 minutes')`);
    // An erasure record on every narrative.
    await q(`INSERT INTO narratives.erasures (narrative_id, erased_by_user_id, reason) SELECT id, contributor_user_id, 'fixture' FROM narratives.narratives`);
  }

  test('every table of every subgraph schema has a declaration, and an undeclared one is found', async () => {
    expect(await undeclaredTables(owner, TABLES)).toEqual([]);
    await owner.query('CREATE TABLE cases.undeclared_probe (id int)');
    try {
      expect(await undeclaredTables(owner, TABLES)).toEqual(['cases.undeclared_probe']);
    } finally {
      await owner.query('DROP TABLE cases.undeclared_probe');
    }
  });

  test('the marked tables and grants tables the owners declare are the ones the governance registry names', () => {
    const declared = (kind: string) =>
      TABLES.filter((d) => d.rows.kind === kind)
        .map((d) => d.table)
        .sort();
    expect(declared('marked')).toEqual(
      Object.values(RECORDS)
        .map((r) => r.table)
        .sort(),
    );
    expect(declared('grants')).toEqual([...GRANTS_TABLES].sort());
  });

  test('every declared table has row-level security enabled and forced', async () => {
    const { rows } = await owner.query<{ t: string; enabled: boolean; forced: boolean }>(
      `SELECT n.nspname || '.' || c.relname AS t, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname || '.' || c.relname = ANY($1)`,
      [TABLES.map((d) => d.table)],
    );
    expect(rows).toHaveLength(TABLES.length);
    expect(rows.filter((r) => !r.enabled || !r.forced).map((r) => r.t)).toEqual([]);
  });

  test('the application role holds exactly the declared privileges on each table', async () => {
    for (const decl of TABLES) {
      const { rows } = await owner.query<{ p: string }>(`SELECT p FROM unnest($3::text[]) p WHERE has_table_privilege($1, $2, p)`, [
        APP_ROLE,
        decl.table,
        PRIVILEGES,
      ]);
      expect({ table: decl.table, privileges: rows.map((r) => r.p) }).toEqual({
        table: decl.table,
        privileges: PRIVILEGES.filter((p) => decl.privileges.includes(p)),
      });
    }
    // The audit trail is appended through its function only.
    await expect(
      asApp(
        actorOf('met-police'),
        `INSERT INTO audit.events (at, action, subject_type, subject_id, prev_hash, hash) VALUES (now(), 'COLLECT', 'x', 'x', repeat('0', 64), repeat('1', 64))`,
      ),
    ).rejects.toThrow(/permission denied/);
  });

  /** Tables the application role may select from (a function-only table it reaches only through its schema's functions). */
  const SELECTABLE = TABLES.filter((d) => d.rows.kind !== 'function-only');

  test('a function-only table is neither read nor written by the application role, whatever the actor', async () => {
    const tables = TABLES.filter((d) => d.rows.kind === 'function-only');
    expect(tables.map((d) => d.table)).toEqual(['audit.used_actor_tokens', 'audit.hit_no_hit_usage']);
    for (const decl of tables) {
      for (const actor of [undefined, actorOf('met-police'), actorOf('tessera-hub'), actorOf('tessera-admin')]) {
        await expect(asApp(actor, `SELECT 1 FROM ${decl.table}`)).rejects.toThrow(/permission denied/);
        await expect(asApp(actor, `DELETE FROM ${decl.table}`)).rejects.toThrow(/permission denied/);
        await expect(asApp(actor, `INSERT INTO ${decl.table} DEFAULT VALUES`)).rejects.toThrow(/permission denied/);
      }
    }
  });

  test('with no actor the application role reads, changes and deletes no tenant row', async () => {
    for (const decl of SELECTABLE) {
      const [{ n }] = (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${decl.table}`)).rows as [{ n: number }];
      expect({ table: decl.table, hasRows: n > 0 }).toEqual({ table: decl.table, hasRows: true });
      const read = await asApp<{ n: number }>(undefined, `SELECT count(*)::int AS n FROM ${decl.table}`);
      expect({ table: decl.table, read: read.rows[0]!.n }).toEqual({ table: decl.table, read: decl.rows.kind === 'reference' ? n : 0 });
      if (decl.privileges.includes('UPDATE')) {
        const { rows: cols } = await owner.query<{ c: string }>(
          `SELECT column_name AS c FROM information_schema.columns WHERE table_schema || '.' || table_name = $1 ORDER BY ordinal_position LIMIT 1`,
          [decl.table],
        );
        const updated = await asApp(undefined, `UPDATE ${decl.table} SET ${cols[0]!.c} = ${cols[0]!.c}`);
        expect({ table: decl.table, updated: updated.rowCount }).toEqual({ table: decl.table, updated: 0 });
      }
      if (decl.privileges.includes('DELETE')) {
        const deleted = await asApp(undefined, `DELETE FROM ${decl.table}`);
        expect({ table: decl.table, deleted: deleted.rowCount }).toEqual({ table: decl.table, deleted: 0 });
      }
    }
  });

  test('a public-intake table takes rows from the public actor only, which reads none back; hub analysts read them', async () => {
    const insert = `INSERT INTO intake.public_report_additions (report_id, text) VALUES ('${hub.demo.ids['publicReport:iasi-job-offer']}', 'probe')`;
    await expect(asApp(actorOf('tessera-hub'), insert)).rejects.toThrow(/row-level security/);
    await expect(asApp(actorOf('safe-passage'), insert)).rejects.toThrow(/row-level security/);
    await expect(asApp(undefined, insert)).rejects.toThrow(/row-level security/);
    // The public actor's own insert is checked as it reads: its SELECT finds the report to add to through no row.
    const anonymous = publicActor();
    expect(
      (
        await asApp(
          anonymous,
          `INSERT INTO intake.public_report_additions (report_id, text) VALUES ('${hub.demo.ids['publicReport:iasi-job-offer']}', 'probe')`,
        )
      ).rowCount,
    ).toBe(1);
    for (const table of ['intake.public_reports', 'intake.public_report_photos', 'intake.public_report_additions', 'intake.spent_challenges']) {
      expect({ table, public: (await asApp(anonymous, `SELECT 1 FROM ${table}`)).rowCount }).toEqual({ table, public: 0 });
      expect({ table, hub: (await asApp(actorOf('tessera-hub'), `SELECT 1 FROM ${table}`)).rowCount > 0 }).toEqual({ table, hub: true });
    }
  });

  test('a reference table is written only with a HUB_ADMIN actor', async () => {
    const insert = `INSERT INTO agencies.sharing_groups (slug, name) VALUES ('probe-group', 'Probe') RETURNING id`;
    await expect(asApp(actorOf('met-police'), insert)).rejects.toThrow(/row-level security/);
    await expect(asApp(undefined, insert)).rejects.toThrow(/row-level security/);
    expect((await asApp(actorOf('tessera-admin'), insert)).rowCount).toBe(1);
  });

  test.each(['met-police', 'albion-bank', 'safe-passage'])(
    'with actor %s the application role reads exactly the rows that reach it, table by table',
    async (slug) => {
      const actor = actorOf(slug);
      for (const decl of SELECTABLE) {
        const expected = reachingRows(decl, actor);
        const want = (await owner.query<{ row: string }>(expected.sql, expected.params)).rows.map((r) => r.row).sort();
        const got = (await asApp<{ row: string }>(actor, `SELECT to_jsonb(t)::text AS row FROM ${decl.table} t`)).rows.map((r) => r.row).sort();
        expect({ table: decl.table, rows: got }).toEqual({ table: decl.table, rows: want });
      }
    },
  );

  test('each tenant table hides some of its rows from some agency (the checks above are not vacuous)', async () => {
    for (const decl of SELECTABLE) {
      if (decl.rows.kind === 'reference') continue;
      const [{ n }] = (await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${decl.table}`)).rows as [{ n: number }];
      const seen: number[] = [];
      for (const slug of ['met-police', 'albion-bank', 'safe-passage', 'lumina-ro', 'politia-romana', 'tessera-hub']) {
        seen.push((await asApp<{ n: number }>(actorOf(slug), `SELECT count(*)::int AS n FROM ${decl.table}`)).rows[0]!.n);
      }
      expect({ table: decl.table, hidesSome: Math.min(...seen) < n }).toEqual({ table: decl.table, hidesSome: true });
    }
  });
});
