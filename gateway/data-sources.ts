import { type GraphQLDataSource, type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { RunningSubgraph } from '../services/kernel/subgraph';
import type { GatewayContext } from './context';

/**
 * Runs a subgraph inside the gateway's process: no HTTP hop, but the same gateway-signed actor
 * token and the same subgraph context builder, so the policy path is identical to the HTTP mode.
 */
export class InProcessDataSource implements GraphQLDataSource<GatewayContext> {
  constructor(private readonly subgraph: RunningSubgraph) {}

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const token = await context.actorToken(this.subgraph.name);
    const contextValue = await this.subgraph.context(`Bearer ${token}`);
    const res = await this.subgraph.server.executeOperation(
      { query: request.query!, variables: request.variables, operationName: request.operationName },
      { contextValue },
    );
    if (res.body.kind !== 'single') throw new Error('Incremental delivery is not used between gateway and subgraphs');
    return res.body.singleResult as GatewayGraphQLResponse;
  }
}

/** Calls a subgraph over HTTP with the gateway-signed actor token for that subgraph. */
export class SignedRemoteDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraphName: string,
    url: string,
  ) {
    super({ url });
  }

  override async willSendRequest({ request, context }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['willSendRequest']>>[0]): Promise<void> {
    request.http!.headers.set('authorization', `Bearer ${await context.actorToken(this.subgraphName)}`);
    request.http!.headers.set('x-request-id', context.requestId);
  }
}
