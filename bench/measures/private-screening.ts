import { Evaluation, VOPRFClient } from '@cloudflare/voprf-ts';
import { privateScreen, type HubCall } from '../../services/entities/private-screening.client';
import { CRYPTO, oprfInput, SUITE } from '../../services/entities/private-screening.protocol';
import { privateScreeningKey } from '../../services/entities/private-screening.service';
import { postGraphQL } from '../graphql';
import type { Result } from '../report';
import { type Measure, type MeasureContext, supergraphHas } from './common';
import { identifiers, screenThroughApi } from './screening';

/**
 * Private screening (services/entities/private-screening.service.ts) vs the clear screening job, of
 * the same identifiers (half known to the hub, half not; bench/measures/screening.ts picks them), as
 * the same bank through the API. Private: the bank's client (private-screening.client.ts) fetches
 * the filter, blinds in batches of BATCH, has the hub evaluate them (two requests in flight),
 * finalizes (checking each proof) and looks the outputs up. Clear: one screening job. Ids/s of each,
 * best of the rounds; the first filter of the data set (the hub evaluating and storing every identifier the
 * bank may learn exists) is timed apart. Client and hub share the machine, as in every measure.
 */
const BATCH = 500;
const PERSONA = 'albion-bank';
/** Identifiers screened each round: the private mode is two to three orders of magnitude slower than the clear one. */
const MAX_IDS = 2000;

const FILTER = `query { privateScreeningFilter { size } }`;

/** Per-element cost of each side's group operations, outside the API: [bank blind + finalize, hub evaluation] in µs. */
async function groupCosts(n: number): Promise<[number, number]> {
  const key = await privateScreeningKey();
  const client = new VOPRFClient(SUITE, key.publicKey, CRYPTO);
  const inputs = Array.from({ length: n }, (_, i) => oprfInput('EMAIL', `cost.${i}@bench.example.com`));
  let t = performance.now();
  const [fin, req] = await client.blind(inputs);
  const blind = performance.now() - t;
  t = performance.now();
  const evaluation = await key.server.blindEvaluate(req);
  const hub = performance.now() - t;
  t = performance.now();
  await client.finalize(fin, Evaluation.deserialize(SUITE, evaluation.serialize(), CRYPTO));
  const finalize = performance.now() - t;
  return [((blind + finalize) * 1000) / n, (hub * 1000) / n];
}

async function run(ctx: MeasureContext): Promise<Result> {
  const { stack, budget, seed, log } = ctx;
  const n = Math.min(budget.screening, MAX_IDS);
  const ids = await identifiers(stack.owner, seed, n);
  const auth = await stack.authorization(PERSONA);
  const call: HubCall = async <T>(query: string, variables?: Record<string, unknown>) => (await postGraphQL<T>(stack.hub.url, auth, query, variables)).data;
  const saved = [process.env.TESSERA_SCREENING_AGENCY_PER_DAY, process.env.TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY];
  process.env.TESSERA_SCREENING_AGENCY_PER_DAY = process.env.TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY = String(100 * n * (budget.rounds + 2));
  try {
    await screenThroughApi(ctx, ids.slice(0, 100), `bench-private-warmup-${Date.now()}`);
    let t = performance.now();
    const { privateScreeningFilter: cold } = await call<{ privateScreeningFilter: { size: number } }>(FILTER);
    const coldMs = performance.now() - t;
    t = performance.now();
    await call(FILTER);
    const warmMs = performance.now() - t;
    log(`  private-screening: first filter ${(coldMs / 1000).toFixed(1)} s (size class ${cold.size}), again ${warmMs.toFixed(0)} ms`);
    const priv: number[] = [];
    const clear: number[] = [];
    for (let r = 0; r < budget.rounds; r++) {
      t = performance.now();
      const p = await privateScreen(call, ids, { batchSize: BATCH, concurrency: 2 });
      priv.push(performance.now() - t);
      const c = await screenThroughApi(ctx, ids, `bench-private-clear-${Date.now()}-${r}`);
      clear.push(c.screened);
      const known = p.answers.filter((a) => a.known).length;
      if (known !== c.known) throw new Error(`private-screening: ${known} known privately, ${c.known} in clear`);
      log(
        `  private-screening round ${r + 1}: private ${(priv[r]! / 1000).toFixed(1)} s, clear ${(c.screened / 1000).toFixed(2)} s, ${known} of ${n} known in both`,
      );
    }
    const [bankUs, hubUs] = await groupCosts(500);
    const best = (xs: number[]) => Math.min(...xs);
    const value = n / (best(priv) / 1000);
    const baseline = n / (best(clear) / 1000);
    return {
      id: 'private-screening',
      value,
      unit: 'ids/s',
      baseline,
      ratio: value / baseline,
      notes: [
        `private = ${n} identifiers as ${PERSONA} through private-screening.client.ts: the filter (warm: ${warmMs.toFixed(0)} ms), ${Math.ceil(n / BATCH)} evaluatePrivateScreening of ${BATCH}, 2 in flight, finalize and look-up; best of ${budget.rounds}: ${(best(priv) / 1000).toFixed(1)} s`,
        `baseline = the same identifiers as one clear screening job (createScreeningJob, appendScreeningChunk as CSV, closeScreeningJob): ${(best(clear) / 1000).toFixed(2)} s`,
        `the first filter of the data set (the hub evaluating and storing the entry of each identifier the bank may learn exists): ${(coldMs / 1000).toFixed(1)} s, size class ${cold.size}`,
        `group operations per identifier, outside the API: the bank's blind + finalize (with the proof's check) ${bankUs.toFixed(0)} µs, the hub's evaluation (with the batch proof) ${hubUs.toFixed(0)} µs`,
      ],
    };
  } finally {
    const names = ['TESSERA_SCREENING_AGENCY_PER_DAY', 'TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY'] as const;
    names.forEach((name, i) => (saved[i] === undefined ? delete process.env[name] : (process.env[name] = saved[i])));
  }
}

export const privateScreening: Measure = {
  id: 'private-screening',
  describe: 'identifiers screened/s privately (RFC 9497 VOPRF, filter) / the same identifiers as a clear screening job',
  async run(ctx) {
    if (!supergraphHas('Mutation', 'evaluatePrivateScreening')) throw new Error('private-screening: no evaluatePrivateScreening in the supergraph');
    try {
      return [await run(ctx)];
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      throw cause ? new Error(`${(err as Error).message}: ${String(cause)}`) : err;
    }
  },
};
