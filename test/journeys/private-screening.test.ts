import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { OPRFClient } from '@cloudflare/voprf-ts';
import { hitNoHitKey, identifierHash } from '../../services/entities/hit-no-hit.service';
import {
  type BankIdentifier,
  type HubCall,
  HubUnreachable,
  normaliseForScreening,
  privateScreen,
  whomToAsk,
} from '../../services/entities/private-screening.client';
import { CRYPTO, decodeFilter, MIN_FILTER_ENTRIES, oprfInput, SUITE } from '../../services/entities/private-screening.protocol';
import { privateScreeningKey, startEntriesBuilder } from '../../services/entities/private-screening.service';
import { codes, type GraphQLResult, startTestHub, type TestHub, tokenFor } from '../support/hub';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(180_000);

/**
 * Private screening: a bank learns which of its identifiers the hub knows beyond what it can see —
 * exactly the clear mode's `known` — while the hub sees only blinded group elements: neither the
 * identifiers nor their keyed hashes reach its tables or its audit trail. Under its own quota, for
 * whoever may screen in clear, with a filter built for the asking agency by the clear mode's rule.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const as =
  (persona: string): HubCall =>
  async <T>(query: string, variables?: Record<string, unknown>) => {
    const r = await hub.gql<T>(persona, query, variables);
    if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
    return r.data;
  };

const FILTER = `query { privateScreeningFilter { keyId publicKey size entryBytes entries } }`;
const EVALUATE = `mutation($input: EvaluatePrivateScreeningInput!) { evaluatePrivateScreening(input: $input) { keyId elements evaluation } }`;
/** The evaluation mutation's variables: a batch under an idempotency key (a fresh one unless given). */
const batch = (request: string, idempotencyKey = `test-batch-${randomBytes(6).toString('hex')}`) => ({ input: { request, idempotencyKey } });
const HIT = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { kind value known } }`;

/** A serialized batch of n blinded elements, as a bank's client sends it. */
async function blindedRequest(n: number, tag = randomBytes(4).toString('hex')): Promise<string> {
  const [, request] = await new OPRFClient(SUITE, CRYPTO).blind(Array.from({ length: n }, (_, i) => oprfInput('EMAIL', `${tag}.${i}@example.com`)));
  return Buffer.from(request.serialize()).toString('base64');
}

/** Every row of every table of the hub's schemas, as text, that contains `needle`: [table, count]. */
async function tablesContaining(needle: string): Promise<Array<[string, number]>> {
  const tables = await hub.db.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  const found: Array<[string, number]> = [];
  for (const { name } of tables) {
    const [{ n }] = (await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} t WHERE strpos(t::text, $1) > 0`, [needle])) as [{ n: number }];
    if (n > 0) found.push([name, n]);
  }
  return found;
}

// Albion Bank's book: what the Met holds AMBER that Albion reported too, a Romanian recruiter's email,
// the Met's AMBER_STRICT covert handset, a Romanian account, and numbers nobody holds.
const BOOK: BankIdentifier[] = [
  { kind: 'BANK_ACCOUNT', value: 'GB68 ALBN 6016 1331 9268 19' },
  { kind: 'EMAIL', value: 'Recrutare.Demo@Example.org' },
  { kind: 'PHONE', value: '+44 7700 900555' },
  { kind: 'BANK_ACCOUNT', value: 'RO26 CRPT 0000 0012 3456 7890' },
  { kind: 'PHONE', value: '07700 900731' },
  { kind: 'EMAIL', value: 'Nobody.Holds.This@Example.net' },
  { kind: 'PHONE', value: '0722 123 456', country: 'RO' },
];
const UNKNOWN = [
  ['PHONE', '+447700900731'],
  ['EMAIL', 'nobody.holds.this@example.net'],
] as const;

