import { type Attributes, context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, NodeTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces from the gateway to the subgraphs to SQL, off by default: TESSERA_TRACING=otlp
 * sends them to the OTLP/HTTP collector the standard OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) names. Spans: Apollo gateway's own (gateway.request, .plan,
 * .execute, .fetch per subgraph, .postprocessing), one server span per HTTP request (gateway and
 * subgraph processes, W3C trace context carried between them), one per subgraph call
 * (`subgraph <name>`), one per SQL statement (`db <operation>`).
 *
 * No personal data leaves in a span: only attributes named in SPAN_ATTRIBUTES are exported (the
 * operation name a client chose, a document, a SQL text or its parameters never are), span events
 * (recorded exceptions, whose messages may quote input) are dropped, and a status keeps its code
 * without its message.
 */
export const tracer = trace.getTracer('tessera');

/** The span attributes exported; each holds a fixed word, a schema or subgraph name, or a number. */
export const SPAN_ATTRIBUTES: ReadonlySet<string> = new Set([
  'service', // Apollo gateway's gateway.fetch: the subgraph's name
  'graphql.operation.type',
  'tessera.subgraph',
  'http.request.method',
  'http.route',
  'http.response.status_code',
  'db.system.name',
  'db.operation.name',
]);

/** A span as exported: the allowed attributes only, no events, the status without its message. */
function scrubbed(span: ReadableSpan): ReadableSpan {
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(span.attributes)) if (SPAN_ATTRIBUTES.has(k)) attributes[k] = v;
  return Object.create(span, {
    attributes: { value: attributes, enumerable: true },
    events: { value: [], enumerable: true },
    status: { value: { code: span.status.code }, enumerable: true },
  }) as ReadableSpan;
}

/** Passes spans to `inner` scrubbed (see above). */
class ScrubbingExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(scrubbed), done);
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export interface Tracing {
  /** Exports what is pending. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the process's tracer provider when TESSERA_TRACING says so (`otlp`), or with `exporter`
 * (tests: an in-memory exporter). Without either, nothing is registered and every span is a no-op.
 */
export function startTracing(opts: { exporter?: SpanExporter } = {}): Tracing | undefined {
  const mode = process.env.TESSERA_TRACING ?? '';
  if (mode !== '' && mode !== 'off' && mode !== 'otlp') throw new Error(`TESSERA_TRACING must be "otlp" or "off", got "${mode}"`);
  const exporter = opts.exporter ?? (mode === 'otlp' ? new OTLPTraceExporter() : undefined);
  if (!exporter) return undefined;
  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ScrubbingExporter(exporter))] });
  provider.register();
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/** Runs `fn` inside a new active span, ended when `fn` settles; an error marks the span (code only). */
export function inSpan<T>(name: string, options: { kind?: SpanKind; attributes?: Attributes }, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** A SQL statement's span: the statement's first keyword, never its text or parameters. */
export function sqlSpan<T>(text: string, fn: () => Promise<T>): Promise<T> {
  const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return inSpan(`db ${operation}`, { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation } }, fn);
}

/** Adds the active trace context to outgoing headers (W3C traceparent). */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  propagation.inject(context.active(), undefined, { set: (_carrier, k, v) => set(k, v) });
}

/** Runs `fn` in an HTTP server span whose parent is the trace context of the incoming headers. */
export function inServerSpan<T>(headers: Record<string, string | string[] | undefined>, method: string, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return context.with(parent, () =>
    inSpan(`${method} /graphql`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': '/graphql' } }, fn),
  );
}
