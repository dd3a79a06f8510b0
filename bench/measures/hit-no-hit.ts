import { postGraphQL } from '../graphql';
import { sideBySide, summary } from '../load';
import type { Measure } from './common';
import { ms, seededRandom } from './common';

/**
 * Identifiers matched per second against the scaled entity table. There is no hit/no-hit query
 * yet, so the API side is the closest path: one `entities(filter: {kind, value})` lookup per
 * identifier through the gateway, as police (the agency type that may filter on values), half of
 * them known to the hub and half not. The baseline is one indexed SQL lookup of a batch of the same
 * identifiers, `WHERE (kind, value) IN (...)`, without the policy.
 */
const PERSONA = 'met-police';
const QUERY = `query Lookup($kind: EntityKind!, $value: String!) { entities(first: 5, filter: { kind: $kind, value: $value }) { totalCount nodes { id } } }`;
const BATCH = 500;
const IDENTIFIERS = 2_000;

export const hitNoHit: Measure = {
  id: 'hit-no-hit',
  describe: 'identifiers matched/s through entities(filter:{kind,value}) / batched indexed SQL lookup',
  async run({ stack, budget, seed }) {
    const sql = await stack.rawClient();
    const auth = await stack.authorization(PERSONA);
    const known = (
      await sql.query<{ kind: string; value: string }>(
        `SELECT kind, value FROM entities.entities WHERE kind IN ('PHONE', 'EMAIL', 'BANK_ACCOUNT') ORDER BY md5(id::text) LIMIT $1`,
        [IDENTIFIERS / 2],
      )
    ).rows;
    const rnd = seededRandom(`${seed}:hit-no-hit`);
    const unknown = Array.from({ length: IDENTIFIERS / 2 }, (_, i) => {
      const r = rnd();
      if (r < 0.4) return { kind: 'PHONE', value: `+449${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}` };
      if (r < 0.7) return { kind: 'EMAIL', value: `nobody${i}@unknown.example.com` };
      return { kind: 'BANK_ACCOUNT', value: `GB-SORTCODE:${String(Math.floor(rnd() * 1e6)).padStart(6, '0')}:${String(80_000_000 + i).padStart(8, '0')}` };
    });
    // Interleaved hits and misses, in a fixed order.
    const ids = known.flatMap((k, i) => [k, unknown[i]!]);
    let hits = 0;
    let looked = 0;
    const [api, floor] = await sideBySide(
      {
        concurrency: budget.concurrency,
        send: async (i) => {
          const id = ids[i % ids.length]!;
          const r = await postGraphQL<{ entities: { totalCount: number } }>(stack.hub.url, auth, QUERY, id);
          looked++;
          if (r.data.entities.totalCount > 0) hits++;
        },
      },
      {
        concurrency: 1,
        send: async (i) => {
          const from = (i * BATCH) % ids.length;
          const batch = ids.slice(from, from + BATCH);
          await sql.query(
            `SELECT e.id, e.kind, e.value FROM entities.entities e WHERE (e.kind, e.value) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
            [batch.map((b) => b.kind), batch.map((b) => b.value)],
          );
        },
      },
      budget,
    );
    const perSecond = floor.perSecond * BATCH;
    const a = summary(api);
    return [
      {
        id: 'hit-no-hit',
        value: api.perSecond,
        unit: 'ids/s',
        baseline: perSecond,
        ratio: api.perSecond / perSecond,
        notes: [
          `no hit/no-hit query yet: API = one entities(filter: {kind, value}) per identifier as ${PERSONA}, ${budget.concurrency} in flight, p50 ${ms(a.p50)} p95 ${ms(a.p95)}; ${((100 * hits) / Math.max(1, looked)).toFixed(0)}% hits`,
          `baseline = batches of ${BATCH} identifiers in one SELECT ... WHERE (kind, value) IN (unnest(...)) on the unique index, no policy`,
        ],
      },
    ];
  },
};
