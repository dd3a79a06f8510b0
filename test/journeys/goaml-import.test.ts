import fs from 'node:fs';
import path from 'node:path';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * A bank files its goAML report (or a CSV) with Tessera as it files it with its FIU: each
 * transaction becomes a transaction report with its parties, accounts and contacts, all or nothing,
 * idempotent on the key; what Tessera keeps nowhere is answered as unmapped element paths. Hostile
 * or oversized files are refused whole, and only agencies that may submit transaction reports may
 * import them.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/goaml', name), 'utf8');
const AMBER = { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };

const IMPORT = `mutation($input: ImportTransactionReportsInput!) {
  importTransactionReports(input: $input) {
    replayed
    submission { id reportIds reportCount reports { id reportCode amount currency dateFrom parties { name significance account { id } } } }
    rows { reportId path line reference }
    unmapped { path count }
  }
}`;

type Imported = {
  importTransactionReports: {
    replayed: boolean;
    submission: {
      id: string;
      reportIds: string[];
      reportCount: number;
      reports: Array<{
        id: string;
        reportCode: string;
        amount: number;
        currency: string;
        dateFrom: string;
        parties: Array<{ name: string; significance: string; account: { id: string } | null }>;
      }>;
    };
    rows: Array<{ reportId: string; path: string; line: number; reference: string | null }>;
    unmapped: Array<{ path: string; count: number }>;
  };
};
type RowError = { row: number; field: string; path: string; line: number; message: string };

const importFile = (persona: string, idempotencyKey: string, format: 'GOAML_XML' | 'CSV', content: string, extra: Record<string, unknown> = {}) =>
  hub.gql<Imported>(persona, IMPORT, { input: { idempotencyKey, format, content, handling: AMBER, ...extra } });

