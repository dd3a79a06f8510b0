import { createHash, randomBytes } from 'node:crypto';
import { Evaluation, VOPRFClient } from '@cloudflare/voprf-ts';
import { paddedFilterEntries, privateScreeningKey } from './private-screening.service';
import { CRYPTO, FILTER_ENTRY_BYTES, fromBase64, oprfInput, SUITE, toBase64 } from './private-screening.protocol';

/**
 * The hub's evaluation is replayable: the batch proof's nonce comes from the key and the request, so a
 * batch sent again after a lost answer gets the very same bytes — and those bytes are still an RFC
 * 9497 VOPRF evaluation that any client verifies against the hub's public key.
 */
describe('the hub’s evaluation of a batch', () => {
  beforeAll(() => {
    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
  });
  afterAll(() => {
    delete process.env.TESSERA_PRIVATE_SCREENING_KEY;
  });

  const blind = (client: VOPRFClient, values: string[]) => client.blind(values.map((v) => oprfInput('EMAIL', v)));

  test('the same request: the same bytes, proof included, which a client verifies against the public key', async () => {
    const key = await privateScreeningKey();
    const client = new VOPRFClient(SUITE, key.publicKey, CRYPTO);
    const [finData, request] = await blind(client, ['a@example.org', 'b@example.org', 'c@example.org']);
    const first = toBase64((await key.server.blindEvaluate(request)).serialize());
    const again = toBase64((await key.server.blindEvaluate(request)).serialize());
    expect(again).toBe(first);
    const outputs = await client.finalize(finData, Evaluation.deserialize(SUITE, fromBase64(first), CRYPTO));
    expect(outputs.map((o) => toBase64(o))).toEqual(
      await Promise.all(['a@example.org', 'b@example.org', 'c@example.org'].map(async (v) => toBase64(await key.server.evaluate(oprfInput('EMAIL', v))))),
    );
  });

  test('another request of the same identifiers (other blinds): the same outputs, another proof', async () => {
    const key = await privateScreeningKey();
    const client = new VOPRFClient(SUITE, key.publicKey, CRYPTO);
    const [finA, a] = await blind(client, ['d@example.org']);
    const [finB, b] = await blind(client, ['d@example.org']);
    const evalA = await key.server.blindEvaluate(a);
    const evalB = await key.server.blindEvaluate(b);
    expect(toBase64(evalA.proof!.serialize())).not.toBe(toBase64(evalB.proof!.serialize()));
    expect(toBase64((await client.finalize(finA, evalA))[0]!)).toBe(toBase64((await client.finalize(finB, evalB))[0]!));
  });

  test('its proof is refused by a client that pinned another key', async () => {
    const key = await privateScreeningKey();
    const [finData, request] = await blind(new VOPRFClient(SUITE, key.publicKey, CRYPTO), ['e@example.org']);
    const evaluation = await key.server.blindEvaluate(request);
    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
    const other = await privateScreeningKey();
    await expect(new VOPRFClient(SUITE, other.publicKey, CRYPTO).finalize(finData, evaluation)).rejects.toThrow();
  });
});

/**
 * The padding of a filter is the start of one sequence, whatever the size class: two filters of
 * different classes share the smaller one's padding, so their intersection tells nothing of how many
 * identifiers the hub holds (with padding of its own per class, it would be exactly their number).
 */
describe('the filter’s padding', () => {
  beforeAll(() => {
    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
  });
  afterAll(() => {
    delete process.env.TESSERA_PRIVATE_SCREENING_KEY;
  });

  const evaluations = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) =>
      createHash('sha256')
        .update(`entry:${from + i}`)
        .digest('hex')
        .slice(0, FILTER_ENTRY_BYTES * 2),
    );

  test('two fetches across a size class: their intersection is the smaller filter, whatever the count', async () => {
    const key = await privateScreeningKey();
    for (const [before, added] of [
      [3_000, 2_000],
      [4_000, 100],
      [1, 4_500],
    ] as const) {
      const small = paddedFilterEntries(key, evaluations(before));
      const large = paddedFilterEntries(key, [...evaluations(before), ...evaluations(added, before)]);
      expect(large.size).toBeGreaterThan(small.size);
      const inLarge = new Set(large.entries);
      const common = small.entries.filter((e) => inLarge.has(e)).length;
      // Neither `before` nor `added`: the intersection is all of the smaller filter, or that less the
      // change, which the bank learns between two fetches anyway.
      expect(common === small.size || common === before + (large.size - before - added)).toBe(true);
      expect(common).not.toBe(before);
    }
  });
});
