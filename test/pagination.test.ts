import { actorSettingsSql } from '../services/kernel/db';
import { actorFor } from './leaks/support';
import { startTestHub, type TestHub } from './support/hub';

/**
 * Connections: a page reads one row beyond itself to know whether another follows, and the total a
 * caller may see is counted only when the client asks for totalCount (a count reads every row the
 * caller reaches, where a page in an indexed order reads a few).
 */
describe('connection pages and their totals', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.stop());

  type CasePage = { cases: { totalCount?: number; nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

  /** The statements a query ran that read or write data (no session bookkeeping), and those of them that were not audit appends. */
  async function run<T>(persona: string, query: string, variables?: Record<string, unknown>): Promise<{ data: T; statements: number; all: number }> {
    const [all, audit] = [hub.probe.statements, hub.probe.auditStatements];
    const r = await hub.gql<T>(persona, query, variables);
    expect(r.errors).toBeUndefined();
    const ran = hub.probe.statements - all;
    return { data: r.data!, statements: ran - (hub.probe.auditStatements - audit), all: ran };
  }

  test('pages through every case the caller may see, and counts them only when asked', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let withoutTotal = 0;
    for (;;) {
      const page: { data: CasePage; statements: number } = await run<CasePage>(
        'met-police',
        `query ($after: String) { cases(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      withoutTotal = page.statements;
      seen.push(...page.data.cases.nodes.map((n) => n.id));
      if (!page.data.cases.pageInfo.hasNextPage) break;
      after = page.data.cases.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const counted = await run<CasePage>('met-police', `{ cases(first: 2) { totalCount nodes { id } } }`);
    expect(counted.data.cases.totalCount).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(2);
    // The count is one statement more than the page alone.
    expect(counted.statements).toBe(withoutTotal + 1);
    // Past the last page: no rows, and still the total.
    const beyond = await run<CasePage>(
      'met-police',
      `query ($after: String) { cases(first: 2, after: $after) { totalCount nodes { id } pageInfo { hasNextPage } } }`,
      {
        after: Buffer.from(`o:${seen.length + 10}`).toString('base64url'),
      },
    );
    expect(beyond.data.cases).toEqual({ totalCount: seen.length, nodes: [], pageInfo: { hasNextPage: false } });
  });

  test('a filtered total counts what the filter and the policy let through', async () => {
    const all = await run<CasePage>('met-police', `{ cases(first: 1000, filter: { exploitationType: LABOUR }) { totalCount nodes { id } } }`);
    expect(all.data.cases.totalCount).toBe(all.data.cases.nodes.length);
    const other = await run<CasePage>('met-police', `{ cases(first: 1000) { totalCount nodes { id } } }`);
    expect(other.data.cases.totalCount).toBe(other.data.cases.nodes.length);
    expect(all.data.cases.totalCount).toBeLessThan(other.data.cases.totalCount!);
  });

  test('entities come first seen (as each caller can tell) newest first, every one once, page after page', async () => {
    type Entities = {
      entities: { totalCount?: number; nodes: Array<{ id: string; firstSeenAt: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
    // Two statements first sighting one entity at the same instant (a GREEN one, copied): the entity is still listed once.
    const columns = (
      await hub.db.query<{ c: string }>(
        `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'entities' AND table_name = 'observations' AND column_name <> 'id' AND is_generated = 'NEVER'`,
      )
    ).map((r) => r.c);
    const copied = await hub.db.query(
      `INSERT INTO entities.observations (id, ${columns.join(', ')}) SELECT gen_random_uuid(), ${columns.join(', ')} FROM entities.observations o
        WHERE o.marking = 'GREEN' AND NOT EXISTS (SELECT 1 FROM entities.observations o2 WHERE o2.entity_id = o.entity_id AND o2.observed_at <= o.observed_at AND o2.id <> o.id)
        ORDER BY o.observed_at DESC LIMIT 1 RETURNING id`,
    );
    expect(copied).toHaveLength(1);
    for (const persona of ['met-police', 'albion-bank', 'safe-passage', 'tessera-hub']) {
      const whole = await run<Entities>(persona, `{ entities(first: 1000) { totalCount nodes { id firstSeenAt } } }`);
      const all = whole.data.entities.nodes;
      expect(all.length).toBe(whole.data.entities.totalCount);
      expect(all.length).toBeGreaterThan(3);
      const ordered = [...all].sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt) || a.id.localeCompare(b.id));
      expect(all).toEqual(ordered);
      // Exactly the entities row-level security lets the application role read for this caller, each
      // first seen at its earliest observation the caller may read.
      const reached = await hub.appDb.transaction(async (tx) => {
        await tx.query(actorSettingsSql(actorFor(persona)));
        return tx.query<{ id: string; first: Date }>(
          `SELECT en.id::text AS id, (SELECT min(o.observed_at) FROM entities.observations o WHERE o.entity_id = en.id) AS first
             FROM entities.entities en ORDER BY en.id`,
        );
      });
      expect(all.map((e) => e.id).sort()).toEqual(reached.map((r) => r.id));
      const firstSeen = new Map(reached.map((r) => [r.id, r.first.getTime()]));
      expect(all.map((e) => ({ id: e.id, at: new Date(e.firstSeenAt).getTime() }))).toEqual(all.map((e) => ({ id: e.id, at: firstSeen.get(e.id) })));
      const paged: Array<{ id: string; firstSeenAt: string }> = [];
      let after: string | null = null;
      for (;;) {
        const page: { data: Entities } = await run<Entities>(
          persona,
          `query ($after: String) { entities(first: 3, after: $after) { nodes { id firstSeenAt } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        paged.push(...page.data.entities.nodes);
        if (!page.data.entities.pageInfo.hasNextPage) break;
        after = page.data.entities.pageInfo.endCursor;
      }
      expect({ persona, paged }).toEqual({ persona, paged: all });
    }
  });

  test("the audit trail's total is counted only when asked", async () => {
    type Trail = { auditTrail: { totalCount?: number; nodes: Array<{ seq: string }> } };
    // Two cases opened: two events the force's supervisor reads.
    for (const reference of ['MPS-PAGE-1', 'MPS-PAGE-2']) {
      const opened = await hub.gql('met-police', `mutation ($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
        input: {
          handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' },
          reference,
          exploitationTypes: ['LABOUR'],
          persons: [{ role: 'VICTIM', pseudonym: 'V1' }],
          events: [],
        },
      });
      expect(opened.errors).toBeUndefined();
    }
    await run<Trail>('met-police:SUPERVISOR', `{ auditTrail(first: 1) { nodes { seq } } }`); // the persona's first request looks its user up
    const page = await run<Trail>('met-police:SUPERVISOR', `{ auditTrail(first: 1) { nodes { seq } } }`);
    const counted = await run<Trail>('met-police:SUPERVISOR', `{ auditTrail(first: 1) { totalCount nodes { seq } } }`);
    // Reads of the audit trail are statements on audit.events too: all of them are compared.
    expect(counted.all).toBe(page.all + 1);
    expect(counted.data.auditTrail.totalCount).toBeGreaterThan(1);
  });
});
