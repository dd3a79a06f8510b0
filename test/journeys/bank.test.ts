import { iban } from '../leaks/support';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * A bank's journey (issue 3): typologies for peers that can carry no identifier, and transaction
 * reports singly and in batches of up to 5,000 — validated row by row first, written all or
 * nothing with set-based statements, idempotent on the batch's key — which other banks never read.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const albion = 'albion-bank';
const carpati = 'banca-carpati';
const GREEN = { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };

const SUBMIT = `mutation($input: SubmitTransactionReportsInput!) {
  submitTransactionReports(input: $input) { id reportIds reportCount }
}`;
const SUBMIT_WITH_REPORTS = `mutation($input: SubmitTransactionReportsInput!) {
  submitTransactionReports(input: $input) { id reportIds reports { id reason parties { name account { id } } } }
}`;
const SUBMIT_TYPOLOGY = `mutation($input: SubmitTypologyInput!) { submitTypology(input: $input) { id title pattern indicators channels amountBands geography } }`;

/** Every field of a TransactionReport the owner reads. */
const FIELDS = `id marking sourceEvaluation intelligenceAssessment handlingCode handlingConditions ownerAgency { id } createdAt updatedAt reviewDue
  reportCode reason indicators amount currency dateFrom dateTo parties { name significance account { id } }`;

type Submitted = { submitTransactionReports: { id: string; reportIds: string[]; reportCount: number } };
type RowError = { row: number; field: string; message: string };

/** Account numbers unique to this file: report n's subject holds GB…n, its counterparty RO…n. */
const gbAccount = (n: number) => iban('GB', `ALBN6099${String(n).padStart(10, '0')}`);
const roAccount = (n: number) => iban('RO', `CRPT9${String(n).padStart(15, '0')}`);

function report(n: number, extra: Record<string, unknown> = {}) {
  return {
    handling: GREEN,
    reportCode: n % 3 === 0 ? 'SAR' : 'STR',
    reason: `Journey report ${n}: cash paid in late at night at several branches and sent on to Romania within a day.`,
    indicators: ['CASH_OUTSIDE_HOURS', 'TRANSFERS_TO_ORIGIN_COUNTRY'],
    amount: 1000 + n + 0.25,
    currency: 'GBP',
    dateFrom: '2026-01-01',
    dateTo: '2026-01-31',
    parties: [
      { name: `Journey subject ${n}`, significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: gbAccount(n) } },
      { name: 'Money-transfer beneficiary', significance: 'COUNTERPARTY', account: { kind: 'BANK_ACCOUNT', value: roAccount(n) } },
    ],
    ...extra,
  };
}
const batch = (from: number, count: number) => Array.from({ length: count }, (_, i) => report(from + i));

