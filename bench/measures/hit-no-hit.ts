import type { Pool } from 'pg';
import { postGraphQL } from '../graphql';
import { alternated, type LoadStats, type Send, sideBySide, summary } from '../load';
import type { Result } from '../report';
import type { MeasureContext } from './common';
import { bareApolloServer, type Measure, ms, seededRandom, subgraphSchemaWith, supergraphHas } from './common';

/**
 * Identifiers matched per second against the scaled entity table, half of them known to the hub
 * and half not, vs one indexed SQL lookup per batch of the same identifiers,
 * `WHERE (kind, value) IN (SELECT * FROM unnest(...))` on the unique index, no policy, with the
 * same batches and the same number in flight.
 *
 * With `Query.hitNoHit` in the supergraph the API side is a bank checking its list: hitNoHit with
 * BATCH identifiers per request. Without it, the closest path is one `entities(filter: {kind,
 * value})` lookup per identifier as police (the agency type that may filter on values).
 */
const BATCH = 100;
const IN_FLIGHT = 4;
const IDENTIFIERS = 2_000;

type Identifier = { kind: string; value: string };

const FLOOR_SQL = `SELECT e.id, e.kind, e.value FROM entities.entities e WHERE (e.kind, e.value) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

async function identifiers(sql: Pool, seed: string): Promise<Identifier[]> {
  const known = (
    await sql.query<Identifier>(`SELECT kind, value FROM entities.entities WHERE kind IN ('PHONE', 'EMAIL', 'BANK_ACCOUNT') ORDER BY md5(id::text) LIMIT $1`, [
      IDENTIFIERS / 2,
    ])
  ).rows;
  const rnd = seededRandom(`${seed}:hit-no-hit`);
  const unknown = Array.from({ length: IDENTIFIERS / 2 }, (_, i): Identifier => {
    const r = rnd();
    if (r < 0.4) return { kind: 'PHONE', value: `+449${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}` };
    if (r < 0.7) return { kind: 'EMAIL', value: `nobody${i}@unknown.example.com` };
    return { kind: 'BANK_ACCOUNT', value: `GB-SORTCODE:${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}:${String(80_000_000 + i).padStart(8, '0')}` };
  });
  // Interleaved hits and misses, in a fixed order.
  return known.flatMap((k, i) => [k, unknown[i]!]);
}

/** The baseline: batches of `size` identifiers, one statement each, through a pool of IN_FLIGHT connections. */
function floorSend(pool: Pool, ids: Identifier[], size: number): Send {
  return (i) => {
    const from = (i * size) % ids.length;
    const batch = ids.slice(from, from + size);
    return pool.query(FLOOR_SQL, [batch.map((b) => b.kind), batch.map((b) => b.value)]);
  };
}

/**
 * The ceiling: a bare Apollo Server with the entities subgraph's own schema, answering hitNoHit with
 * the same shape from the baseline's statement (known: found; holderCount 1 or 0; no agencies) on
 * a plain pool: no gateway, token, normalisation, policy, quota or audit.
 */
function bareHitNoHit(pool: Pool) {
  const schema = subgraphSchemaWith('entities', {
    Query: {
      hitNoHit: async (_: unknown, { identifiers }: { identifiers: Identifier[] }) => {
        const found = new Set(
          (await pool.query<Identifier>(FLOOR_SQL, [identifiers.map((i) => i.kind), identifiers.map((i) => i.value)])).rows.map((r) => `${r.kind}:${r.value}`),
        );
        return identifiers.map((i) => {
          const known = found.has(`${i.kind}:${i.value}`);
          return { kind: i.kind, value: i.value, known, holderCount: known ? 1 : 0, contactableAgencies: [] };
        });
      },
    },
  });
  return bareApolloServer({ schema });
}

/** The agencies of the multi-agency note: the two banks and two police forces, one request each in flight. */
const AGENCIES = ['albion-bank', 'banca-carpati', 'met-police', 'west-midlands-police'];

async function batched({ stack, budget, seed }: MeasureContext): Promise<Result> {
  const persona = 'albion-bank';
  const pool = stack.rawPool(IN_FLIGHT);
  const ids = await identifiers(stack.owner, seed);
  const auth = await stack.authorization(persona);
  const auths = await Promise.all(AGENCIES.map((a) => stack.authorization(a)));
  const query = `query Check($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { kind value known holderCount contactableAgencies { id } } }`;
  const batches = Array.from({ length: ids.length / BATCH }, (_, b) => ids.slice(b * BATCH, (b + 1) * BATCH));
  // A third side, as a note: the same requests from four agencies in turn, so the four in flight are
  // mostly of different agencies and do not wait for each other's quota (one agency's must: its quota
  // counts each of them exactly).
  const bare = await bareHitNoHit(pool);
  try {
    const [api, floor, agencies, ceiling] = await alternated(
      [
        { concurrency: IN_FLIGHT, send: (i) => postGraphQL(stack.hub.url, auth, query, { ids: batches[i % batches.length] }) },
        { concurrency: IN_FLIGHT, send: floorSend(pool, ids, BATCH) },
        { concurrency: IN_FLIGHT, send: (i) => postGraphQL(stack.hub.url, auths[i % auths.length]!, query, { ids: batches[i % batches.length] }) },
        { concurrency: IN_FLIGHT, send: (i) => postGraphQL(bare.url, auth, query, { ids: batches[i % batches.length] }) },
      ],
      budget,
    );
    const many = agencies.perSecond * BATCH;
    const bareIds = ceiling.perSecond * BATCH;
    return result(api, floor, BATCH, BATCH, [
      `API = hitNoHit with ${BATCH} identifiers per request as ${persona}, ${IN_FLIGHT} requests in flight, p50 ${ms(summary(api).p50)} p95 ${ms(summary(api).p95)} per request`,
      `${AGENCIES.length} agencies in turn (${AGENCIES.join(', ')}), ${IN_FLIGHT} in flight: ${Math.round(many).toLocaleString('en-GB')} ids/s, ratio ${(many / (floor.perSecond * BATCH)).toFixed(3)}, ${(agencies.perSecond / api.perSecond).toFixed(2)}× one bank's, p50 ${ms(summary(agencies).p50)} p95 ${ms(summary(agencies).p95)}`,
      `ceiling = a bare Apollo Server (the entities subgraph's schema, the baseline's statement, nothing else), the same requests, ${IN_FLIGHT} in flight: ${Math.round(bareIds).toLocaleString('en-GB')} ids/s, ${(bareIds / (floor.perSecond * BATCH)).toFixed(3)} of the baseline; the API is ${((api.perSecond * BATCH) / bareIds).toFixed(2)} of it, p50 ${ms(summary(ceiling).p50)}`,
    ]);
  } finally {
    await bare.stop();
  }
}

