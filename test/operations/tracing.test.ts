import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { SPAN_ATTRIBUTES, startTracing, type Tracing } from '../../services/kernel/tracing';
import { startTestHub, type TestHub, tokenFor } from '../support/hub';

const PURPOSE = 'Operation Lanterna, victim safeguarding review';
const VICTIM = 'Elena Marinescu';
const SUSPECT = 'Ionuț Popescu';

/**
 * Traces, with an in-memory exporter behind the same scrubbing as production's OTLP one: the
 * gateway, each subgraph it calls (over HTTP, the trace context carried in the request) and each SQL
 * statement are spans of one trace, and nothing a caller sent or was answered is in a span.
 */
describe('OpenTelemetry traces', () => {
  const memory = new InMemorySpanExporter();
  let tracing: Tracing;
  let hub: TestHub;
  let spans: ReadableSpan[];
  beforeAll(async () => {
    tracing = startTracing({ exporter: memory })!;
    hub = await startTestHub('http');
    // A victim's and a suspect's names released for a purpose, asked by name, by an operation named after the victim.
    const r = await hub.gql(
      'met-police',
      `query ElenaMarinescu($name: String!) { searchPersons(name: $name) { person { fullName dateOfBirth } } s: searchPersons(name: "${SUSPECT}") { person { fullName } } }`,
      { name: VICTIM },
      { purpose: PURPOSE },
    );
    expect(r.errors).toBeUndefined();
    expect(JSON.stringify(r.data)).toContain(VICTIM);
    expect(JSON.stringify(r.data)).toContain(SUSPECT);
    // An identifier, and an error whose message quotes the input.
    expect(
      (await hub.gql('met-police', '{ entities(filter: { kind: PHONE, value: "0722 123 456", country: "RO" }) { nodes { value } } }')).errors,
    ).toBeUndefined();
    expect((await hub.gql('met-police', 'query($n: Int!) { cases(first: $n) { totalCount } }', { n: 'Elena Marinescu' })).errors).toBeDefined();
    await tracing.flush();
    spans = memory.getFinishedSpans();
  });
  afterAll(async () => {
    await hub?.stop();
    await tracing?.shutdown();
  });

  const parentOf = (s: ReadableSpan) => spans.find((p) => p.spanContext().spanId === s.parentSpanContext?.spanId);
  const chain = (s: ReadableSpan): string[] => {
    const names: string[] = [];
    for (let at: ReadableSpan | undefined = s; at; at = parentOf(at)) names.push(at.name);
    return names;
  };

  it('follow a request from the gateway to a subgraph process to SQL, in one trace', () => {
    const sql = spans.filter((s) => s.name === 'db SELECT' && chain(s).includes('subgraph cases'));
    expect(sql.length).toBeGreaterThan(0);
    const path = chain(sql[0]!);
    // SQL ← the cases subgraph's server span ← the gateway's call to it ← Apollo's fetch ← … ← the gateway's server span
    expect(path[0]).toBe('db SELECT');
    expect(path.indexOf('POST /graphql')).toBeLessThan(path.indexOf('subgraph cases'));
    expect(path.indexOf('subgraph cases')).toBeLessThan(path.indexOf('gateway.fetch'));
    expect(path).toContain('gateway.request');
    expect(path[path.length - 1]).toBe('POST /graphql');
    const traced: ReadableSpan[] = [];
    for (let at: ReadableSpan | undefined = sql[0]; at; at = parentOf(at)) traced.push(at);
    expect(new Set(traced.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(traced[traced.length - 1]!.attributes['http.response.status_code']).toBe(200);
    const fetch = spans.find((s) => s.name === 'gateway.fetch' && s.attributes.service === 'entities');
    expect(fetch).toBeDefined();
    expect(spans.find((s) => s.name === 'db SELECT')!.attributes).toEqual({ 'db.system.name': 'postgresql', 'db.operation.name': 'SELECT' });
  });

  it('hold no personal data: only listed attributes, no events, no status messages', async () => {
    const token = await tokenFor('met-police');
    const secret = [VICTIM, 'Elena', 'Marinescu', SUSPECT, 'Popescu', PURPOSE, 'Lanterna', '722123456', '0722 123 456', token];
    const ids = [...Object.values(hub.demo.agencies).flatMap((a) => [a.id, ...Object.values(a.users)]), ...Object.values(hub.demo.ids)];
    for (const s of spans) {
      for (const key of Object.keys(s.attributes)) expect(SPAN_ATTRIBUTES).toContain(key);
      expect(s.events).toEqual([]);
      expect(s.status.message).toBeUndefined();
      const text = JSON.stringify({ name: s.name, attributes: s.attributes, status: s.status });
      for (const v of [...secret, ...ids]) expect(text).not.toContain(v);
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/i);
    }
    // Apollo's request span lost the operation name the client chose.
    const request = spans.find((s) => s.name === 'gateway.request')!;
    expect(request.attributes['graphql.operation.type']).toBe('query');
    expect(request.attributes['graphql.operation.name']).toBeUndefined();
  });
});