type Counts = Record<'reports' | 'parties' | 'submissions' | 'observations' | 'entities' | 'typologies', number>;
async function counts(): Promise<Counts> {
  const [row] = await hub.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM typologies.transaction_reports) AS reports, (SELECT count(*) FROM typologies.report_parties) AS parties,
       (SELECT count(*) FROM typologies.submissions) AS submissions, (SELECT count(*) FROM entities.observations) AS observations,
       (SELECT count(*) FROM entities.entities) AS entities, (SELECT count(*) FROM typologies.typologies) AS typologies`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as Counts;
}

function rowErrors(r: GraphQLResult<unknown>): RowError[] {
  return (r.errors?.[0]?.extensions?.errors ?? []) as RowError[];
}

describe('a batch of 1,000 transaction reports', () => {
  const KEY = 'journey-batch-1000';
  let ids: string[] = [];

  test('one bad row refuses the whole batch, naming every bad row and field, and writes nothing', async () => {
    const before = await counts();
    const reports = batch(1, 1000);
    reports[17] = report(18, {
      parties: [{ name: 'Bad account', significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: gbAccount(18).replace(/^GB\d\d/, 'GB00') } }],
    });
    reports[500] = report(501, { currency: 'pounds' });
    reports[999] = report(1000, { reason: '   ', dateFrom: '2026-02-01', dateTo: '2026-01-01' });
    const r = await hub.gql(albion, SUBMIT, { input: { idempotencyKey: KEY, reports } });
    expect(r.data?.submitTransactionReports ?? null).toBeNull();
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.errorCount).toBe(4);
    expect(rowErrors(r).map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 17, field: 'parties[0].account.value' },
      { row: 500, field: 'currency' },
      { row: 999, field: 'reason' },
      { row: 999, field: 'dateTo' },
    ]);
    expect(rowErrors(r)[0]!.message).toMatch(/check digits/);
    expect(await counts()).toEqual(before);
  });

  test('at most 100 errors are listed, with the total', async () => {
    const reports = batch(1, 300).map((r) => ({ ...r, currency: 'xx' }));
    const r = await hub.gql(albion, SUBMIT, { input: { idempotencyKey: 'journey-batch-errors', reports } });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(rowErrors(r)).toHaveLength(100);
    expect(r.errors![0]!.extensions!.errorCount).toBe(300);
  });

  test('the corrected batch is written whole, with set-based statements', async () => {
    const before = await counts();
    const statementsBefore = hub.probe.statements;
    const auditStatementsBefore = hub.probe.auditStatements;
    const started = Date.now();
    const r = await hub.gql<Submitted>(albion, SUBMIT, { input: { idempotencyKey: KEY, reports: batch(1, 1000) } });
    const ms = Date.now() - started;
    const statements = hub.probe.statements - statementsBefore;
    const auditStatements = hub.probe.auditStatements - auditStatementsBefore;
    expect(r.errors).toBeUndefined();
    ids = r.data!.submitTransactionReports.reportIds;
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(r.data!.submitTransactionReports.reportCount).toBe(1000);
    const after = await counts();
    expect(after.reports - before.reports).toBe(1000);
    expect(after.parties - before.parties).toBe(2000);
    expect(after.observations - before.observations).toBe(2000);
    expect(after.entities - before.entities).toBe(2000);
    expect(after.submissions - before.submissions).toBe(1);
    // Reports are in the order submitted, and each observation's source is its own report.
    const [first] = await hub.db.query<{ reason: string; sources: string }>(
      `SELECT r.reason, (SELECT count(*) FROM entities.observations o WHERE o.source_type = 'TRANSACTION_REPORT' AND o.source_id = r.id) AS sources
       FROM typologies.transaction_reports r WHERE r.id = $1`,
      [ids[0]],
    );
    expect(first!.reason).toMatch(/^Journey report 1:/);
    expect(Number(first!.sources)).toBe(2);
    console.log(
      `submitTransactionReports: 1000 reports (2000 parties, 2000 account observations) through the gateway in ${ms} ms, ${statements} SQL statements`,
    );
    // One statement each for the batch record, the reports and the parties, a few for the key and
    // the lock, and the entities module's two (entity upsert, observation insert) per report that
    // names accounts: each observation's source is its own report. Never a statement per party.
    expect(statements).toBeLessThanOrEqual(2 * 1000 + 20);
    // Every report is collected on the audit trail, in one append inside the submission's transaction
    // (one statement on the head a write here appended last, two after another appender moved it: the
    // lock and the head, the insert): never a statement per report. One event per report, which names
    // its account observations: they take the report as their source, so its event is theirs.
    expect(auditStatements).toBeGreaterThanOrEqual(1);
    expect(auditStatements).toBeLessThanOrEqual(2);
    const collected = await hub.db.query<{ subject_type: string; n: string; naming: string }>(
      `SELECT subject_type, count(*) AS n, count(*) FILTER (WHERE 'observations' = ANY(fields)) AS naming FROM audit.events
        WHERE action = 'COLLECT' AND (subject_id = ANY($1::text[])
         OR subject_id IN (SELECT id::text FROM entities.observations WHERE source_id = ANY($1::uuid[]))) GROUP BY 1 ORDER BY 1`,
      [ids],
    );
    expect(collected.map((c) => [c.subject_type, Number(c.n), Number(c.naming)])).toEqual([['TransactionReport', 1000, 1000]]);
    // Who contributed an account, and when: its observations' source report, whose event says who and when.
    const [contributor] = await hub.db.query<{ actor: string; at: string | null }>(
      `SELECT e.actor_user_id::text AS actor, e.at::text AS at FROM typologies.report_parties p
         JOIN entities.observations o ON o.entity_id = p.account_entity_id AND o.source_type = 'TRANSACTION_REPORT' AND o.source_id = p.report_id
         JOIN audit.events e ON e.action = 'COLLECT' AND e.subject_type = 'TransactionReport' AND e.subject_id = o.source_id::text
        WHERE p.report_id = $1 AND p.position = 0`,
      [ids[0]],
    );
    expect(contributor).toMatchObject({ actor: hub.demo.agencies['albion-bank']!.users['CONTRIBUTOR'], at: expect.any(String) });
  }, 120_000);

  test('replaying the batch creates nothing and answers with the same ids', async () => {
    const before = await counts();
    const r = await hub.gql<Submitted>(albion, SUBMIT, { input: { idempotencyKey: KEY, reports: batch(1, 1000) } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.submitTransactionReports.reportIds).toEqual(ids);
    expect(await counts()).toEqual(before);
  });

  test('another batch under the same key is a CONFLICT and writes nothing', async () => {
    const before = await counts();
    const changed = batch(1, 1000);
    changed[3] = report(4, { amount: 99 });
    const r = await hub.gql(albion, SUBMIT, { input: { idempotencyKey: KEY, reports: changed } });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect(await counts()).toEqual(before);
  });

  test('another bank never reads these reports nor their account values; police and the owner do', async () => {
    const q = `query($id: ID!) { transactionReport(id: $id) { id reason amount parties { name account { id value maskedValue } } } }`;
    const owner = await hub.gql<{ transactionReport: { parties: Array<{ account: { id: string; value: string } }> } }>(albion, q, { id: ids[41] });
    expect(owner.errors).toBeUndefined();
    expect(owner.data!.transactionReport.parties[0]!.account.value).toBe(gbAccount(42));
    const accountId = owner.data!.transactionReport.parties[0]!.account.id;

    const peer = await hub.gql(carpati, q, { id: ids[41] });
    expect(peer.data?.transactionReport ?? null).toBeNull();
    expect(codes(peer)).toEqual(['NOT_FOUND']);

    const list = await hub.gql<{ transactionReports: { totalCount: number; nodes: Array<{ id: string }> } }>(
      carpati,
      `{ transactionReports(first: 200) { totalCount nodes { id } } }`,
    );
    expect(list.data!.transactionReports.nodes.map((n) => n.id).filter((id) => ids.includes(id))).toEqual([]);

    // The account reaches the other bank (a GREEN statement names it), masked to its last four characters.
    const entityQ = `query($id: ID!) { entity(id: $id) { id kind value maskedValue observations { sourceId } } }`;
    const entity = await hub.gql<{ entity: { value: string | null; maskedValue: string; observations: unknown[] } }>(carpati, entityQ, { id: accountId });
    expect(entity.data!.entity.value).toBeNull();
    expect(entity.data!.entity.maskedValue).toBe(`••••${gbAccount(42).slice(-4)}`);
    expect(entity.data!.entity.observations).toEqual([]);
    expect(entity.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['FORBIDDEN_FIELD', ['entity', 'value']]]);
    const byValue = await hub.gql(carpati, `query($v: String!) { entities(filter: { kind: BANK_ACCOUNT, value: $v }) { totalCount nodes { id } } }`, {
      v: gbAccount(42),
    });
    const everything = JSON.stringify([peer, list, entity, byValue]);
    for (const n of [42, 43, 500]) {
      expect(everything).not.toContain(gbAccount(n));
      expect(everything).not.toContain(roAccount(n));
    }
    expect(everything).not.toContain('Journey subject');
    expect(everything).not.toContain('Journey report');

    const police = await hub.gql<{ transactionReport: { parties: Array<{ name: string; account: { value: string } }> } }>('met-police', q, { id: ids[41] });
    expect(police.errors).toBeUndefined();
    expect(police.data!.transactionReport.parties.map((p) => p.account.value)).toEqual([gbAccount(42), roAccount(42)]);

    const ngo = await hub.gql('safe-passage', q, { id: ids[41] });
    expect(codes(ngo)).toEqual(['NOT_FOUND']);
  });
});

describe('concurrency', () => {
  test('concurrent replays of one batch create one batch and all answer with its ids', async () => {
    const before = await counts();
    const input = { idempotencyKey: 'journey-batch-concurrent', reports: batch(2001, 50) };
    const results = await Promise.all(Array.from({ length: 6 }, () => hub.gql<Submitted>(albion, SUBMIT, { input })));
    for (const r of results) expect(r.errors).toBeUndefined();
    const answers = new Set(results.map((r) => JSON.stringify(r.data!.submitTransactionReports.reportIds)));
    expect(answers.size).toBe(1);
    const after = await counts();
    expect(after.submissions - before.submissions).toBe(1);
    expect(after.reports - before.reports).toBe(50);
  });

  test('two batches naming the same accounts in opposite orders both land whole', async () => {
    const before = await counts();
    const forward = batch(3001, 60);
    const backward = [...batch(3001, 60)].reverse().map((r) => ({ ...r, reason: `${r.reason} (second bank branch)` }));
    const [a, b] = await Promise.all([
      hub.gql<Submitted>(albion, SUBMIT, { input: { idempotencyKey: 'journey-batch-forward', reports: forward } }),
      hub.gql<Submitted>(albion, SUBMIT, { input: { idempotencyKey: 'journey-batch-backward', reports: backward } }),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    const after = await counts();
    expect(after.reports - before.reports).toBe(120);
    expect(after.entities - before.entities).toBe(120);
    expect(after.observations - before.observations).toBe(240);
  });
});

describe('batch rules', () => {
  test('the result lists the reports the caller may see, in order, with their account entities', async () => {
    const r = await hub.gql<{
      submitTransactionReports: { reportIds: string[]; reports: Array<{ id: string; reason: string; parties: Array<{ account: { id: string } }> }> };
    }>(albion, SUBMIT_WITH_REPORTS, { input: { idempotencyKey: 'journey-batch-small', reports: batch(4001, 3) } });
    expect(r.errors).toBeUndefined();
    const s = r.data!.submitTransactionReports;
    expect(s.reports.map((x) => x.id)).toEqual(s.reportIds);
    expect(s.reports.map((x) => x.reason.slice(0, 19))).toEqual(['Journey report 4001', 'Journey report 4002', 'Journey report 4003']);
    expect(s.reports.every((x) => x.parties.every((p) => p.account.id))).toBe(true);
  });

  test('a batch of none or of more than 5,000 is refused', async () => {
    const empty = await hub.gql(albion, SUBMIT, { input: { idempotencyKey: 'journey-batch-empty', reports: [] } });
    expect(codes(empty)).toEqual(['BAD_USER_INPUT']);
    expect(empty.errors![0]!.extensions!.field).toBe('input.reports');
    const small = { handling: GREEN, reportCode: 'STR', reason: 'r', parties: [{ name: 'p', significance: 'SUBJECT' }] };
    const tooMany = await hub.gql(albion, SUBMIT, { input: { idempotencyKey: 'journey-batch-5001', reports: Array.from({ length: 5001 }, () => small) } });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors![0]!.extensions!.field).toBe('input.reports');
  });

  test("a row may name only its own agency's typology", async () => {
    const before = await counts();
    const foreign = hub.demo.ids['typology:funnel-couriers']!; // Banca Carpați's
    const own = hub.demo.ids['typology:loverboy-proceeds']!;
    const r = await hub.gql(albion, SUBMIT, {
      input: { idempotencyKey: 'journey-batch-typology', reports: [report(5001, { typologyId: own }), report(5002, { typologyId: foreign })] },
    });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(rowErrors(r)).toEqual([{ row: 1, field: 'typologyId', message: 'Typology not found' }]);
    expect(await counts()).toEqual(before);
  });

  test('only banks’ contributors submit reports', async () => {
    const input = { idempotencyKey: 'journey-batch-denied', reports: batch(6001, 1) };
    expect(codes(await hub.gql('albion-bank:VIEWER', SUBMIT, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql('safe-passage', SUBMIT, { input }))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql('met-police', SUBMIT, { input }))).toEqual(['FORBIDDEN']);
  });

  test('a single report goes through the same checks and the same writes', async () => {
    const q = `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id parties { account { id } } } }`;
    const bad = await hub.gql(albion, q, { input: { ...report(7001, { currency: 'pounds' }), idempotencyKey: 'journey-single-1' } });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.extensions!.field).toBe('input.currency');
    const a = await hub.gql<{ submitTransactionReport: { id: string } }>(albion, q, { input: { ...report(7001), idempotencyKey: 'journey-single-1' } });
    const b = await hub.gql<{ submitTransactionReport: { id: string } }>(albion, q, { input: { ...report(7001), idempotencyKey: 'journey-single-1' } });
    expect(a.errors).toBeUndefined();
    expect(b.data!.submitTransactionReport.id).toBe(a.data!.submitTransactionReport.id);
  });
});

describe('a single report', () => {
  const SINGLE = `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { ${FIELDS} } }`;
  const READ = `query($id: ID!) { transactionReport(id: $id) { ${FIELDS} } }`;
  type Single = { submitTransactionReport: Record<string, unknown> & { id: string } };

  test('answers with the report as written: what a read of it gives, field for field', async () => {
    const r = await hub.gql<Single>(albion, SINGLE, { input: { ...report(8001), idempotencyKey: 'journey-single-read' } });
    expect(r.errors).toBeUndefined();
    const written = r.data!.submitTransactionReport;
    const read = await hub.gql<{ transactionReport: Record<string, unknown> }>(albion, READ, { id: written.id });
    expect(read.errors).toBeUndefined();
    expect(written).toEqual(read.data!.transactionReport);
    expect(written).toMatchObject({
      reportCode: 'SAR',
      amount: 9001.25,
      dateFrom: '2026-01-01',
      marking: 'GREEN',
      ownerAgency: { id: hub.demo.agencies[albion]!.id },
    });
    expect((written.parties as Array<{ name: string; account: { id: string } }>).map((p) => p.name)).toEqual([
      'Journey subject 8001',
      'Money-transfer beneficiary',
    ]);
    // A replay answers with the same report, read back.
    const again = await hub.gql<Single>(albion, SINGLE, { input: { ...report(8001), idempotencyKey: 'journey-single-read' } });
    expect(again.data!.submitTransactionReport).toEqual(written);
  });

  test('is written in five statements: the report (with the accounts lock and the key), the accounts, their observations, the parties, the audit events', async () => {
    const before = hub.probe.statements;
    const auditBefore = hub.probe.auditStatements;
    const r = await hub.gql<Single>(albion, SINGLE, { input: { ...report(8101), idempotencyKey: 'journey-single-statements' } });
    expect(r.errors).toBeUndefined();
    const audit = hub.probe.auditStatements - auditBefore;
    // The audit append is one statement on the head this process wrote last, two after another appender moved it.
    expect(audit).toBeGreaterThanOrEqual(1);
    expect(audit).toBeLessThanOrEqual(2);
    expect(hub.probe.statements - before - audit).toBe(4);
  });

  test('concurrent submissions of one report under one key write it once, and all answer with it', async () => {
    const before = await counts();
    const input = { ...report(8201), idempotencyKey: 'journey-single-concurrent' };
    const results = await Promise.all(Array.from({ length: 6 }, () => hub.gql<Single>(albion, SINGLE, { input })));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.submitTransactionReport.id)).size).toBe(1);
    const after = await counts();
    expect(after.reports - before.reports).toBe(1);
    expect(after.parties - before.parties).toBe(2);
    expect(after.observations - before.observations).toBe(2);
  });

  test('another report under a used key is a CONFLICT and writes nothing', async () => {
    const first = await hub.gql<Single>(albion, SINGLE, { input: { ...report(8301), idempotencyKey: 'journey-single-conflict' } });
    expect(first.errors).toBeUndefined();
    const before = await counts();
    const other = await hub.gql(albion, SINGLE, { input: { ...report(8302), idempotencyKey: 'journey-single-conflict' } });
    expect(codes(other)).toEqual(['CONFLICT']);
    expect(other.errors![0]!.extensions!.field).toBe('input.idempotencyKey');
    expect(await counts()).toEqual(before);
  });
});

describe('typologies: patterns for peers, never identifiers', () => {
  const typology = (extra: Record<string, unknown> = {}) => ({
    handling: GREEN,
    title: 'Nail bars paying rent for several young women',
    pattern: 'Rent for several flats paid from one business account, cash paid in on Mondays, transfers to Romania on Fridays.',
    indicators: ['FRONT_BUSINESS', 'PAYS_FOR_OTHERS'],
    channels: ['business account', 'money transfer'],
    amountBands: ['GBP 600-1,200 per flat per month'],
    geography: ['GB', 'RO'],
    periodStart: '2025-09-01',
    periodEnd: '2026-02-28',
    idempotencyKey: 'journey-typology-nail-bars',
    ...extra,
  });

  test.each([
    ['pattern', { pattern: `Beneficiary account ${gbAccount(1)} receives the rent.` }, 'input.pattern', 'a bank account', gbAccount(1)],
    ['pattern', { pattern: 'Customers are told to call +44 7700 900876 for the room.' }, 'input.pattern', 'a phone number', '900876'],
    ['pattern', { pattern: 'Customers are told to call 07700 900876 for the room.' }, 'input.pattern', 'a phone number', '900876'],
    ['pattern', { pattern: 'Receipts are emailed to rooms.leicester@example.org weekly.' }, 'input.pattern', 'an email address', 'rooms.leicester'],
    ['title', { title: 'Payments to instagram:@rooms.leicester' }, 'input.title', 'a social-media profile', 'rooms.leicester'],
    ['channels', { channels: ['cash', 'payments to rooms.leicester@example.org'] }, 'input.channels[1]', 'an email address', 'rooms.leicester'],
    ['amountBands', { amountBands: ['GBP 500 to 60-16-13 31926819'] }, 'input.amountBands[0]', 'a bank account', '31926819'],
    [
      'handling conditions',
      { handling: { ...GREEN, handlingCode: 'C', handlingConditions: 'Ask +44 7700 900876 first' } },
      'input.handling.handlingConditions',
      'a phone number',
      '900876',
    ],
  ])('an identifier in %s is refused without repeating it (%#)', async (_where, extra, field, what, secret) => {
    const before = await counts();
    const r = await hub.gql(albion, SUBMIT_TYPOLOGY, { input: typology({ ...extra, idempotencyKey: `journey-typology-bad-${field.replace(/\W/g, '')}` }) });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe(field);
    expect(r.errors![0]!.message).toContain(what);
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(await counts()).toEqual(before);
  });

  test.each([
    [albion, 'a lower-case IBAN', { pattern: 'Rent is paid into gb82 west 1234 5698 7654 32 every Monday.' }, 'a bank account', '5698'],
    [albion, 'a compact lower-case IBAN', { pattern: 'Rent is paid into gb82west12345698765432 every Monday.' }, 'a bank account', '5698'],
    [
      albion,
      'a sort code and account number in words',
      { pattern: 'Rent goes to sort code 60-16-13, account no. 31926819 weekly.' },
      'a bank account',
      '31926819',
    ],
    [albion, 'a sort code and a/c number', { pattern: 'Paid to 601613 a/c 31926819 on Fridays.' }, 'a bank account', '31926819'],
    [
      carpati,
      "a national number of another agency's country",
      { pattern: 'Customers are told to call 07700 900876 for the room.' },
      'a phone number',
      '900876',
    ],
    [albion, 'a Romanian national number', { pattern: 'Drivers are paid after a call to 0722 123 456.' }, 'a phone number', '123 456'],
    [
      albion,
      'a number spaced with a non-breaking space',
      { pattern: 'Customers are told to call 07700\u00A0900876 for the room.' },
      'a phone number',
      '900876',
    ],
    [
      albion,
      'a number in fullwidth digits',
      { pattern: 'Call \uFF10\uFF17\uFF17\uFF10\uFF10\uFF19\uFF10\uFF10\uFF18\uFF17\uFF16 for the room.' },
      'a phone number',
      '\uFF18\uFF17\uFF16',
    ],
    [albion, 'an IBAN with double spaces', { pattern: 'Rent is paid into GB82  WEST  1234  5698  7654  32 every Monday.' }, 'a bank account', '5698'],
    [albion, 'a Spanish mobile number (Spain dials no trunk 0)', { pattern: 'Drivers are paid after a call to 612 345 678.' }, 'a phone number', '345 678'],
    [carpati, 'a Nigerian national number', { pattern: 'Recruits are told to call 0803 123 4567 on arrival.' }, 'a phone number', '123 4567'],
  ])("%s's typology naming %s is refused and reaches no agency", async (persona, named, extra, what, secret) => {
    const before = await counts();
    const r = await hub.gql(persona, SUBMIT_TYPOLOGY, { input: typology({ ...extra, idempotencyKey: `journey-typology-hidden-${named.replace(/\W/g, '')}` }) });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('input.pattern');
    expect(r.errors![0]!.message).toContain(what);
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(await counts()).toEqual(before);
  });

  test('a site named without a page, amounts and dates are not identifiers', async () => {
    const r = await hub.gql(albion, SUBMIT_TYPOLOGY, {
      input: typology({
        idempotencyKey: 'journey-typology-site',
        pattern: 'Card payments of GBP 20-150 to adverts.example.net between 23:00 and 04:00, 01.03.2026 - 31.03.2026.',
      }),
    });
    expect(r.errors).toBeUndefined();
  });

  test('other banks, police, hub analysts and NGOs read a GREEN typology whole', async () => {
    const created = await hub.gql<{ submitTypology: { id: string } }>(albion, SUBMIT_TYPOLOGY, { input: typology() });
    expect(created.errors).toBeUndefined();
    const id = created.data!.submitTypology.id;
    const q = `query($id: ID!) { typology(id: $id) { title pattern indicators channels amountBands geography periodStart periodEnd ownerAgency { slug } } }`;
    for (const persona of [carpati, 'banca-carpati:VIEWER', 'met-police', 'tessera-hub', 'safe-passage']) {
      const r = await hub.gql<{ typology: { title: string; indicators: string[]; ownerAgency: { slug: string } } }>(persona, q, { id });
      expect(r.errors).toBeUndefined();
      expect(r.data!.typology.title).toBe(typology().title);
      expect(r.data!.typology.indicators).toEqual(['FRONT_BUSINESS', 'PAYS_FOR_OTHERS']);
      expect(r.data!.typology.ownerAgency.slug).toBe('albion-bank');
    }
    const list = await hub.gql<{ typologies: { nodes: Array<{ id: string }> } }>(
      carpati,
      `{ typologies(filter: { indicator: "FRONT_BUSINESS" }) { nodes { id } } }`,
    );
    expect(list.data!.typologies.nodes.map((n) => n.id)).toContain(id);
  });
});
