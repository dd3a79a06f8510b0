import sharp from 'sharp';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { ADD, asPublic, RECEIPT, solvedChallenge, submit, SUBMIT } from '../support/public';

/**
 * A member of the public reports what they saw, with no account: a proof-of-work challenge they do
 * not notice, a story, when and where, a photo; they get a receipt code, check with it that the
 * report arrived and add to it later. The hub's analysts read it, photo without metadata and
 * contact details included; nothing of the sender (address, browser, device) is kept anywhere.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process', { publicIntake: { submissionsPerDay: 1000, requestsPerDay: 10_000 } });
});
afterAll(() => hub.stop());

const SENDER = { 'user-agent': 'SpyBrowser/9.9 (device 5f1e-a7c2)', 'x-request-id': 'device-5f1e-a7c2-0001', 'x-forwarded-for': '203.0.113.77' };

async function photoWithGps(): Promise<string> {
  const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 120, b: 60 } } })
    .withExif({ IFD0: { Make: 'WitnessPhone', Model: 'WP-7' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 38/1 1234/100' } })
    .jpeg()
    .toBuffer();
  return jpeg.toString('base64');
}

const REPORT = `query($id: ID!) { publicReport(id: $id) {
  id receivedAt story occurredWhen place latitude longitude situationKind language contact duplicateOf status
  photos { mediaType width height content } additions { addedAt text } } }`;

describe('a report from the public', () => {
  let receiptCode: string;
  let reportId: string;

  test('is taken without an account, and answered with a receipt code', async () => {
    const r = await submit(
      hub,
      {
        story: 'Femei tinere aduse noaptea cu un microbuz la o casă din Leicester; un bărbat le ia telefoanele. <b>Urgent</b>',
        when: 'acum două săptămâni',
        place: 'Leicester, Belgrave Road',
        latitude: 52.648371,
        longitude: -1.121449,
        situationKind: 'SEXUAL',
        language: 'ro',
        contact: 'ana.martor@example.org',
        photos: [await photoWithGps()],
      },
      SENDER,
    );
    expect(r.errors).toBeUndefined();
    receiptCode = r.data!.submitPublicReport.receiptCode;
    expect(receiptCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(r.data!.submitPublicReport.receivedOn).toBe(new Date().toISOString().slice(0, 10));
  });

  test('its receipt code tells that it arrived, however the code is typed, and nothing of its content', async () => {
    for (const typed of [receiptCode, receiptCode.toLowerCase(), receiptCode.replace(/-/g, ' ')]) {
      const r = await asPublic<{ publicReportReceipt: Record<string, unknown> }>(hub, RECEIPT, { code: typed });
      expect(r.data?.publicReportReceipt).toEqual({ receivedOn: new Date().toISOString().slice(0, 10), status: 'RECEIVED', additionCount: 0 });
    }
    const wrong = await asPublic(hub, RECEIPT, { code: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ' });
    expect(codes(wrong)).toEqual(['NOT_FOUND']);
    const garbage = await asPublic(hub, RECEIPT, { code: "' OR 1=1 --" });
    expect(codes(garbage)).toEqual(['NOT_FOUND']);
  });

  test('the reporter adds to it with the receipt code', async () => {
    const r = await asPublic<{ addToPublicReport: { status: string; additionCount: number } }>(hub, ADD, {
      input: { receiptCode, text: 'Microbuzul are numere românești.', ...(await solvedChallenge(hub)) },
    });
    expect(r.data?.addToPublicReport).toEqual({ status: 'RECEIVED', additionCount: 1 });
    const wrong = await asPublic(hub, ADD, { input: { receiptCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ', text: 'x', ...(await solvedChallenge(hub)) } });
    expect(codes(wrong)).toEqual(['NOT_FOUND']);
  });

  test('a closed report takes no more additions: the reporter is told to send a new report, and nothing is kept unread', async () => {
    const sent = await submit(hub, { story: 'A closed-report test: a van outside the market every morning.' });
    const [{ id }] = (await hub.db.query<{ id: string }>(`SELECT id FROM intake.public_reports WHERE story LIKE 'A closed-report test%'`)) as [{ id: string }];
    const decided = await hub.gql('tessera-hub', `mutation($input: DecideTriageInput!) { decideTriage(input: $input) { id } }`, {
      input: { reportId: id, decision: 'DISCARD', reason: 'Not a trafficking situation' },
    });
    expect(decided.errors).toBeUndefined();
    const r = await asPublic(hub, ADD, {
      input: { receiptCode: sent.data!.submitPublicReport.receiptCode, text: 'They are moving her tonight.', ...(await solvedChallenge(hub)) },
    });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect(r.errors![0]!.message).toMatch(/new report/);
    const [{ n }] = (await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM intake.public_report_additions WHERE report_id = $1`, [id])) as [
      { n: number },
    ];
    expect(n).toBe(0);
  });

  test("hub analysts read it: coordinates rounded, the photo without its GPS position or device, the reporter's contact", async () => {
    const [row] = await hub.db.query<{ id: string }>(`SELECT id FROM intake.public_reports WHERE contact = 'ana.martor@example.org'`);
    reportId = row!.id;
    const r = await hub.gql<{ publicReport: Record<string, any> }>('tessera-hub', REPORT, { id: reportId }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.errors).toBeUndefined();
    const report = r.data!.publicReport;
    expect(report).toMatchObject({
      story: 'Femei tinere aduse noaptea cu un microbuz la o casă din Leicester; un bărbat le ia telefoanele. <b>Urgent</b>',
      occurredWhen: 'acum două săptămâni',
      place: 'Leicester, Belgrave Road',
      latitude: 52.65,
      longitude: -1.12,
      situationKind: 'SEXUAL',
      language: 'ro',
      contact: 'ana.martor@example.org',
      status: 'RECEIVED',
      duplicateOf: null,
      additions: [{ text: 'Microbuzul are numere românești.' }],
    });
    expect(new Date(report.receivedAt).getUTCMinutes()).toBe(0);
    expect(report.photos).toHaveLength(1);
    const stored = Buffer.from(report.photos[0].content, 'base64');
    const meta = await sharp(stored).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.xmp]).toEqual(['jpeg', 40, 30, undefined, undefined]);
    expect(stored.includes('WitnessPhone')).toBe(false);
  });

  test('nothing of the sender is stored: no address, user agent or request id, in the intake schema or the audit trail', async () => {
    const dump = await hub.db.query<{ t: string }>(`
      SELECT to_jsonb(r)::text AS t FROM intake.public_reports r UNION ALL
      SELECT to_jsonb(a)::text FROM intake.public_report_additions a UNION ALL
      SELECT to_jsonb(e)::text FROM audit.events e WHERE e.subject_type = 'PublicReport'`);
    const all = dump.map((d) => d.t).join('\n');
    expect(all).toContain('Microbuzul');
    for (const trace of ['127.0.0.1', '::1', '203.0.113.77', 'SpyBrowser', '5f1e-a7c2']) expect(all).not.toContain(trace);
    const columns = await hub.db.query<{ c: string }>(`SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'intake'`);
    for (const { c } of columns) expect(c).not.toMatch(/(^|_)ip(_|$)|addr|agent|device|sender/i);
  });

  test('the submission is on the audit trail as collected by the public, without an agency', async () => {
    const events = await hub.db.query<{ action: string; fields: string[]; recordOwner: string | null }>(
      `SELECT action, fields, record_owner_agency_id AS "recordOwner" FROM audit.events WHERE subject_type = 'PublicReport' AND subject_id = $1 ORDER BY seq`,
      [reportId],
    );
    expect(events.map((e) => e.action)).toEqual(['COLLECT', 'ALTER']);
    expect(events[0]!.fields).toEqual(expect.arrayContaining(['story', 'contact', 'photos', 'latitude']));
    expect(events[0]!.recordOwner).toBeNull();
  });
});

describe('the public exception is narrow', () => {
  test('without a token, any field outside the public intake is UNAUTHENTICATED, alone or mixed with a public one', async () => {
    for (const query of [
      '{ cases { totalCount } }',
      '{ publicReports { totalCount } }',
      '{ publicReportChallenge { bits } cases { totalCount } }',
      '{ publicReportChallenge { bits } ...F } fragment F on Query { cases { totalCount } }',
      '{ ... on Query { publicReportChallenge { bits } } }',
      '{ __schema { types { name } } }',
    ]) {
      const r = await asPublic(hub, query);
      expect({ query, codes: codes(r), status: r.status }).toEqual({ query, codes: ['UNAUTHENTICATED'], status: 401 });
    }
  });

  test('a public field with a bad token is not public: the token is judged', async () => {
    const r = await hub.gql({ authorization: 'Bearer not.a.token' }, '{ publicReportChallenge { bits } }');
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
  });

  test.each(['met-police', 'safe-passage', 'albion-bank', 'tessera-hub', 'tessera-admin', 'spitalul-iasi'])(
    '%s, signed in, may not file a public report or fetch a challenge (FORBIDDEN)',
    async (persona) => {
      const challenge = await solvedChallenge(hub);
      const r = await hub.gql(persona, SUBMIT, { input: { story: 'x', language: 'en', ...challenge } });
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(codes(await hub.gql(persona, '{ publicReportChallenge { bits } }'))).toEqual(['FORBIDDEN']);
    },
  );

  test('a challenge is good for one submission only', async () => {
    const challenge = await solvedChallenge(hub);
    const first = await asPublic(hub, SUBMIT, { input: { story: 'A first report on a solved challenge.', language: 'en', ...challenge } });
    expect(first.errors).toBeUndefined();
    const again = await asPublic(hub, SUBMIT, { input: { story: 'Another report on the same challenge.', language: 'en', ...challenge } });
    expect(codes(again)).toEqual(['BAD_USER_INPUT']);
    expect(again.errors![0]!.message).toMatch(/already used/);
  });

  test('an unsolved or forged challenge is refused', async () => {
    const { challenge } = await solvedChallenge(hub);
    const unsolved = await asPublic(hub, SUBMIT, { input: { story: 'Unsolved.', language: 'en', challenge, nonce: 'x' } });
    expect(codes(unsolved)).toEqual(['BAD_USER_INPUT']);
    const forged = await asPublic(hub, SUBMIT, { input: { story: 'Forged.', language: 'en', challenge: 'c1.1.8.abc.def', nonce: '1' } });
    expect(codes(forged)).toEqual(['BAD_USER_INPUT']);
  });
});