type Counts = Record<'reports' | 'parties' | 'submissions' | 'observations' | 'entities', number>;
async function counts(): Promise<Counts> {
  const [row] = await hub.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM typologies.transaction_reports) AS reports, (SELECT count(*) FROM typologies.report_parties) AS parties,
       (SELECT count(*) FROM typologies.submissions) AS submissions, (SELECT count(*) FROM entities.observations) AS observations,
       (SELECT count(*) FROM entities.entities) AS entities`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])) as Counts;
}

const rowErrors = (r: GraphQLResult<unknown>) => (r.errors?.[0]?.extensions?.errors ?? []) as RowError[];

describe('a goAML STR', () => {
  const KEY = 'goaml-albion-str-0117';
  let first: Imported['importTransactionReports'];

  test('becomes one report per transaction, with parties, accounts and where each came from', async () => {
    const before = await counts();
    const r = await importFile('albion-bank', KEY, 'GOAML_XML', fixture('albion-str.xml'));
    expect(r.errors).toBeUndefined();
    first = r.data!.importTransactionReports;
    expect(first.replayed).toBe(false);
    expect(first.submission.reportCount).toBe(3);
    expect(first.rows.map((row) => [row.reference, row.path, row.line])).toEqual([
      ['ALBN-TX-9001', '/report/transaction[1]', 24],
      ['ALBN-TX-9002', '/report/transaction[2]', 99],
      ['ALBN-TX-9003', '/report/transaction[3]', 143],
    ]);
    expect(first.rows.map((row) => row.reportId)).toEqual(first.submission.reportIds);
    const [deposit, transfer, card] = first.submission.reports;
    expect([deposit!.reportCode, deposit!.amount, deposit!.currency, deposit!.dateFrom]).toEqual(['STR', 2950, 'GBP', '2026-02-01']);
    expect(transfer!.parties.map((p) => [p.name, p.significance, Boolean(p.account)])).toEqual([
      ['Ionuț Popescu', 'SUBJECT', true],
      ['Ionuț Popescu', 'COUNTERPARTY', true],
    ]);
    expect(card!.parties[1]).toEqual({ name: 'Classified-advert site (fictional)', significance: 'COUNTERPARTY', account: null });
    // The client's IBAN is the demo scenario's, already an entity: the same node, observed again.
    const [demo] = await hub.db.query<{ id: string }>(`SELECT id FROM entities.entities WHERE kind = 'BANK_ACCOUNT' AND value = 'GB68ALBN60161331926819'`);
    expect(transfer!.parties[0]!.account!.id).toBe(demo!.id);
    const after = await counts();
    expect(after.reports - before.reports).toBe(3);
    expect(after.parties - before.parties).toBe(6);
    expect(after.submissions - before.submissions).toBe(1);
    // One per distinct account or contact of each report: GB account, two phones and an e-mail; two accounts; GB account and an e-mail.
    expect(after.observations - before.observations).toBe(4 + 2 + 2);
  });

  test('the phones and e-mails of its parties are observed with the report as their source', async () => {
    const rows = await hub.db.query<{ kind: string; value: string }>(
      `SELECT e.kind, e.value FROM entities.observations o JOIN entities.entities e ON e.id = o.entity_id
       WHERE o.source_type = 'TRANSACTION_REPORT' AND o.source_id = $1 ORDER BY e.kind, e.value`,
      [first.rows[0]!.reportId],
    );
    expect(rows).toEqual([
      { kind: 'BANK_ACCOUNT', value: 'GB68ALBN60161331926819' },
      { kind: 'EMAIL', value: 'ionut.popescu.demo@example.org' },
      { kind: 'PHONE', value: '+40722123456' },
      { kind: 'PHONE', value: '+447700900312' },
    ]);
  });

  test('what Tessera keeps nowhere is answered as element paths with counts', () => {
    const count = (p: string) => first.unmapped.find((u) => u.path === p)?.count;
    expect(count('/report/transaction/t_from_my_client/from_funds_code')).toBe(2);
    expect(count('/report/transaction/goods_services')).toBe(1);
    expect(count('/report/transaction/t_to_my_client/to_account/signatory/t_person/birthdate')).toBe(1);
    expect(count('/report/transaction/amount_local')).toBeUndefined();
  });

  test('importing the same file again under the same key writes nothing and answers the same', async () => {
    const before = await counts();
    const r = await importFile('albion-bank', KEY, 'GOAML_XML', fixture('albion-str.xml'));
    expect(r.errors).toBeUndefined();
    const again = r.data!.importTransactionReports;
    expect(again.replayed).toBe(true);
    expect(again.submission.id).toBe(first.submission.id);
    expect(again.rows).toEqual(first.rows);
    expect(again.unmapped).toEqual(first.unmapped);
    expect(await counts()).toEqual(before);
  });

  test('another file, or the same file with other handling, under the same key is a CONFLICT', async () => {
    const before = await counts();
    const other = await importFile('albion-bank', KEY, 'GOAML_XML', fixture('sar-activity.xml'));
    expect(codes(other)).toEqual(['CONFLICT']);
    const reMarked = await importFile('albion-bank', KEY, 'GOAML_XML', fixture('albion-str.xml'), { handling: { ...AMBER, marking: 'GREEN' } });
    expect(codes(reMarked)).toEqual(['CONFLICT']);
    expect(await counts()).toEqual(before);
  });

  test('the import is on the audit trail: each report and observation collected', async () => {
    const events = await hub.db.query<{ subject_type: string }>(
      `SELECT subject_type FROM audit.events WHERE action = 'COLLECT' AND subject_type = 'TransactionReport' AND subject_id = ANY($1::text[])`,
      [first.submission.reportIds],
    );
    expect(events).toHaveLength(3);
  });
});

describe('refused files write nothing', () => {
  test('a file with invalid rows names each row, field, element path and line', async () => {
    const before = await counts();
    const r = await importFile('albion-bank', 'goaml-invalid-rows-1', 'GOAML_XML', fixture('invalid-rows.xml'));
    expect(r.data?.importTransactionReports ?? null).toBeNull();
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('input.content');
    expect(rowErrors(r).map(({ row, field, path, line }) => ({ row, field, path, line }))).toEqual([
      { row: 0, field: 'parties[1].account.value', path: '/report/transaction[1]/t_to_my_client/to_account/iban', line: 18 },
      { row: 1, field: 'dateFrom', path: '/report/transaction[2]/date_transaction', line: 27 },
    ]);
    expect(rowErrors(r)[0]!.message).toMatch(/check digits/);
    expect(await counts()).toEqual(before);
  });

  test('an error in what all transactions share is named once, at its element', async () => {
    const r = await importFile(
      'albion-bank',
      'goaml-ctr-1',
      'GOAML_XML',
      fixture('albion-str.xml').replace('<report_code>STR</report_code>', '<report_code>CTR</report_code>'),
    );
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(rowErrors(r).map(({ row, field, path, line }) => ({ row, field, path, line }))).toEqual([
      { row: 0, field: 'reportCode', path: '/report/report_code', line: 3 },
    ]);
    expect(rowErrors(r)[0]!.message).toMatch(/Tessera keeps STR and SAR/);
  });

  test('handling and indicators given with the file are checked once, before it is read', async () => {
    const r = await importFile('albion-bank', 'goaml-bad-indicator', 'GOAML_XML', '<not-read', { indicators: ['NOT_AN_INDICATOR'] });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('input.indicators[0]');
  });

  test.each([
    ['malformed.xml', 'BAD_USER_INPUT', /not well-formed XML at line 10/],
    ['billion-laughs.xml', 'BAD_USER_INPUT', /DOCTYPE or ENTITY declaration is not accepted/],
    ['external-entity.xml', 'BAD_USER_INPUT', /DOCTYPE or ENTITY declaration is not accepted/],
  ])('%s is refused (%s)', async (name, code, message) => {
    const before = await counts();
    const r = await importFile('albion-bank', `goaml-refused-${name.replace(/\W/g, '-')}`, 'GOAML_XML', fixture(name));
    expect(codes(r)).toEqual([code]);
    expect(r.errors![0]!.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  test('a file over 4 MiB is DOCUMENT_TOO_LARGE', async () => {
    const before = await counts();
    const huge = fixture('albion-str.xml').replace('</report>', `${'<comments>padding</comments>'.repeat(160_000)}</report>`);
    expect(Buffer.byteLength(huge)).toBeGreaterThan(4 * 1024 * 1024);
    const r = await importFile('albion-bank', 'goaml-huge-file-1', 'GOAML_XML', huge);
    expect(codes(r)).toEqual(['DOCUMENT_TOO_LARGE']);
    expect(r.errors![0]!.extensions).toMatchObject({ field: 'input.content', measure: 'bytes' });
    expect(await counts()).toEqual(before);
  });
});

describe('CSV', () => {
  test('a CSV with the documented header imports as a batch; an unknown column is unmapped', async () => {
    const r = await importFile('albion-bank', 'csv-albion-str-1', 'CSV', fixture('albion-str.csv'), { indicators: ['FUNNEL_ACCOUNT'] });
    expect(r.errors).toBeUndefined();
    const imported = r.data!.importTransactionReports;
    expect(imported.rows.map((row) => [row.reference, row.path, row.line])).toEqual([
      ['ALBN-CSV-1', 'line 2', 2],
      ['ALBN-CSV-2', 'line 4', 4],
    ]);
    expect(imported.unmapped).toEqual([{ path: 'branch', count: 2 }]);
    expect(imported.submission.reports[0]!.parties.map((p) => [p.name, p.significance])).toEqual([
      ['Ionuț Popescu', 'SUBJECT'],
      ['Albion Bank cash desk (fictional)', 'COUNTERPARTY'],
    ]);
  });

  test('a bad cell is an error at its column and line', async () => {
    const csv = fixture('albion-str.csv').replace('2026-02-02,2026-02-02', '2026-02-02,02/02/2026');
    const r = await importFile('albion-bank', 'csv-albion-bad-date', 'CSV', csv);
    expect(rowErrors(r).map(({ row, field, path, line }) => ({ row, field, path, line }))).toEqual([{ row: 1, field: 'dateTo', path: 'date_to', line: 4 }]);
  });
});

describe('who may import', () => {
  test.each(['met-police', 'safe-passage', 'tessera-hub', 'tessera-admin', 'albion-bank:VIEWER'])(
    '%s may not (FORBIDDEN, nothing written)',
    async (persona) => {
      const before = await counts();
      const r = await importFile(persona, `goaml-forbidden-${persona.replace(/\W/g, '-')}`, 'GOAML_XML', fixture('sar-activity.xml'));
      expect(codes(r)).toEqual(['FORBIDDEN']);
      expect(await counts()).toEqual(before);
    },
  );

  test("another bank imports its own file, and does not read the first bank's reports", async () => {
    const r = await importFile('banca-carpati', 'goaml-carpati-sar-1', 'GOAML_XML', fixture('sar-activity.xml'));
    expect(r.errors).toBeUndefined();
    const own = await hub.gql<{ transactionReports: { nodes: Array<{ id: string }> } }>('banca-carpati', '{ transactionReports(first: 100) { nodes { id } } }');
    const ids = own.data!.transactionReports.nodes.map((n) => n.id);
    expect(ids).toContain(r.data!.importTransactionReports.rows[0]!.reportId);
    const albion = await hub.db.query<{ id: string }>(
      `SELECT r.id FROM typologies.transaction_reports r JOIN agencies.agencies a ON a.id = r.owner_agency_id WHERE a.slug = 'albion-bank'`,
    );
    for (const { id } of albion) expect(ids).not.toContain(id);
  });
});
