import fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { type BankIdentifier, type HubCall, HubUnreachable, privateScreen, whomToAsk } from '../services/entities/private-screening.client';

/**
 * A bank's private screening run (docs/screening.md "Private mode"):
 *
 *   TESSERA_URL=https://hub.example/graphql TESSERA_TOKEN=<the bank user's access token> \
 *     node -r @swc-node/register scripts/private-screening.ts book.csv [--country GB] [--public-key <base64>] [--ask-hits]
 *
 * Each batch goes with its own idempotency key; one that gets no answer (the connection dropped) is
 * sent again under the same key, up to four times, and the hub counts it once.
 *
 * `book.csv`: one identifier a line, `KIND,value` or `KIND,value,country` (as a clear screening chunk).
 * Prints `KIND,value,known|not known` per line (values normalised as the hub normalises them), then
 * the key id and public key to pin (`--public-key`). `--ask-hits` asks the clear, audited hit/no-hit
 * about the hits only, and prints whom to ask.
 */
function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
}

async function main() {
  const args = process.argv.slice(2);
  const country = option(args, '--country');
  const publicKey = option(args, '--public-key');
  const askHits = args.includes('--ask-hits');
  const file = args.find((a) => !a.startsWith('--'));
  const url = process.env.TESSERA_URL ?? 'http://localhost:4000/graphql';
  const token = process.env.TESSERA_TOKEN;
  if (!file || !token)
    throw new Error('usage: TESSERA_TOKEN=… node -r @swc-node/register scripts/private-screening.ts <book.csv> [--country XX] [--public-key B64] [--ask-hits]');
  const rows = parseCsv(fs.readFileSync(file, 'utf8'), { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  const identifiers: BankIdentifier[] = rows.map((r) => ({ kind: (r[0] ?? '').toUpperCase(), value: r[1] ?? '', country: r[2] || null }));
  // No answer (the connection failed or dropped, or what answered was not the hub's API): HubUnreachable, which the client retries.
  const call: HubCall = async <T>(query: string, variables?: Record<string, unknown>) => {
    let body: { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      body = (await res.json()) as typeof body;
    } catch (err) {
      throw new HubUnreachable(`no answer from ${url}: ${(err as Error).message}`);
    }
    if (body.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) throw new HubUnreachable(body.errors.map((e) => e.message).join('; '));
    if (body.errors?.length || !body.data)
      throw new Error(body.errors?.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') ?? `HTTP ${res.status}`);
    return body.data;
  };
  const run = await privateScreen(call, identifiers, { country, publicKey });
  for (const a of run.answers) console.log(`${a.kind},${JSON.stringify(a.value)},${a.known ? 'known' : 'not known'}`);
  console.error(
    `${run.answers.filter((a) => a.known).length} of ${run.answers.length} known; key ${run.keyId} (pin with --public-key ${run.publicKey}); filter of ${run.filterSize}`,
  );
  if (askHits) {
    for (const w of await whomToAsk(
      call,
      run.answers.filter((a) => a.known),
    ))
      console.log(`${w.kind},${JSON.stringify(w.value)},holders ${w.holderCount},ask ${w.contactableAgencies.map((c) => c.name).join('; ') || 'the hub'}`);
  }
}

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