describe('a bank screens privately', () => {
  test('it learns what the clear mode answers, and the hub keeps neither the identifiers nor their keyed hashes', async () => {
    const run = await privateScreen(as('albion-bank'), BOOK, { country: 'GB', batchSize: 3 });
    expect(run.answers.map((a) => a.value)).toEqual(normaliseForScreening(BOOK, 'GB').map((i) => i.value));
    expect(run.evaluated).toBe(BOOK.length);
    const known = Object.fromEntries(run.answers.map((a) => [a.value, a.known]));
    expect(known).toMatchObject({ '+447700900731': false, 'nobody.holds.this@example.net': false, '+447700900555': true, GB68ALBN60161331926819: true });

    // Before anything is asked in clear: the identifiers nobody holds are nowhere in the hub's
    // tables, and no screened identifier's keyed hash is (not even in the audit trail).
    const key = hitNoHitKey();
    for (const [, value] of UNKNOWN) expect(await tablesContaining(value)).toEqual([]);
    for (const a of run.answers) expect(await tablesContaining(identifierHash(key, a.kind, a.value).slice(5))).toEqual([]);
    // The trail holds, per batch, who and how many; per filter, its size class and key.
    const events = await hub.db.query<{ subject: string; fields: string[]; agency: string }>(
      `SELECT subject_type AS subject, fields, actor_agency_id::text AS agency FROM audit.events
        WHERE subject_type IN ('PrivateScreening', 'PrivateScreeningFilter') AND actor_agency_id = $1 ORDER BY seq`,
      [hub.demo.agencies['albion-bank']!.id],
    );
    expect(events.map((e) => e.subject)).toEqual(['PrivateScreeningFilter', 'PrivateScreening', 'PrivateScreening', 'PrivateScreening']);
    // The batches go two at a time, so their events come in either order.
    const byElements = (a: string[], b: string[]) => a.join().localeCompare(b.join());
    expect(
      events
        .slice(1)
        .map((e) => e.fields)
        .sort(byElements),
    ).toEqual([1, 3, 3].map((n) => ['agencyType:FINANCIAL_INSTITUTION', `elements:${n}`, `key:${run.keyId}`, 'outcome:ANSWERED']));
    expect(events[0]!.fields).toEqual(['agencyType:FINANCIAL_INSTITUTION', `key:${run.keyId}`, `size:${run.filterSize}`]);

    // The same identifiers asked in clear get the same `known`.
    const clear = await as('albion-bank')<{ hitNoHit: Array<{ value: string; known: boolean }> }>(HIT, {
      ids: run.answers.map((a) => ({ kind: a.kind, value: a.value })),
    });
    expect(run.answers.map((a) => a.known)).toEqual(clear.hitNoHit.map((c) => c.known));
    expect(run.answers.some((a) => a.known) && run.answers.some((a) => !a.known)).toBe(true);
  });

  test('whom to ask comes from the clear, audited hit/no-hit, for the hits only', async () => {
    const run = await privateScreen(as('albion-bank'), BOOK.slice(0, 3), { country: 'GB' });
    const hits = run.answers.filter((a) => a.known);
    const next = await whomToAsk(as('albion-bank'), hits);
    expect(next.map((n) => n.value)).toEqual(hits.map((h) => h.value));
    expect(next.every((n) => n.known && n.holderCount >= 1)).toBe(true);
  });

  test('the filter is the asking agency’s: what only Albion holds is a hit for Banca Carpați, not for Albion', async () => {
    // An account only Albion Bank states (its own GREEN report), so all of it visible to Albion.
    const account = { kind: 'BANK_ACCOUNT', value: 'GB82 WEST 1234 5698 7654 32' };
    const r = await hub.gql('albion-bank', `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`, {
      input: {
        handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
        reportCode: 'STR',
        reason: 'Private screening fixture: an account only this bank reported',
        indicators: ['FUNNEL_ACCOUNT'],
        parties: [{ name: 'Fixture holder', significance: 'SUBJECT', account }],
        idempotencyKey: 'private-screening-fixture-1',
      },
    });
    expect(r.errors).toBeUndefined();
    const albion = await privateScreen(as('albion-bank'), [account]);
    const carpati = await privateScreen(as('banca-carpati'), [account]);
    expect(albion.answers[0]!.known).toBe(false);
    expect(carpati.answers[0]!.known).toBe(true);
  });

  test('the filter tells a size class, never the number of identifiers', async () => {
    const f = (await as('albion-bank')<{ privateScreeningFilter: { size: number; entryBytes: number; entries: string } }>(FILTER)).privateScreeningFilter;
    expect(f.size).toBeGreaterThanOrEqual(MIN_FILTER_ENTRIES);
    expect(Math.log2(f.size) % 1).toBe(0);
    expect(decodeFilter(f.entries).size).toBe(f.size);
    const [{ n }] = (await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities.entities`)) as [{ n: number }];
    expect(f.size).not.toBe(n);
    // Fetched again, the same filter: the padding does not fall out of an intersection.
    const again = (await as('albion-bank')<{ privateScreeningFilter: { entries: string } }>(FILTER)).privateScreeningFilter;
    expect(again.entries).toBe(f.entries);
  });
});

/** Elements counted against an agency's quota, and its PrivateScreening audit events (ANSWERED or refused). */
async function spent(slug: string): Promise<{ elements: number; events: number }> {
  const agency = hub.demo.agencies[slug]!.id;
  const [{ elements }] = (await hub.db.query<{ elements: number }>(
    `SELECT coalesce(sum(element_count), 0)::int AS elements FROM entities.private_screening_batches WHERE owner_agency_id = $1`,
    [agency],
  )) as [{ elements: number }];
  const [{ events }] = (await hub.db.query<{ events: number }>(
    `SELECT count(*)::int AS events FROM audit.events WHERE subject_type = 'PrivateScreening' AND actor_agency_id = $1`,
    [agency],
  )) as [{ events: number }];
  return { elements, events };
}

describe('a batch sent again (the connection dropped before the answer arrived)', () => {
  test('under its key: the same evaluation, counted and audited once; another batch under the key: CONFLICT, nothing counted', async () => {
    const request = await blindedRequest(3);
    const before = await spent('banca-carpati');
    const first = await hub.gql<{ evaluatePrivateScreening: { evaluation: string; elements: number } }>(
      'banca-carpati',
      EVALUATE,
      batch(request, 'resent-batch-1'),
    );
    expect(first.errors).toBeUndefined();
    const again = await hub.gql<{ evaluatePrivateScreening: { evaluation: string; elements: number } }>(
      'banca-carpati',
      EVALUATE,
      batch(request, 'resent-batch-1'),
    );
    expect(again.data!.evaluatePrivateScreening).toEqual(first.data!.evaluatePrivateScreening);
    expect(await spent('banca-carpati')).toEqual({ elements: before.elements + 3, events: before.events + 1 });

    const other = await hub.gql('banca-carpati', EVALUATE, batch(await blindedRequest(3), 'resent-batch-1'));
    expect(codes(other)).toEqual(['CONFLICT']);
    expect(other.errors![0]!.extensions!.field).toBe('input.idempotencyKey');
    expect(await spent('banca-carpati')).toEqual({ elements: before.elements + 3, events: before.events + 1 });
    // The key is the agency's: another bank's batch under the same key is its own.
    expect((await hub.gql('albion-bank', EVALUATE, batch(await blindedRequest(1), 'resent-batch-1'))).errors).toBeUndefined();
  });

  test('two copies of one batch at once: one answer, counted once', async () => {
    const request = await blindedRequest(2);
    const before = await spent('banca-carpati');
    const [a, b] = await Promise.all(
      [0, 1].map(() => hub.gql<{ evaluatePrivateScreening: { evaluation: string } }>('banca-carpati', EVALUATE, batch(request, 'racing-batch-1'))),
    );
    expect(a!.errors).toBeUndefined();
    expect(b!.data).toEqual(a!.data);
    expect(await spent('banca-carpati')).toEqual({ elements: before.elements + 2, events: before.events + 1 });
  });

  test('without an idempotency key, or with one that is not one: BAD_USER_INPUT, nothing counted', async () => {
    const request = await blindedRequest(1);
    const before = await spent('albion-bank');
    for (const idempotencyKey of ['', 'short', 'has spaces in it'])
      expect(codes(await hub.gql('albion-bank', EVALUATE, { input: { request, idempotencyKey } }))).toEqual(['BAD_USER_INPUT']);
    expect(await spent('albion-bank')).toEqual(before);
  });

  test('after a key rotation the old batch is not evaluated under the new key: CONFLICT, which says to screen again', async () => {
    const request = await blindedRequest(1);
    expect((await hub.gql('banca-carpati', EVALUATE, batch(request, 'before-rotation-1'))).errors).toBeUndefined();
    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
    try {
      const r = await hub.gql('banca-carpati', EVALUATE, batch(request, 'before-rotation-1'));
      expect(codes(r)).toEqual(['CONFLICT']);
      expect(r.errors![0]!.message).toMatch(/screen again/);
    } finally {
      delete process.env.TESSERA_PRIVATE_SCREENING_KEY;
    }
  });

  test('the client sends each batch under its own key and, when the answer is lost, again under the same key: the quota pays once', async () => {
    const lost = new Set<string>();
    // Delivers every evaluation to the hub, and loses the first answer of each batch on the way back.
    const dropping: HubCall = async <T>(query: string, variables?: Record<string, unknown>) => {
      const answer = await as('banca-carpati')<T>(query, variables);
      const key = (variables?.input as { idempotencyKey?: string } | undefined)?.idempotencyKey;
      if (key && !lost.has(key)) {
        lost.add(key);
        throw new HubUnreachable('the connection dropped');
      }
      return answer;
    };
    const before = await spent('banca-carpati');
    const run = await privateScreen(dropping, BOOK, { country: 'GB', batchSize: 3, retryDelayMs: 0 });
    expect(lost.size).toBe(3);
    expect(await spent('banca-carpati')).toEqual({ elements: before.elements + BOOK.length, events: before.events + 3 });
    const clear = await as('banca-carpati')<{ hitNoHit: Array<{ known: boolean }> }>(HIT, { ids: run.answers.map((a) => ({ kind: a.kind, value: a.value })) });
    expect(run.answers.map((a) => a.known)).toEqual(clear.hitNoHit.map((c) => c.known));
  });
});

describe('the bank’s command', () => {
  test('scripts/private-screening.ts screens a CSV file, pins the key and asks whom to ask about the hits only', async () => {
    const dir = tempDir('tessera-private-screening');
    const book = path.join(dir, 'book.csv');
    fs.writeFileSync(book, ['PHONE,+44 7700 900555', 'EMAIL,Nobody.Holds.This@Example.net', 'PHONE,0722 123 456,RO'].join('\n'));
    const env = { ...process.env, TESSERA_URL: hub.url, TESSERA_TOKEN: await tokenFor('albion-bank') };
    const script = path.join(__dirname, '..', '..', 'scripts', 'private-screening.ts');
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ['-r', '@swc-node/register', script, ...args], { env, cwd: path.join(__dirname, '..', '..') });
    const first = await run([book, '--country', 'GB', '--ask-hits']);
    const lines = first.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['PHONE,"+447700900555",known', 'EMAIL,"nobody.holds.this@example.net",not known', 'PHONE,"+40722123456",known']);
    // Whom to ask: the two hits only, through the clear hit/no-hit.
    expect(lines.slice(3).map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['PHONE,"+447700900555"', 'PHONE,"+40722123456"']);
    const pin = /--public-key (\S+)\)/.exec(first.stderr)![1]!;
    const again = await run([book, '--country', 'GB', '--public-key', pin]);
    expect(again.stdout.trim().split('\n')).toEqual(lines.slice(0, 3));
    await expect(run([book, '--public-key', Buffer.alloc(32, 1).toString('base64')])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/not the pinned key/),
    });
  });
});

describe('the bank’s command when the connection drops', () => {
  test('a batch whose answer was lost is sent again under its key: the right answers, the quota counted once', async () => {
    // Between the command and the hub: forwards every request, and cuts the connection instead of
    // delivering the hub's answer to the first evaluation.
    let cut = 0;
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        void fetch(hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: req.headers.authorization! }, body }).then(
          async (answer) => {
            const text = await answer.text();
            if (body.includes('evaluatePrivateScreening') && cut++ === 0) req.socket.destroy();
            else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
          },
        );
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const dir = tempDir('tessera-private-screening');
      const book = path.join(dir, 'book.csv');
      fs.writeFileSync(book, ['PHONE,+44 7700 900555', 'EMAIL,Nobody.Holds.This@Example.net'].join('\n'));
      const before = await spent('albion-bank');
      const { port } = proxy.address() as { port: number };
      const env = { ...process.env, TESSERA_URL: `http://127.0.0.1:${port}/graphql`, TESSERA_TOKEN: await tokenFor('albion-bank') };
      const script = path.join(__dirname, '..', '..', 'scripts', 'private-screening.ts');
      const out = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', script, book, '--country', 'GB'], {
        env,
        cwd: path.join(__dirname, '..', '..'),
      });
      expect(cut).toBe(2);
      expect(out.stdout.trim().split('\n')).toEqual(['PHONE,"+447700900555",known', 'EMAIL,"nobody.holds.this@example.net",not known']);
      expect(await spent('albion-bank')).toEqual({ elements: before.elements + 2, events: before.events + 1 });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('who may', () => {
  test.each(['safe-passage', 'met-police', 'spitalul-iasi', 'tessera-hub', 'tessera-admin', 'albion-bank:VIEWER'])(
    '%s: FORBIDDEN for the key, the evaluation and the filter',
    async (persona) => {
      expect(codes(await hub.gql(persona, `{ privateScreeningKey { keyId } }`))).toEqual(['FORBIDDEN']);
      expect(codes(await hub.gql(persona, EVALUATE, batch(await blindedRequest(2))))).toEqual(['FORBIDDEN']);
      expect(codes(await hub.gql(persona, FILTER))).toEqual(['FORBIDDEN']);
    },
  );
});

describe('bad input and the quota', () => {
  test('a request that is not blinded elements of the suite: BAD_USER_INPUT, nothing counted', async () => {
    const before = await used('albion-bank');
    for (const request of ['not base64!', Buffer.from('hello').toString('base64'), '', (await blindedRequest(1)) + 'AAAA']) {
      const r = await hub.gql('albion-bank', EVALUATE, batch(request));
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await used('albion-bank')).toBe(before);
  });

  const used = async (slug: string) =>
    (
      await hub.db.query<{ n: number }>(
        `SELECT coalesce(sum(element_count), 0)::int AS n FROM entities.private_screening_batches WHERE owner_agency_id = $1 AND created_at > now() - interval '1 day'`,
        [hub.demo.agencies[slug]!.id],
      )
    )[0]!.n;

  test('elements per agency per day: over it, RATE_LIMITED with when to retry, audited, not counted', async () => {
    const quota = (await used('banca-carpati')) + 3;
    process.env.TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY = String(quota);
    try {
      const ok = await hub.gql<{ evaluatePrivateScreening: { elements: number } }>('banca-carpati', EVALUATE, batch(await blindedRequest(2)));
      expect(ok.data!.evaluatePrivateScreening.elements).toBe(2);
      const over: GraphQLResult = await hub.gql('banca-carpati', EVALUATE, batch(await blindedRequest(2)));
      expect(codes(over)).toEqual(['RATE_LIMITED']);
      expect(over.errors![0]!.extensions!.retryAfterSeconds as number).toBeGreaterThan(86_000);
      expect(codes(await hub.gql('banca-carpati', EVALUATE, batch(await blindedRequest(quota + 1))))).toEqual(['BAD_USER_INPUT']);
    } finally {
      delete process.env.TESSERA_PRIVATE_SCREENING_AGENCY_PER_DAY;
    }
    expect(await used('banca-carpati')).toBe(quota - 1);
    const refused = await hub.db.query<{ fields: string[] }>(
      `SELECT fields FROM audit.events WHERE subject_type = 'PrivateScreening' AND actor_agency_id = $1 AND 'outcome:RATE_LIMITED' = ANY (fields) ORDER BY seq`,
      [hub.demo.agencies['banca-carpati']!.id],
    );
    expect(refused.map((e) => e.fields.find((f) => f.startsWith('elements:')))).toEqual(['elements:2', `elements:${quota + 1}`]);
  });
});

describe('the key', () => {
  test('after a rotation (a restart) the hub builds the new key’s entries in the background, as its runtime role: the first filter evaluates none', async () => {
    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
    try {
      const { keyId } = await privateScreeningKey();
      const stored = async () =>
        (await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities.private_screening_entries WHERE key_id = $1`, [keyId]))[0]!.n;
      const missing = async () =>
        (
          await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM entities.private_screening_identifiers('{}'::uuid[], $1) WHERE entry IS NULL`, [
            keyId,
          ])
        )[0]!.n;
      expect(await stored()).toBe(0);
      const builder = startEntriesBuilder(hub.appDb);
      await builder.idle();
      await builder.stop();
      expect(await missing()).toBe(0);
      const built = await stored();
      expect(built).toBeGreaterThan(0);
      // The first bank's filter finds every entry made: it stores none, and answers as the clear mode does.
      const run = await privateScreen(as('banca-carpati'), BOOK, { country: 'GB' });
      expect(run.keyId).toBe(keyId);
      expect(await stored()).toBe(built);
      const clear = await as('banca-carpati')<{ hitNoHit: Array<{ known: boolean }> }>(HIT, {
        ids: run.answers.map((a) => ({ kind: a.kind, value: a.value })),
      });
      expect(run.answers.map((a) => a.known)).toEqual(clear.hitNoHit.map((c) => c.known));
    } finally {
      delete process.env.TESSERA_PRIVATE_SCREENING_KEY;
    }
  });

  test('another key evaluates to other outputs; a client pinned to the old key refuses the new one', async () => {
    const call = as('banca-carpati');
    const before = (await call<{ privateScreeningFilter: { keyId: string; publicKey: string; entries: string } }>(FILTER)).privateScreeningFilter;
    const request = await blindedRequest(3, 'same');
    const evalBefore = (await call<{ evaluatePrivateScreening: { evaluation: string } }>(EVALUATE, batch(request))).evaluatePrivateScreening;
    process.env.TESSERA_PRIVATE_SCREENING_KEY = randomBytes(32).toString('base64url');
    try {
      const after = (await call<{ privateScreeningFilter: { keyId: string; entries: string } }>(FILTER)).privateScreeningFilter;
      expect(after.keyId).not.toBe(before.keyId);
      const old = decodeFilter(before.entries);
      expect([...decodeFilter(after.entries)].filter((e) => old.has(e))).toEqual([]);
      const evalAfter = (await call<{ evaluatePrivateScreening: { keyId: string; evaluation: string } }>(EVALUATE, batch(request))).evaluatePrivateScreening;
      expect(evalAfter.keyId).toBe(after.keyId);
      // The first 2 + 3 × 32 bytes are the evaluated elements (the proof follows them).
      const elements = (b64: string) =>
        Buffer.from(b64, 'base64')
          .subarray(0, 2 + 3 * 32)
          .toString('hex');
      expect(elements(evalAfter.evaluation)).not.toBe(elements(evalBefore.evaluation));
      await expect(privateScreen(call, BOOK.slice(0, 1), { publicKey: before.publicKey })).rejects.toThrow(/not the pinned key/);
      // Under the new key, answers are the same.
      const run = await privateScreen(call, BOOK.slice(0, 3), { country: 'GB' });
      const clear = await call<{ hitNoHit: Array<{ known: boolean }> }>(HIT, { ids: run.answers.map((a) => ({ kind: a.kind, value: a.value })) });
      expect(run.answers.map((a) => a.known)).toEqual(clear.hitNoHit.map((c) => c.known));
    } finally {
      delete process.env.TESSERA_PRIVATE_SCREENING_KEY;
    }
  });
});
