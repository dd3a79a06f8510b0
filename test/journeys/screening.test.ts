import { hitNoHitKey, identifierHash } from '../../services/entities/hit-no-hit.service';
import { eraseScreeningAnswers } from '../../services/entities/screening.service';
import { loadConfig } from '../../services/kernel/config';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

jest.setTimeout(120_000);

/**
 * Bulk screening: a bank submits its customer book as a job in chunks, follows it, and reads for
 * each identifier exactly what hit/no-hit answers (known beyond what it sees, how many hold it, whom
 * to ask), never what is held; under its own daily quota, on the audit trail as keyed hashes.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

type Id = { kind: string; value: string; country?: string };
type Answer = { kind: string; value: string; known: boolean; holderCount: number; contactableAgencies: Array<{ id: string }> };
type Job = { id: string; reference: string; status: string; chunkCount: number; identifierCount: number; knownCount: number };

const JOB = 'id reference status chunkCount identifierCount knownCount';
const CREATE = `mutation($ref: String!) { createScreeningJob(reference: $ref) { ${JOB} } }`;
const APPEND = `mutation($job: ID!, $chunk: Int!, $ids: [IdentifierInput!]!) { appendScreeningChunk(jobId: $job, chunk: $chunk, identifiers: $ids) { ${JOB} } }`;
const CLOSE = `mutation($job: ID!) { closeScreeningJob(jobId: $job) { ${JOB} } }`;
const RESULTS = `query($job: ID!, $first: Int!, $after: String, $onlyKnown: Boolean!) {
  screeningJob(id: $job) { results(first: $first, after: $after, onlyKnown: $onlyKnown) {
    nodes { chunk index kind value known holderCount contactableAgencies { id } } pageInfo { hasNextPage endCursor } } } }`;
const HIT = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { kind value known holderCount contactableAgencies { id } } }`;

async function must<T>(persona: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
  return r.data;
}

const create = async (persona: string, ref: string) => (await must<{ createScreeningJob: Job }>(persona, CREATE, { ref })).createScreeningJob;
const append = (persona: string, job: string, chunk: number, ids: Id[]) => hub.gql<{ appendScreeningChunk: Job }>(persona, APPEND, { job, chunk, ids });

/** Every result of a job, page by page. */
async function allResults(persona: string, job: string, pageSize: number, onlyKnown = false) {
  const out: Array<Answer & { chunk: number; index: number }> = [];
  let after: string | null = null;
  for (;;) {
    type Page = { screeningJob: { results: { nodes: typeof out; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
    const page: Page = await must<Page>(persona, RESULTS, { job, first: pageSize, after, onlyKnown });
    out.push(...page.screeningJob.results.nodes);
    if (!page.screeningJob.results.pageInfo.hasNextPage) return out;
    after = page.screeningJob.results.pageInfo.endCursor;
  }
}

const BOOK: Id[] = [
  { kind: 'BANK_ACCOUNT', value: 'GB68 ALBN 6016 1331 9268 19' }, // its own report; the Met's AMBER statement it cannot see
  { kind: 'EMAIL', value: 'Recrutare.Demo@Example.org' },
  { kind: 'PHONE', value: '07700 900001' }, // nobody's
  { kind: 'BANK_ACCOUNT', value: 'RO26 CRPT 0000 0012 3456 7890' },
  { kind: 'PHONE', value: '+44 7700 900555' }, // the Met's AMBER_STRICT covert handset: counted, never named
];

describe('a bank screens its customer book', () => {
  let job: Job;
  beforeAll(async () => {
    job = await create('albion-bank', 'kyc-book-2026-12');
    expect(job).toMatchObject({ status: 'OPEN', chunkCount: 0, identifierCount: 0 });
  });

  test('chunks in any order; each identifier answered exactly as hit/no-hit answers it', async () => {
    const second = await append('albion-bank', job.id, 1, BOOK.slice(3));
    expect(second.errors).toBeUndefined();
    const first = await append('albion-bank', job.id, 0, BOOK.slice(0, 3));
    expect(first.data!.appendScreeningChunk).toMatchObject({ chunkCount: 2, identifierCount: 5 });

    const results = await allResults('albion-bank', job.id, 2);
    expect(results.map((r) => [r.chunk, r.index])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
    ]);
    const hit = await must<{ hitNoHit: Answer[] }>('albion-bank', HIT, { ids: BOOK });
    expect(results.map(({ chunk: _c, index: _i, ...answer }) => answer)).toEqual(hit.hitNoHit);
    expect(results[0]).toMatchObject({ value: 'GB68ALBN60161331926819', known: true, holderCount: 1 });
    expect(results[2]).toMatchObject({ value: '+447700900001', known: false, holderCount: 0, contactableAgencies: [] });
    expect(results[4]).toMatchObject({ known: true, holderCount: 1, contactableAgencies: [] });
    const known = results.filter((r) => r.known).length;
    expect(first.data!.appendScreeningChunk.knownCount).toBe(known);
    // Only the hits, for a bank that wants only those.
    expect(await allResults('albion-bank', job.id, 1, true)).toEqual(results.filter((r) => r.known));
  });

  test('an identifier only the bank itself holds is not known; one it holds with others is known by the others alone', async () => {
    const own = { kind: 'BANK_ACCOUNT', value: '20-00-00 44445555' };
    const report = await hub.gql('albion-bank', `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`, {
      input: {
        idempotencyKey: 'screening-own-account-1',
        handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
        reportCode: 'SAR',
        reason: 'Screening journey: an account only this bank has reported, paid in cash late at night.',
        indicators: ['CASH_OUTSIDE_HOURS'],
        amount: 1500.5,
        currency: 'GBP',
        dateFrom: '2026-01-01',
        dateTo: '2026-01-31',
        parties: [{ name: 'Screening subject', significance: 'SUBJECT', account: own }],
      },
    });
    expect(report.errors).toBeUndefined();
    const mixed = await create('albion-bank', 'own-and-others-0001');
    const ids = [own, BOOK[0]!, own, BOOK[2]!];
    expect((await append('albion-bank', mixed.id, 0, ids)).errors).toBeUndefined();
    const results = await allResults('albion-bank', mixed.id, 10);
    expect(results.map((r) => r.known)).toEqual([false, true, false, false]);
    const hit = await must<{ hitNoHit: Answer[] }>('albion-bank', HIT, { ids });
    expect(results.map(({ chunk: _c, index: _i, ...answer }) => answer)).toEqual(hit.hitNoHit);
  });

  test('the answer carries no case, marking or note, only agencies’ ids', async () => {
    const r = await hub.gql('albion-bank', RESULTS, { job: job.id, first: 100, after: null, onlyKnown: false });
    const json = JSON.stringify(r);
    for (const secret of ['AMBER', 'RED', 'Covert source', 'MPS-2026-0533', hub.demo.ids['case:strict']!]) expect(json).not.toContain(secret);
    const agencyIds = new Set(Object.values(hub.demo.agencies).map((a) => a.id));
    for (const uuid of json.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) expect(agencyIds).toContain(uuid);
  });

  test('a chunk sent again changes nothing; another chunk under its number is a conflict', async () => {
    const again = await append('albion-bank', job.id, 0, BOOK.slice(0, 3));
    expect(again.data!.appendScreeningChunk).toMatchObject({ chunkCount: 2, identifierCount: 5 });
    const other = await append('albion-bank', job.id, 0, BOOK.slice(1, 4));
    expect(codes(other)).toEqual(['CONFLICT']);
    // The same reference answers the same job.
    expect((await create('albion-bank', 'kyc-book-2026-12')).id).toBe(job.id);
    const byRef = await must<{ screeningJob: Job }>('albion-bank', `query { screeningJob(reference: "kyc-book-2026-12") { ${JOB} } }`, {});
    expect(byRef.screeningJob.id).toBe(job.id);
  });

  test('every chunk is one audit event with counts and keyed hashes, never the identifiers', async () => {
    const events = await hub.db.query<{ fields: string[] }>(
      `SELECT fields FROM audit.events WHERE subject_type = 'ScreeningJob' AND subject_id = $1 AND action = 'CONSULT' ORDER BY seq`,
      [job.id],
    );
    expect(events).toHaveLength(2);
    const key = hitNoHitKey();
    expect(events[0]!.fields).toEqual(
      expect.arrayContaining([
        'agencyType:FINANCIAL_INSTITUTION',
        'chunk:1',
        'identifiers:2',
        'outcome:ANSWERED',
        identifierHash(key, 'PHONE', '+447700900555'),
      ]),
    );
    expect(events[1]!.fields).toEqual(expect.arrayContaining(['chunk:0', 'identifiers:3', identifierHash(key, 'BANK_ACCOUNT', 'GB68ALBN60161331926819')]));
    const stored = JSON.stringify(await hub.db.query(`SELECT * FROM audit.events WHERE subject_id = $1`, [job.id]));
    for (const value of ['GB68ALBN60161331926819', 'recrutare.demo@example.org', '+447700900001']) expect(stored).not.toContain(value);
    // Through the API the hashes stay hidden, from the bank and from the hub's supervisors: anyone
    // able to ask could learn any value's hash from their own events and match it against others'.
    for (const persona of ['albion-bank:SUPERVISOR', 'tessera-hub:SUPERVISOR']) {
      const trail = await must<{ auditTrail: { nodes: Array<{ fields: string[]; records: Array<{ fields: string[] }> }> } }>(
        persona,
        `query($id: ID!) { auditTrail(filter: { subjectType: "ScreeningJob", subjectId: $id, action: CONSULT }) { nodes { fields records { fields } } } }`,
        { id: job.id },
      );
      const shown = trail.auditTrail.nodes;
      // Newest first.
      expect(shown.map((e) => e.fields.filter((f) => f.startsWith('chunk:') || f.startsWith('identifiers:')).sort())).toEqual([
        ['chunk:0', 'identifiers:3'],
        ['chunk:1', 'identifiers:2'],
      ]);
      expect(JSON.stringify(shown)).not.toMatch(/hmac:/);
    }
  });

  test('closed, it takes no more chunks, and lists with the agency’s jobs', async () => {
    const closed = await must<{ closeScreeningJob: Job }>('albion-bank', CLOSE, { job: job.id });
    expect(closed.closeScreeningJob).toMatchObject({ status: 'CLOSED', identifierCount: 5 });
    expect(codes(await append('albion-bank', job.id, 2, [{ kind: 'EMAIL', value: 'late@example.com' }]))).toEqual(['CONFLICT']);
    const list = await must<{ screeningJobs: Job[] }>('albion-bank', `{ screeningJobs { ${JOB} } }`, {});
    expect(list.screeningJobs.map((j) => j.id)).toContain(job.id);
  });

  test('a viewer follows the job but cannot add to it', async () => {
    const r = await hub.gql<{ screeningJob: Job }>('albion-bank:VIEWER', `query($id: ID!) { screeningJob(id: $id) { status } }`, { id: job.id });
    expect(r.data!.screeningJob.status).toBe('CLOSED');
    expect(codes(await hub.gql('albion-bank:VIEWER', CREATE, { ref: 'viewer-job-0001' }))).toEqual(['FORBIDDEN']);
  });

  test('a chunk’s identifiers and answers are erased once past their time; the job keeps its counts', async () => {
    const before = await allResults('albion-bank', job.id, 100);
    expect(before.map((r) => r.chunk).sort()).toEqual([0, 0, 0, 1, 1]);
    // Chunk 0 was answered longer ago than the answers are kept; chunk 1 a day less.
    const days = loadConfig().screeningAnswersDays;
    for (const [chunk, age] of [
      [0, days + 1],
      [1, days - 1],
    ] as const) {
      await hub.db.query(`UPDATE entities.screening_chunks SET created_at = now() - make_interval(days => $3) WHERE job_id = $1 AND chunk_number = $2`, [
        job.id,
        chunk,
        age,
      ]);
    }
    // As the entities subgraph's sweep runs it: the hub's own role, no actor.
    expect(await eraseScreeningAnswers(hub.appDb)).toBe(1);
    expect(await eraseScreeningAnswers(hub.appDb)).toBe(0);
    // The erasure is on the audit trail: the hub's own, no agency or user, naming the job and its owner.
    const erasures = await hub.db.query<{ actor_user_id: string | null; actor_agency_id: string | null; record_owner_agency_id: string; fields: string[] }>(
      `SELECT actor_user_id, actor_agency_id, record_owner_agency_id, fields FROM audit.events WHERE action = 'ERASE' AND subject_type = 'ScreeningJob' AND subject_id = $1`,
      [job.id],
    );
    expect(erasures).toEqual([
      {
        actor_user_id: null,
        actor_agency_id: null,
        record_owner_agency_id: hub.demo.agencies['albion-bank']!.id,
        fields: ['answers', 'chunks:1', 'identifiers'],
      },
    ]);
    expect(await allResults('albion-bank', job.id, 100)).toEqual(before.filter((r) => r.chunk === 1));
    const kept = await hub.db.query<{ chunk_number: number; identifier_count: number; vals: string[] }>(
      `SELECT chunk_number, identifier_count, vals FROM entities.screening_chunks WHERE job_id = $1 ORDER BY chunk_number`,
      [job.id],
    );
    expect(kept.map((c) => [c.chunk_number, c.identifier_count, c.vals.length])).toEqual([
      [0, 3, 0],
      [1, 2, 2],
    ]);
    const again = await must<{ screeningJob: Job }>('albion-bank', `query($id: ID!) { screeningJob(id: $id) { ${JOB} } }`, { id: job.id });
    expect(again.screeningJob).toMatchObject({ chunkCount: 2, identifierCount: 5 });
  });
});

describe('chunks sent at once', () => {
  test('each is answered once and counted once; the same chunk twice at once is answered once; another under its number is a conflict', async () => {
    const job = await create('albion-bank', 'at-once-job-0001');
    const chunk = (n: number): Id[] => [BOOK[n % BOOK.length]!, { kind: 'EMAIL', value: `at.once.${n}@screening.example.com` }];
    const other: Id[] = [{ kind: 'EMAIL', value: 'at.once.other@screening.example.com' }];
    const sent = await Promise.all([...[0, 1, 2, 3, 2, 3, 4].map((n) => append('albion-bank', job.id, n, chunk(n))), append('albion-bank', job.id, 4, other)]);
    for (const r of sent.slice(0, 6)) expect(r.errors).toBeUndefined();
    // Of the two chunks 4 sent at once, the first to reach the database is answered, the other is a conflict.
    expect(
      sent
        .slice(6)
        .map((r) => codes(r)[0] ?? 'ANSWERED')
        .sort(),
    ).toEqual(['ANSWERED', 'CONFLICT']);
    const answered4 = sent[6]!.errors ? other : chunk(4);

    const [row] = await hub.db.query<Record<string, number>>(
      `SELECT chunk_count AS chunks, identifier_count AS identifiers, known_count AS known FROM entities.screening_jobs WHERE id = $1`,
      [job.id],
    );
    const asked = [0, 1, 2, 3].flatMap(chunk).concat(answered4);
    const results = await allResults('albion-bank', job.id, 100);
    expect(row).toEqual({ chunks: 5, identifiers: asked.length, known: results.filter((r) => r.known).length });
    const hit = await must<{ hitNoHit: Answer[] }>('albion-bank', HIT, { ids: asked });
    expect(results.map(({ chunk: _c, index: _i, ...answer }) => answer)).toEqual(hit.hitNoHit);
    // One audit event per chunk answered.
    const events = await hub.db.query<{ fields: string[] }>(
      `SELECT fields FROM audit.events WHERE subject_type = 'ScreeningJob' AND subject_id = $1 AND action = 'CONSULT'`,
      [job.id],
    );
    expect(events.map((e) => e.fields.find((f) => f.startsWith('chunk:'))).sort()).toEqual(['chunk:0', 'chunk:1', 'chunk:2', 'chunk:3', 'chunk:4']);
  });
});

describe('reading a job’s results page by page', () => {
  type Result = Answer & { chunk: number; index: number };
  type Page = { screeningJob: { results: { nodes: Result[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } };
  const page = async (job: string, first: number, after: string | null, onlyKnown: boolean) =>
    (await must<Page>('albion-bank', RESULTS, { job, first, after, onlyKnown })).screeningJob.results;
  const unknown = (n: number): Id => ({ kind: 'EMAIL', value: `nobody.${n}@screening.example.com` });
  // Chunks with known identifiers at their ends and in their middles, a chunk of none known, a gap in the numbers.
  const CHUNKS: Array<[number, Id[]]> = [
    [0, [BOOK[0]!, unknown(1), unknown(2), BOOK[1]!]],
    [1, [unknown(3), unknown(4)]],
    [2, [BOOK[3]!, BOOK[4]!, unknown(5), BOOK[0]!]],
    [5, [unknown(6), BOOK[1]!]],
  ];
  let job: Job;
  let all: Result[];
  beforeAll(async () => {
    job = await create('albion-bank', 'paging-job-0001');
    for (const [n, ids] of CHUNKS) expect((await append('albion-bank', job.id, n, ids)).errors).toBeUndefined();
    all = (await page(job.id, 100, null, false)).nodes;
  });

  test('one page holds every answer in the order sent, each as hit/no-hit answers it', async () => {
    expect(all.map((r) => [r.chunk, r.index])).toEqual(CHUNKS.flatMap(([n, ids]) => ids.map((_, i) => [n, i])));
    const hit = await must<{ hitNoHit: Answer[] }>('albion-bank', HIT, { ids: CHUNKS.flatMap(([, ids]) => ids) });
    expect(all.map(({ chunk: _c, index: _i, ...answer }) => answer)).toEqual(hit.hitNoHit);
    expect(all.filter((r) => r.known).map((r) => [r.chunk, r.index])).toEqual([
      [0, 0],
      [0, 3],
      [2, 0],
      [2, 1],
      [2, 3],
      [5, 1],
    ]);
  });

  test('pages of every size span chunk boundaries and end on a last page that says so', async () => {
    for (const onlyKnown of [false, true]) {
      const expected = onlyKnown ? all.filter((r) => r.known) : all;
      for (let size = 1; size <= expected.length + 1; size++) {
        const pages = [];
        let after: string | null = null;
        for (;;) {
          const p = await page(job.id, size, after, onlyKnown);
          pages.push(p);
          if (!p.pageInfo.hasNextPage) break;
          after = p.pageInfo.endCursor;
        }
        expect(pages.flatMap((p) => p.nodes)).toEqual(expected);
        // Every page is full but the last, which holds what remains and has no next page.
        expect(pages.map((p) => p.nodes.length)).toEqual(
          Array.from({ length: Math.ceil(expected.length / size) }, (_, i) => Math.min(size, expected.length - i * size)),
        );
        for (const p of pages) expect(p.pageInfo.endCursor).toBe(`${p.nodes.at(-1)!.chunk}:${p.nodes.at(-1)!.index}`);
      }
    }
  });

  test('a page starts right after any cursor, known or not, in either mode', async () => {
    for (const [i, r] of all.entries()) {
      const after = `${r.chunk}:${r.index}`;
      const rest = await page(job.id, 3, after, false);
      expect(rest.nodes).toEqual(all.slice(i + 1, i + 4));
      expect(rest.pageInfo.hasNextPage).toBe(i + 4 < all.length);
      const known = all.slice(i + 1).filter((x) => x.known);
      const hits = await page(job.id, 2, after, true);
      expect(hits.nodes).toEqual(known.slice(0, 2));
      expect(hits.pageInfo.hasNextPage).toBe(known.length > 2);
    }
    // After the last answer: an empty last page.
    expect(await page(job.id, 5, '5:1', false)).toEqual({ nodes: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('the quota', () => {
  const withQuota = async <T>(perDay: number, fn: () => Promise<T>): Promise<T> => {
    process.env.TESSERA_SCREENING_AGENCY_PER_DAY = String(perDay);
    try {
      return await fn();
    } finally {
      delete process.env.TESSERA_SCREENING_AGENCY_PER_DAY;
    }
  };
  const ids = (n: number, tag: string): Id[] => Array.from({ length: n }, (_, i) => ({ kind: 'EMAIL', value: `quota.${tag}.${i}@example.com` }));

  /** Distinct identifiers the agency screened in the last 24 hours (its answered chunks). */
  const usedToday = async (slug: string) =>
    (
      await hub.db.query<{ n: number }>(
        `SELECT coalesce(sum(identifier_count), 0)::int AS n FROM entities.screening_chunks WHERE owner_agency_id = $1 AND created_at > now() - interval '1 day'`,
        [hub.demo.agencies[slug]!.id],
      )
    )[0]!.n;

  test('distinct identifiers per agency per day: over it, RATE_LIMITED with when to retry, audited, nothing stored', async () => {
    const job = await create('banca-carpati', 'quota-job-0001');
    // Room for 3 more of Banca Carpați's and 1 more of Albion's, whatever they screened before.
    const used = await usedToday('banca-carpati');
    const quota = Math.max(used + 3, (await usedToday('albion-bank')) + 1);
    const room = quota - used;
    await withQuota(quota, async () => {
      const ok = await append('banca-carpati', job.id, 0, [...ids(3, 'a'), ...ids(3, 'a')]);
      expect(ok.data!.appendScreeningChunk).toMatchObject({ identifierCount: 6 });
      const over: GraphQLResult = await append('banca-carpati', job.id, 1, ids(room - 2, 'b'));
      expect(codes(over)).toEqual(['RATE_LIMITED']);
      const retry = over.errors![0]!.extensions!.retryAfterSeconds as number;
      expect(retry).toBeGreaterThan(86_000);
      expect(retry).toBeLessThanOrEqual(86_400);
      // More than the quota on its own can never fit.
      expect(codes(await append('banca-carpati', job.id, 2, ids(quota + 1, 'c')))).toEqual(['BAD_USER_INPUT']);
      // Another agency has its own quota.
      const other = await create('albion-bank', 'quota-job-0002');
      expect((await append('albion-bank', other.id, 0, ids(1, 'd'))).errors).toBeUndefined();
    });
    const [j] = await hub.db.query<{ n: number }>(`SELECT identifier_count AS n FROM entities.screening_jobs WHERE id = $1`, [job.id]);
    expect(j!.n).toBe(6);
    // Both refusals are on the trail, with what was asked.
    const refused = await hub.db.query<{ fields: string[] }>(
      `SELECT fields FROM audit.events WHERE subject_id = $1 AND 'outcome:RATE_LIMITED' = ANY (fields) ORDER BY seq`,
      [job.id],
    );
    expect(refused.map((e) => e.fields.find((f) => f.startsWith('identifiers:')))).toEqual([`identifiers:${room - 2}`, `identifiers:${quota + 1}`]);
  });

  test('chunks sent at once count each other: of two that fit only alone, one is answered and the other RATE_LIMITED', async () => {
    const job = await create('banca-carpati', 'quota-job-0003');
    const quota = (await usedToday('banca-carpati')) + 3;
    const sent = await withQuota(quota, () => Promise.all([append('banca-carpati', job.id, 0, ids(2, 'f')), append('banca-carpati', job.id, 1, ids(2, 'g'))]));
    expect(sent.map((r) => codes(r)[0] ?? 'ANSWERED').sort()).toEqual(['ANSWERED', 'RATE_LIMITED']);
    const [j] = await hub.db.query<{ n: number; chunks: number }>(
      `SELECT identifier_count AS n, chunk_count AS chunks FROM entities.screening_jobs WHERE id = $1`,
      [job.id],
    );
    expect(j).toEqual({ n: 2, chunks: 1 });
    expect(await usedToday('banca-carpati')).toBe(quota - 1);
    // The refused chunk left nothing but its refusal on the trail.
    const stored = await hub.db.query(`SELECT chunk_number FROM entities.screening_chunks WHERE job_id = $1`, [job.id]);
    expect(stored).toHaveLength(1);
    const outcomes = await hub.db.query<{ fields: string[] }>(`SELECT fields FROM audit.events WHERE subject_id = $1 AND action = 'CONSULT'`, [job.id]);
    expect(outcomes.map((e) => e.fields.find((f) => f.startsWith('outcome:'))).sort()).toEqual(['outcome:ANSWERED', 'outcome:RATE_LIMITED']);
  });

  test('a chunk may come as CSV, answered as the same list would be', async () => {
    const job = await create('albion-bank', 'csv-job-0001');
    const csv = [
      'BANK_ACCOUNT,GB68 ALBN 6016 1331 9268 19',
      'email,Recrutare.Demo@Example.org',
      'PHONE,0722 123 456,RO',
      '"ADDRESS","1 High St, Leeds"',
      '"ADDRESS","Flat ""B"", Unit 4\\5 Dock Rd"',
    ].join('\n');
    const r = await hub.gql<{ appendScreeningChunk: Job }>(
      'albion-bank',
      `mutation($job: ID!, $csv: String!) { appendScreeningChunk(jobId: $job, chunk: 0, csv: $csv) { ${JOB} } }`,
      {
        job: job.id,
        csv,
      },
    );
    expect(r.data!.appendScreeningChunk.identifierCount).toBe(5);
    const results = await allResults('albion-bank', job.id, 10);
    const hit = await must<{ hitNoHit: Answer[] }>('albion-bank', HIT, {
      ids: [
        { kind: 'BANK_ACCOUNT', value: 'GB68 ALBN 6016 1331 9268 19' },
        { kind: 'EMAIL', value: 'Recrutare.Demo@Example.org' },
        { kind: 'PHONE', value: '0722 123 456', country: 'RO' },
        { kind: 'ADDRESS', value: '1 High St, Leeds' },
        { kind: 'ADDRESS', value: 'Flat "B", Unit 4\\5 Dock Rd' },
      ],
    });
    expect(results.map(({ chunk: _c, index: _i, ...answer }) => answer)).toEqual(hit.hitNoHit);
    // Kept as sent, quote and backslash included.
    expect(results[4]!.value).toBe('Flat "B", Unit 4\\5 Dock Rd');
    const bad = await hub.gql('albion-bank', `mutation($job: ID!) { appendScreeningChunk(jobId: $job, chunk: 1, csv: "PHONE") { id } }`, { job: job.id });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv[0]' });
  });

  test('chunks are bounded', async () => {
    const job = await create('albion-bank', 'bounds-job-0001');
    expect(codes(await append('albion-bank', job.id, 0, []))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await append('albion-bank', job.id, -1, ids(1, 'e')))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await append('albion-bank', job.id, 0, [{ kind: 'PHONE', value: '12' }]))).toEqual(['BAD_USER_INPUT']);
  });
});
