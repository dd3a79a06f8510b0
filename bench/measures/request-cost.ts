import type { Pool } from 'pg';
import { postGraphQL } from '../graphql';
import { type LoadStats, summary } from '../load';
import { bareApolloServer, type Budget, type Measure, ms } from './common';

/**
 * The cost of one request: the simplest authenticated query, `me { id role }`, sent one at a time
 * through the hub (in-process gateway: token verification, query limits, planning, actor token,
 * the agencies subgraph with its policy and row-level security) vs a bare Apollo Server in the same
 * process answering the same shape from the same Postgres (one `SELECT ... WHERE id = $1` on a
 * plain pool: no federation, no identity, no policy). Latency p50, sequential, so the figure is
 * the price of the layers, not of queueing.
 */
const PERSONA = 'met-police';
const QUERY = 'query Me { me { id role } }';

/** The bare server answers for one user (the persona's), as the hub does after authenticating it. */
function bareServer(pool: Pool, userId: string) {
  return bareApolloServer({
    typeDefs: 'type Query { me: User } type User { id: ID! role: String }',
    resolvers: {
      Query: { me: async () => (await pool.query<{ id: string; role: string }>('SELECT id, role FROM agencies.users WHERE id = $1', [userId])).rows[0] },
    },
  });
}

/** Both sides one request at a time, taking turns (A B A B ...) for the budget's rounds, after a warm-up of each. */
async function alternating(a: () => Promise<unknown>, b: () => Promise<unknown>, budget: Budget): Promise<[LoadStats, LoadStats]> {
  const time = async (f: () => Promise<unknown>, into: number[]) => {
    const t0 = performance.now();
    await f();
    into.push(performance.now() - t0);
  };
  const warm: number[] = [];
  const until = (ms: number) => performance.now() + ms;
  for (const end = until(budget.warmupMs); performance.now() < end;) {
    await time(a, warm);
    await time(b, warm);
  }
  const as: number[] = [];
  const bs: number[] = [];
  const started = performance.now();
  for (const end = until(budget.roundMs * budget.rounds * 2); performance.now() < end;) {
    await time(a, as);
    await time(b, bs);
  }
  const elapsedMs = performance.now() - started;
  const stats = (l: number[]): LoadStats => ({ requests: l.length, elapsedMs, perSecond: (l.length * 1000) / elapsedMs, latenciesMs: l });
  return [stats(as), stats(bs)];
}

export const requestCost: Measure = {
  id: 'request-cost',
  describe: 'p50 of `me { id role }` through the hub / a bare Apollo Server on the same Postgres',
  async run({ stack, budget }) {
    const auth = await stack.authorization(PERSONA);
    const pool = stack.rawPool(2);
    const bare = await bareServer(pool, (await stack.actor(PERSONA)).userId);
    try {
      const [hub, plain] = await alternating(
        () => postGraphQL(stack.hub.url, auth, QUERY),
        () => postGraphQL(bare.url, auth, QUERY),
        budget,
      );
      const h = summary(hub);
      const p = summary(plain);
      const ratio = h.p50 / p.p50;
      return [
        {
          id: 'request-cost',
          value: h.p50,
          unit: 'ms',
          valueText: `${ms(h.p50)} / ${ms(h.p95)}`,
          baseline: p.p50,
          baselineText: `${ms(p.p50)} / ${ms(p.p95)}`,
          ratio,
          target: '<= 2',
          pass: ratio <= 2,
          notes: [
            `me { id role } as ${PERSONA}, one request at a time, hub and bare taking turns request by request so that the machine's noise falls on both (p50 / p95): hub ${hub.requests} requests, bare Apollo Server ${plain.requests}`,
            'bare = @apollo/server standalone in this process, one SELECT on a plain pg pool, no token check, no policy, no row-level security',
          ],
        },
      ];
    } finally {
      await bare.stop();
    }
  },
};
