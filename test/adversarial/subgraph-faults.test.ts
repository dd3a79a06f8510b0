import net from 'node:net';
import { serveSubgraph } from '../../gateway/hub';
import { loadGatewayKeys } from '../../services/kernel/actor-token';
import { codes, dataDir, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

jest.setTimeout(120_000);

type CaseAndNarrative = { case: { reference: string } | null; narrative: { text: string } | null };
const CASE_AND_NARRATIVE = `query($c: ID!, $n: ID!) { case(id: $c) { reference } narrative(id: $n) { text } }`;
const OTHERS = `{ cases { totalCount } typologies { totalCount } routes { totalCount } me { id } }`;

/** A subgraph going away under load: the others keep answering, its part is a clear error, and it comes back. */
describe('a subgraph stops and restarts (http transport)', () => {
  let hub: TestHub;
  let narrativesPort: number;
  const vars = () => ({ c: hub.demo.ids['case:safe-passage'], n: hub.demo.ids['narrative:safe-passage-en'] });

  beforeAll(async () => {
    hub = await startTestHub('http', { subgraphTimeoutMs: 2_000 });
    narrativesPort = hub.subgraphs.narratives!.port;
  });
  afterAll(() => hub.stop());

  async function restartNarratives() {
    hub.subgraphs.narratives = await serveSubgraph('narratives', {
      db: hub.appDb,
      keys: await loadGatewayKeys(dataDir()),
      port: narrativesPort,
      host: '127.0.0.1',
      development: false,
    });
  }

  function expectComplete(r: GraphQLResult<CaseAndNarrative>) {
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data?.case?.reference).toBe('SP-CW-2026-031');
    expect(r.data?.narrative?.text).toContain('Târgu Jiu');
  }

  /**
   * Case data, null narrative, one SERVICE_UNAVAILABLE error naming the service and nothing internal.
   * (The gateway reports a failed fetch without a path; `extensions.service` names the part.)
   */
  function expectNarrativesMissing(r: GraphQLResult<CaseAndNarrative>) {
    expect(r.status).toBe(200);
    expect(r.data?.case?.reference).toBe('SP-CW-2026-031');
    expect(r.data?.narrative).toBeNull();
    expect(codes(r)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(r.errors![0]!.message).toMatch(/narratives service is unavailable/);
    expect(r.errors![0]!.extensions!.service).toBe('narratives');
    expect(JSON.stringify(r)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|:\d{4,5}\/graphql|stacktrace|exception/);
  }

  test('before: complete', async () => {
    expectComplete(await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars()));
  });

  test('stopped mid-load: every answer is complete or partial with SERVICE_UNAVAILABLE, never a 500; the gateway keeps serving', async () => {
    const results: Array<GraphQLResult<CaseAndNarrative>> = [];
    let batchesAfterStop = -1;
    const load = (async () => {
      // Batches of 4 concurrent queries, until 5 batches after the stop.
      for (let i = 0; i < 500 && batchesAfterStop < 5; i++) {
        const batch = await Promise.all(Array.from({ length: 4 }, () => hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars())));
        results.push(...batch);
        if (batchesAfterStop >= 0) batchesAfterStop++;
      }
    })();
    while (results.length < 8) await new Promise((r) => setTimeout(r, 20));
    await hub.subgraphs.narratives!.close();
    batchesAfterStop = 0;
    await load;
    let complete = 0;
    let missing = 0;
    for (const r of results) {
      expect(r.status).toBe(200);
      if (r.errors) {
        expectNarrativesMissing(r);
        missing++;
      } else {
        expectComplete(r);
        complete++;
      }
    }
    expect(complete).toBeGreaterThanOrEqual(8);
    expect(missing).toBeGreaterThanOrEqual(16);
    // After the stop, with the server gone, the narratives part is missing in every answer.
    expectNarrativesMissing(await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars()));
  });

  test('while it is down, queries that do not touch it are complete', async () => {
    const r = await hub.gql<{ cases: { totalCount: number } }>('met-police', OTHERS);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data?.cases.totalCount).toBeGreaterThan(0);
  });

  test('while it is down, a nested part answers with the same clear error (the non-null list nulls its case)', async () => {
    const r = await hub.gql<{ case: { reference: string; narratives: unknown[] } | null }>(
      'safe-passage',
      'query($c: ID!) { case(id: $c) { reference narratives { text } } }',
      { c: vars().c },
    );
    expect(r.status).toBe(200);
    expect(codes(r)).toEqual(['SERVICE_UNAVAILABLE']);
    // Case.narratives is [Narrative!]!, so GraphQL nulls the whole case: see the report to the lead.
    expect(r.data === null || r.data?.case === null || r.data?.case?.reference === 'SP-CW-2026-031').toBe(true);
  });

  test('while it is down, a mutation for it says so and writes nothing', async () => {
    const r = await hub.gql('safe-passage', 'mutation($id: ID!) { withdrawConsent(id: $id, reason: "probe") { id } }', { id: vars().n });
    expect(r.status).toBe(200);
    expect(codes(r)).toEqual(['SERVICE_UNAVAILABLE']);
    const [row] = await hub.db.query<{ withdrawn_at: string | null }>('SELECT withdrawn_at FROM narratives.narratives WHERE id = $1', [vars().n]);
    expect(row!.withdrawn_at).toBeNull();
  });

  test('restarted on the same address: answers are complete again', async () => {
    await restartNarratives();
    expectComplete(await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars()));
    const nested = await hub.gql<{ case: { narratives: Array<{ text: string }> } }>(
      'safe-passage',
      'query($c: ID!) { case(id: $c) { reference narratives { text } } }',
      { c: vars().c },
    );
    expect(nested.errors).toBeUndefined();
    expect(nested.data?.case.narratives.length).toBeGreaterThan(0);
  });

  test('an unexpected failure inside a subgraph (over HTTP): a generic INTERNAL_SERVER_ERROR, no stack trace, no SQL', async () => {
    await hub.db.query('ALTER TABLE narratives.narratives RENAME TO narratives_moved_away');
    try {
      const r = await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars());
      expect(r.status).toBe(200);
      expect(r.data?.case?.reference).toBe('SP-CW-2026-031');
      expect(r.data?.narrative).toBeNull();
      expect(codes(r)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(r.errors![0]!.message).toBe('Internal server error');
      expect(r.errors![0]!.extensions).not.toHaveProperty('stacktrace');
      expect(r.errors![0]!.extensions).not.toHaveProperty('exception');
      expect(JSON.stringify(r)).not.toMatch(/narratives_moved_away|does not exist|relation|SELECT|\.ts:\d+|node_modules/);
    } finally {
      await hub.db.query('ALTER TABLE narratives.narratives_moved_away RENAME TO narratives');
    }
    expectComplete(await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars()));
  });

  test('a subgraph that accepts connections but never answers times out into SERVICE_UNAVAILABLE', async () => {
    await hub.subgraphs.narratives!.close();
    const sockets = new Set<net.Socket>();
    const frozen = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => frozen.listen(narrativesPort, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const r = await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars());
      expect(Date.now() - started).toBeLessThan(10_000);
      expectNarrativesMissing(r);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => frozen.close(() => resolve()));
    }
    await restartNarratives();
    expectComplete(await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars()));
  });

  test('a subgraph answering 500 with internals in its body: SERVICE_UNAVAILABLE, none of the body reaches the client', async () => {
    await hub.subgraphs.narratives!.close();
    const { createServer } = await import('node:http');
    const broken = createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          errors: [{ message: 'password authentication failed for user "tessera" at db.internal:5432', extensions: { stacktrace: ['at secret.ts:1'] } }],
        }),
      );
    });
    await new Promise<void>((resolve) => broken.listen(narrativesPort, '127.0.0.1', resolve));
    try {
      const r = await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars());
      expectNarrativesMissing(r);
      expect(JSON.stringify(r)).not.toMatch(/password|db\.internal|secret\.ts/);
    } finally {
      broken.closeAllConnections();
      await new Promise<void>((resolve) => broken.close(() => resolve()));
    }
    await restartNarratives();
    expectComplete(await hub.gql<CaseAndNarrative>('safe-passage', CASE_AND_NARRATIVE, vars()));
  });
});
