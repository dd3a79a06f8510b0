import { randomBytes } from 'node:crypto';
import { serveMetrics } from '../../services/kernel/metrics';
import { codes, startTestHub, type TestHub } from '../support/hub';

const TOKEN = randomBytes(24).toString('base64url');
const PURPOSE = 'Operation Lanterna, victim safeguarding review';
const VICTIM = 'Elena Marinescu';
const SUSPECT = 'Ionuț Popescu';
const PHONE = '+40722123456';

/** Each sample's labels of the Prometheus text exposition: `name{a="x",b="y"} value`. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

describe('metrics for Prometheus', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process', { metrics: { port: 0, host: '127.0.0.1', token: TOKEN } });
  });
  afterAll(() => hub?.stop());

  const scrape = (headers: Record<string, string> = {}) => fetch(hub.metricsUrl!, { headers });

  it('are served on their own address, only with the token', async () => {
    expect(new URL(hub.metricsUrl!).port).not.toBe(new URL(hub.url).port);
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await scrape({ authorization: TOKEN })).status).toBe(401);
    const ok = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // and not on the GraphQL port (whose other paths are the console's)
    expect(await (await fetch(new URL('/metrics', hub.url), { headers: { authorization: `Bearer ${TOKEN}` } })).text()).not.toContain(
      'tessera_graphql_requests_total',
    );
  });

  it('beyond loopback, refuse to start without a token', async () => {
    await expect(serveMetrics({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/TESSERA_METRICS_TOKEN/);
  });

  it('count requests by root field and code, time subgraphs and audit appends, show the pool and quota refusals; no label holds personal data', async () => {
    // A victim's and a suspect's names released for a purpose, an identifier searched, a client's operation name holding a name.
    const released = await hub.gql<{ searchPersons: Array<{ person: { fullName: string } }> }>(
      'met-police',
      `query ${VICTIM.replace(' ', '')}($name: String!) { searchPersons(name: $name) { person { fullName } } persons: searchPersons(name: "${SUSPECT}") { person { fullName } } }`,
      { name: VICTIM },
      { purpose: PURPOSE },
    );
    expect(released.errors).toBeUndefined();
    expect(JSON.stringify(released.data)).toContain(VICTIM);
    expect(JSON.stringify(released.data)).toContain(SUSPECT);
    expect(
      (await hub.gql('met-police', '{ entities(filter: { kind: PHONE, value: "0722 123 456", country: "RO" }) { nodes { id value } } }')).errors,
    ).toBeUndefined();
    expect(codes(await hub.gql({ authorization: 'Bearer nonsense' }, '{ me { id } }'))).toEqual(['UNAUTHENTICATED']);
    // Over the hit/no-hit quota (read per request): RATE_LIMITED.
    process.env.TESSERA_HIT_NO_HIT_USER_PER_MINUTE = '1';
    try {
      const ids = [{ kind: 'PHONE', value: PHONE }];
      await hub.gql('albion-bank', 'query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }', { ids });
      const refused = await hub.gql('albion-bank', 'query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }', {
        ids: [{ kind: 'PHONE', value: '+447700900555' }],
      });
      expect(codes(refused)).toEqual(['RATE_LIMITED']);
    } finally {
      delete process.env.TESSERA_HIT_NO_HIT_USER_PER_MINUTE;
    }

    const text = await (await scrape({ authorization: `Bearer ${TOKEN}` })).text();
    const all = samples(text);
    const find = (name: string, labels: Record<string, string> = {}) =>
      all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

    expect(find('tessera_graphql_requests_total', { operation_type: 'query', root_field: 'searchPersons', code: 'OK' })).toBeGreaterThanOrEqual(1);
    expect(find('tessera_graphql_requests_total', { operation_type: 'query', root_field: 'hitNoHit', code: 'RATE_LIMITED' })).toBeGreaterThanOrEqual(1);
    expect(find('tessera_graphql_requests_total', { root_field: '-', code: 'UNAUTHENTICATED' })).toBeGreaterThanOrEqual(1);
    expect(find('tessera_graphql_request_duration_seconds_count', { operation_type: 'query' })).toBeGreaterThanOrEqual(4);
    for (const subgraph of ['cases', 'entities']) expect(find('tessera_subgraph_request_duration_seconds_count', { subgraph })).toBeGreaterThanOrEqual(1);
    expect(find('tessera_subgraph_request_duration_seconds_bucket', { subgraph: 'cases', le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(find('tessera_audit_append_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(find('tessera_db_pool_connections', { pool: 'hub', state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(all.some((s) => s.name === 'tessera_db_pool_connections' && s.labels.pool === 'hub' && s.labels.state === 'waiting')).toBe(true);
    expect(find('tessera_hit_no_hit_refusals_total', { reason: 'rate_limited' })).toBeGreaterThanOrEqual(1);

    // No label value is a name, an identifier, an id, a token or an operation name a client chose.
    const values = new Set(all.flatMap((s) => Object.values(s.labels)));
    const personal = [VICTIM, 'Elena', 'Marinescu', 'ElenaMarinescu', SUSPECT, 'Popescu', PURPOSE, 'Lanterna', '722123456', '7700900555', TOKEN];
    const ids = [...Object.values(hub.demo.agencies).flatMap((a) => [a.id, ...Object.values(a.users)]), ...Object.values(hub.demo.ids)];
    for (const v of values) {
      for (const p of [...personal, ...ids]) expect(v).not.toContain(p);
      expect(v).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/i);
      expect(v).not.toMatch(/\d{6,}/);
    }
    expect(text).not.toContain('Marinescu');
    expect(text).not.toContain('Popescu');
    // root fields are names of the schema
    const rootFields = new Set(all.filter((s) => s.name === 'tessera_graphql_requests_total').map((s) => s.labels.root_field));
    for (const f of rootFields) expect(['-', 'searchPersons', 'entities', 'hitNoHit', 'me', 'cases', 'persons']).toContain(f);
  });
});
