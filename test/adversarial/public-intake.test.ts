import fc from 'fast-check';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { asPublic, RECEIPT, solvedChallenge, submit, SUBMIT } from '../support/public';

/**
 * Public input is hostile: floods, copies, spam, sizes, encodings, control characters, scripts and
 * markup. Whatever is sent, the answer is a receipt or a coded refusal (never a server error), and
 * what is stored reaches the hub's analysts as the text it was, never as markup or with what
 * Postgres cannot hold.
 */
describe('a flood from one source', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process', { publicIntake: { submissionsPerDay: 5, requestsPerDay: 30 } });
  });
  afterAll(() => hub.stop());

  test('gets its daily budget of submissions, then 429 RATE_LIMITED; signed-in agencies are not held back', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await submit(hub, { story: `Flood report number ${i}: a van outside the warehouse at night.` });
      answers.push(r.errors ? `${r.status} ${codes(r).join()}` : 'ok');
    }
    expect(answers).toEqual([...Array(5).fill('ok'), ...Array(5).fill('429 RATE_LIMITED')]);
    const refused = await submit(hub, { story: 'One more.' });
    expect(refused.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    const [stored] = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM intake.public_reports WHERE story LIKE 'Flood report%'`);
    expect(stored!.n).toBe(5);

    // The request budget (challenges, receipts) runs out too.
    const reads: number[] = [];
    for (let i = 0; i < 20; i++) reads.push((await asPublic(hub, '{ publicReportChallenge { bits } }')).status);
    expect(reads.at(-1)).toBe(429);
    expect(codes(await asPublic(hub, RECEIPT, { code: 'TESS-ERA0-DEM0-0001' }))).toEqual(['RATE_LIMITED']);

    const signedIn = await hub.gql('met-police', '{ cases { totalCount } }');
    expect(signedIn.errors).toBeUndefined();
  });
});

describe('hostile input', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // An easier proof of work keeps the fuzzing quick; the checks are the same.
    process.env.TESSERA_INTAKE_POW_BITS = '8';
    hub = await startTestHub('in-process', { publicIntake: { submissionsPerDay: 100_000, requestsPerDay: 100_000 } });
  });
  afterAll(async () => {
    delete process.env.TESSERA_INTAKE_POW_BITS;
    await hub.stop();
  });

  const storedStory = async (receiptCode: string) => {
    const [row] = await hub.db.query<{ id: string }>(
      `SELECT id FROM intake.public_reports WHERE receipt_hash = sha256(convert_to('tessera-receipt:' || upper(replace($1, '-', '')), 'UTF8'))`,
      [receiptCode],
    );
    const r = await hub.gql<{ publicReport: { story: string; place: string | null; contact: string | null; language: string } }>(
      'tessera-hub',
      'query($id: ID!) { publicReport(id: $id) { story place contact language } }',
      { id: row!.id },
    );
    return r.data!.publicReport;
  };

  test('copies of one story: kept as duplicates of the first, then refused; spacing, case and punctuation do not make it new', async () => {
    const story = 'A girl of about fifteen is collected every night from the hostel by the same grey car.';
    const variants = [story, story.toUpperCase(), story.replace(/ /g, '   '), `${story}!!!`];
    const answers = [];
    for (const v of variants) answers.push(await submit(hub, { story: v }));
    expect(answers.map((a) => (a.errors ? codes(a).join() : 'ok'))).toEqual(['ok', 'ok', 'ok', 'CONFLICT']);
    expect(answers[3]!.errors![0]!.extensions).toMatchObject({ reason: 'DUPLICATE' });
    const rows = await hub.db.query<{ id: string; dup: string | null }>(
      `SELECT id, duplicate_of AS dup FROM intake.public_reports WHERE regexp_replace(lower(story), '\\s+', ' ', 'g') LIKE '%collected every night from the hostel%' ORDER BY received_at, duplicate_of NULLS FIRST`,
    );
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.dup === null)).toHaveLength(1);
    expect(rows.filter((r) => r.dup !== null).every((r) => r.dup === rows.find((x) => x.dup === null)!.id)).toBe(true);
  });

  test.each([
    ['many links', `Great offers ${'https://spam.example/x '.repeat(6)}`],
    ['one character repeated', `Help ${'!'.repeat(60)}`],
    ['no letters or digits', '?!?! ... ---'],
  ])('spam (%s) is refused with BAD_USER_INPUT', async (_what, story) => {
    expect(codes(await submit(hub, { story }))).toEqual(['BAD_USER_INPUT']);
  });

  test.each([
    ['story', 20_000],
    ['place', 200],
    ['when', 200],
    ['contact', 500],
    ['language', 35],
  ])('%s: %i characters are taken, one more is refused', async (field, max) => {
    const base = { story: `Size probe for ${field}.` };
    const ok = await submit(hub, {
      ...base,
      story: field === 'story' ? `${'ab '.repeat(max / 3)}`.slice(0, max - 1) + 'z' : `${base.story} ${max}`,
      ...(field !== 'story' ? { [field]: 'x'.repeat(max) } : {}),
    });
    expect(ok.errors).toBeUndefined();
    const over = await submit(hub, {
      ...base,
      story: field === 'story' ? 'ab '.repeat(max) : `${base.story} over`,
      ...(field !== 'story' ? { [field]: 'x'.repeat(max + 1) } : {}),
    });
    expect({ field, codes: codes(over) }).toEqual({ field, codes: ['BAD_USER_INPUT'] });
  });

  test('more photos than allowed, or a photo that is not one, are refused', async () => {
    expect(codes(await submit(hub, { story: 'Four photos.', photos: ['a', 'b', 'c', 'd'] }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await submit(hub, { story: 'A script as a photo.', photos: [Buffer.from('<svg onload=alert(1)>').toString('base64')] }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  test('a body over 5 MB is refused before it is read to the end (413, or the connection closed), and the hub answers on', async () => {
    const status = await fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SUBMIT, variables: { input: { story: `Huge ${'x'.repeat(6_000_000)}` } } }),
    }).then(
      (r) => r.status,
      () => 'closed',
    );
    expect([413, 'closed']).toContain(status);
    const [stored] = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM intake.public_reports WHERE story LIKE 'Huge %'`);
    expect(stored!.n).toBe(0);
    expect((await asPublic(hub, '{ publicReportChallenge { bits } }')).status).toBe(200);
  });

  test('coordinates out of range or absurd are refused; good ones kept to about a kilometre', async () => {
    for (const [latitude, longitude] of [
      [91, 0],
      [0, 181],
      [1e308, 1],
      [45, null],
    ]) {
      expect(codes(await submit(hub, { story: `Coordinates ${latitude} ${longitude}.`, latitude, longitude }))).toEqual(['BAD_USER_INPUT']);
    }
  });

  test('control characters, NUL, lone surrogates, scripts and markup: stored as clean text, markup kept verbatim as text', async () => {
    const story = 'Start\u0000\u0007<script>alert("x")</script> <img src=x onerror=alert(1)> \ud800 ‮RTL‬ 😀 e\u0301 Țară Şcoală\r\nend';
    const r = await submit(hub, { story, place: '<b>Iași</b>\u0000', contact: '"; DROP TABLE intake.public_reports; --', language: 'ro\u0000' });
    expect(r.errors).toBeUndefined();
    const stored = await storedStory(r.data!.submitPublicReport.receiptCode);
    expect(stored.story).toBe('Start<script>alert("x")</script> <img src=x onerror=alert(1)> \ufffd ‮RTL‬ 😀 é Țară Şcoală\nend');
    expect(stored.place).toBe('<b>Iași</b>');
    expect(stored.contact).toBe('"; DROP TABLE intake.public_reports; --');
    expect(stored.language).toBe('ro');
  });

  test('any text at all: a receipt or a coded refusal, never a server error, and what is stored is what was meant', async () => {
    const hostile = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('<script>alert(1)</script>', '{{7*7}}', '${jndi:ldap://x}', "' OR '1'='1", '\u202e\u0000\u0001', '%00%0d%0a', '&lt;b&gt;'),
    );
    await fc.assert(
      fc.asyncProperty(hostile, hostile, hostile, async (story, place, contact) => {
        const r = await submit(hub, { story: `Fuzz ${story}`, place, contact, language: 'en' });
        expect(r.status).toBeLessThan(500);
        if (r.errors) {
          expect(codes(r).every((c) => ['BAD_USER_INPUT', 'CONFLICT'].includes(c))).toBe(true);
          return;
        }
        const stored = await storedStory(r.data!.submitPublicReport.receiptCode);
        expect(stored.story.startsWith('Fuzz')).toBe(true);
        for (const v of [stored.story, stored.place ?? '', stored.contact ?? '']) expect(v).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      }),
      { numRuns: 60 },
    );
  });

  test('a receipt code of any shape is NOT_FOUND or a receipt, never an error of another kind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 100 }), async (code) => {
        const r = await asPublic(hub, RECEIPT, { code });
        expect(codes(r)).toEqual(['NOT_FOUND']);
      }),
      { numRuns: 40 },
    );
  });

  test('challenges fetched in a burst are each good once', async () => {
    const solved = await Promise.all(Array.from({ length: 5 }, () => solvedChallenge(hub)));
    const first = await Promise.all(solved.map((c, i) => asPublic(hub, SUBMIT, { input: { story: `Burst ${i} report.`, language: 'en', ...c } })));
    expect(first.every((r) => !r.errors)).toBe(true);
    const replay = await Promise.all(solved.map((c, i) => asPublic(hub, SUBMIT, { input: { story: `Replay ${i} report.`, language: 'en', ...c } })));
    expect(replay.map(codes)).toEqual(Array(5).fill(['BAD_USER_INPUT']));
  });
});
