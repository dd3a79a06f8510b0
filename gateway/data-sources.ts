import { type GraphQLDataSource, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { SpanKind } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { ErrorCode, serviceUnavailable } from '../services/kernel/errors';
import { rootLogger } from '../services/kernel/logger';
import { subgraphRequestDuration } from '../services/kernel/metrics';
import { injectTraceContext, inSpan } from '../services/kernel/tracing';
import { lsnFromHeader, MIN_LSN_HEADER, WRITTEN_LSN_HEADER } from '../services/kernel/replica';
import type { RunningSubgraph } from '../services/kernel/subgraph';
import type { GatewayContext } from './context';

/**
 * Runs a subgraph inside the gateway's process: no HTTP hop, but the same gateway-signed actor
 * token and the same subgraph context builder, so the policy path is identical to the HTTP mode.
 */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraph: RunningSubgraph) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const operation = { query: request.query!, variables: request.variables, operationName: request.operationName };
    const stop = subgraphRequestDuration.startTimer({ subgraph: this.subgraph.name });
    const span = { kind: SpanKind.CLIENT, attributes: { 'tessera.subgraph': this.subgraph.name } };
    try {
      return await inSpan(`subgraph ${this.subgraph.name}`, span, async () => {
        const token = await context.actorToken(this.subgraph.name, operation);
        const contextValue = await this.subgraph.context(`Bearer ${token}`, operation, context.readAfter?.lsn());
        const res = await this.subgraph.server.executeOperation(operation, { contextValue });
        if (res.body.kind !== 'single') throw new Error('Incremental delivery is not used between gateway and subgraphs');
        const written = lsnFromHeader(res.http.headers.get(WRITTEN_LSN_HEADER));
        if (written) context.readAfter?.wrote(written);
        return res.body.singleResult as GatewayGraphQLResponse;
      });
    } finally {
      stop();
    }
  }
}

/** How long the gateway waits for a subgraph's whole answer: TESSERA_SUBGRAPH_TIMEOUT_MS, default 15 000. */
export function subgraphTimeoutFromEnv(): number {
  const raw = process.env.TESSERA_SUBGRAPH_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 15_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`TESSERA_SUBGRAPH_TIMEOUT_MS must be a positive integer, got "${raw}"`);
  return n;
}

/** Calls a subgraph over HTTP with the gateway-signed actor token for that subgraph. */
export class SignedRemoteDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraphName: string,
    url: string,
    timeoutMs = subgraphTimeoutFromEnv(),
  ) {
    super({ url });
    // A subgraph that accepts the connection and then hangs must not hold the client forever:
    // the default fetcher (make-fetch-happen / minipass-fetch) takes a whole-response `timeout`.
    const fetcher = this.fetcher;
    this.fetcher = ((input: Parameters<typeof fetcher>[0], init?: Parameters<typeof fetcher>[1]) =>
      fetcher(input, { ...init, timeout: timeoutMs } as never)) as typeof fetcher;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const stop = subgraphRequestDuration.startTimer({ subgraph: this.subgraphName });
    try {
      return await inSpan(`subgraph ${this.subgraphName}`, { kind: SpanKind.CLIENT, attributes: { 'tessera.subgraph': this.subgraphName } }, () =>
        super.process(options),
      );
    } finally {
      stop();
    }
  }

  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): Promise<void> {
    // Signed for exactly what is sent next: this request's document, operation name and variables.
    const operation = { query: request.query, variables: request.variables, operationName: request.operationName };
    request.http!.headers.set('authorization', `Bearer ${await context.actorToken(this.subgraphName, operation)}`);
    request.http!.headers.set('x-request-id', context.requestId);
    const readAfter = context.readAfter?.lsn();
    if (readAfter) request.http!.headers.set(MIN_LSN_HEADER, readAfter);
    injectTraceContext((name, value) => request.http!.headers.set(name, value));
  }

  /** A subgraph that committed a write says where (kernel/replica.ts): this caller's next reads must see it. */
  override didReceiveResponse({ response, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    const written = lsnFromHeader(response.http?.headers.get(WRITTEN_LSN_HEADER));
    if (written) context.readAfter?.wrote(written);
    return response;
  }

  /**
   * A subgraph that cannot be reached (or answers 5xx) is SERVICE_UNAVAILABLE naming it, so the
   * client sees which part of the result is missing; any other non-2xx answer is a plain internal
   * error. Never the subgraph's URL, status or body (they go to the log).
   */
  override didEncounterError(error: Error, _req: unknown, res?: { status: number }): never {
    const log = rootLogger.child({ service: 'gateway', subgraph: this.subgraphName });
    if (res === undefined || res.status >= 500) {
      log.warn({ err: error, status: res?.status }, 'subgraph unavailable');
      throw serviceUnavailable(`The ${this.subgraphName} service is unavailable; this part of the result is missing, try again later`, {
        service: this.subgraphName,
      });
    }
    log.error({ err: error, status: res.status }, 'subgraph refused the gateway');
    throw new GraphQLError('Internal server error', { extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  }
}