async function oneByOne({ stack, budget, seed }: MeasureContext): Promise<Result> {
  const persona = 'met-police';
  const pool = stack.rawPool(IN_FLIGHT);
  const ids = await identifiers(stack.owner, seed);
  const auth = await stack.authorization(persona);
  const query = `query Lookup($kind: EntityKind!, $value: String!) { entities(first: 5, filter: { kind: $kind, value: $value }) { totalCount nodes { id } } }`;
  const [api, floor] = await sideBySide(
    { concurrency: budget.concurrency, send: (i) => postGraphQL(stack.hub.url, auth, query, ids[i % ids.length]) },
    { concurrency: IN_FLIGHT, send: floorSend(pool, ids, BATCH) },
    budget,
  );
  return result(api, floor, 1, BATCH, [
    `no hitNoHit query in the supergraph: API = one entities(filter: {kind, value}) per identifier as ${persona}, ${budget.concurrency} in flight, p50 ${ms(summary(api).p50)} p95 ${ms(summary(api).p95)}`,
  ]);
}

function result(api: LoadStats, floor: LoadStats, apiBatch: number, floorBatch: number, notes: string[]): Result {
  const value = api.perSecond * apiBatch;
  const baseline = floor.perSecond * floorBatch;
  return {
    id: 'hit-no-hit',
    value,
    unit: 'ids/s',
    baseline,
    ratio: value / baseline,
    target: '>= 0.5',
    pass: value / baseline >= 0.5,
    notes: [
      ...notes,
      `baseline = batches of ${floorBatch} in one SELECT ... WHERE (kind, value) IN (SELECT * FROM unnest(...)), ${IN_FLIGHT} in flight, no policy; half the identifiers known`,
    ],
  };
}

export const hitNoHit: Measure = {
  id: 'hit-no-hit',
  describe: 'identifiers checked/s through hitNoHit / batched indexed SQL lookup',
  async run(ctx) {
    return [supergraphHas('Query', 'hitNoHit') ? await batched(ctx) : await oneByOne(ctx)];
  },
};
