import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { type GraphQLDataSource, ApolloGateway } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { type GraphQLSchema, parse } from 'graphql';
import { SUPERGRAPH_PATH } from '../../gateway/hub';
import type { Result } from '../report';
import type { Stack } from '../stack';

/** How long and how hard each measure runs; set by --scale (and --seconds). */
export interface Budget {
  warmupMs: number;
  roundMs: number;
  rounds: number;
  /** Requests in flight for throughput measures. */
  concurrency: number;
  /** Sequential requests per latency point (link-analysis), repetitions (policy-cost). */
  samples: number;
  /** Transaction reports submitted per ingest side. */
  reports: number;
  /** Identifiers in the screening job. */
  screening: number;
}

export interface MeasureContext {
  stack: Stack;
  seed: string;
  budget: Budget;
  log: (line: string) => void;
}

export interface Measure {
  id: string;
  /** One line for --list. */
  describe: string;
  run(ctx: MeasureContext): Promise<Result[]>;
}

/** Ids of generated cases that reach every member (GREEN/CLEAR), in a stable order. */
export async function shareableCaseIds(stack: Stack, n: number): Promise<string[]> {
  const { rows } = await stack.owner.query<{ id: string }>(
    `SELECT id FROM cases.cases WHERE reference LIKE 'BENCH-%' AND marking IN ('GREEN', 'CLEAR') ORDER BY id LIMIT $1`,
    [n],
  );
  if (rows.length === 0) throw new Error('No shareable generated cases');
  return rows.map((r) => r.id);
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

/** mulberry32 seeded by a string: deterministic inputs for the write and lookup measures. */
export function seededRandom(seed: string): () => number {
  let a = 0;
  for (const ch of seed) a = (Math.imul(a, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Whether the checked-in supergraph has `Query.<field>` / `Mutation.<field>`: the API is growing
 * while the benchmark is written, so measures use the intended operation when it exists and say
 * which path they measured otherwise.
 */
export function supergraphHas(type: 'Query' | 'Mutation', field: string): boolean {
  const sdl = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const body = new RegExp(`\\ntype ${type}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(sdl)?.[1] ?? '';
  return new RegExp(`^\\s*${field}\\s*[(:]`, 'm').test(body);
}

/**
 * A bare Apollo Server in this process (standalone HTTP): no gateway, no token check, no policy, no
 * row-level security, no audit. What a GraphQL request over HTTP costs on this stack by itself, the
 * ceiling any API built on it has, against which the hub's own layers are read.
 */
export async function bareApolloServer(config: ConstructorParameters<typeof ApolloServer<object>>[0]): Promise<{ url: string; stop(): Promise<void> }> {
  // Without the per-field hooks the hub's subgraphs also turn off (services/kernel/subgraph.ts).
  const server = new ApolloServer<object>({ ...config, plugins: [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}

/**
 * The same bare subgraph behind a federation gateway: an ApolloGateway on the hub's own supergraph
 * (its query plans, its fetch to the subgraph, its merging of the answer) served by Apollo Server
 * over HTTP, with `subgraph`'s schema executed in this process as the hub's in-process mode does,
 * but no token, identity, policy, row-level security or audit. What a federated request costs on
 * this stack by itself: the ceiling of any federated API on it.
 */
export async function bareFederatedServer(subgraph: string, schema: GraphQLSchema): Promise<{ url: string; stop(): Promise<void> }> {
  const plugins = [ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled()];
  const inner = new ApolloServer<object>({ schema, plugins });
  await inner.start();
  const gateway = new ApolloGateway({
    supergraphSdl: fs.readFileSync(SUPERGRAPH_PATH, 'utf8'),
    buildService: ({ name }): GraphQLDataSource => ({
      async process({ request }) {
        if (name !== subgraph) throw new Error(`The bare federated server has only ${subgraph}, not ${name}`);
        const res = await inner.executeOperation({ query: request.query!, variables: request.variables, operationName: request.operationName });
        if (res.body.kind !== 'single') throw new Error('Incremental delivery is not used between gateway and subgraphs');
        return res.body.singleResult as GatewayGraphQLResponse;
      },
    }),
  });
  const server = new ApolloServer<object>({ gateway, plugins: [ApolloServerPluginCacheControlDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: async () => (await server.stop(), await inner.stop()) };
}

/**
 * A subgraph's published schema (schema/<name>.graphql) with only `resolvers` behind it, for a bare
 * server answering one of its operations: the same types, input coercion and shape as the hub's.
 */
export function subgraphSchemaWith(name: string, resolvers: GraphQLResolverMap<unknown>) {
  const sdl = fs.readFileSync(path.join(__dirname, '../../schema', `${name}.graphql`), 'utf8');
  return buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
}
