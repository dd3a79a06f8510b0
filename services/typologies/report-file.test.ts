import fs from 'node:fs';
import path from 'node:path';
import type { GraphQLError } from 'graphql';
import { readReportFile, REPORT_FILE_LIMITS } from './report-file';

/** Reading goAML XML and CSV transaction-report files: what maps, what is kept aside, and what is refused before anything is written. */

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../../test/fixtures/goaml', name), 'utf8');

function refusal(read: () => unknown): { code: unknown; message: string; extensions: Record<string, unknown> } {
  try {
    read();
  } catch (err) {
    const e = err as GraphQLError;
    return { code: e.extensions?.code, message: e.message, extensions: e.extensions as Record<string, unknown> };
  }
  throw new Error('the file was read');
}

describe('goAML XML', () => {
  test("each transaction is one report, with its parties, accounts and the parties' phones and e-mails", () => {
    const { rows } = readReportFile('GOAML_XML', fixture('albion-str.xml'));
    expect(rows.map((r) => [r.reference, r.path, r.reportCode, r.amount, r.currency, r.dateFrom, r.dateTo])).toEqual([
      ['ALBN-TX-9001', '/report/transaction[1]', 'STR', 2950, 'GBP', '2026-02-01', '2026-02-01'],
      ['ALBN-TX-9002', '/report/transaction[2]', 'STR', 2900, 'GBP', '2026-02-02', '2026-02-02'],
      ['ALBN-TX-9003', '/report/transaction[3]', 'STR', 89.99, 'GBP', '2026-02-03', '2026-02-03'],
    ]);
    const [deposit, transfer, card] = rows;
    // The cash depositor (t_from, not the bank's client) is a counterparty; the client's account holder is the subject.
    expect(deposit!.parties).toEqual([
      { name: 'Ionuț Popescu', significance: 'COUNTERPARTY' },
      { name: 'Ionuț Popescu', significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: 'GB68ALBN60161331926819' } },
    ]);
    expect(deposit!.contacts).toEqual([
      { kind: 'PHONE', value: '+40 722 123 456' },
      { kind: 'PHONE', value: '+44 7700 900312' },
      { kind: 'EMAIL', value: 'ionut.popescu.demo@example.org' },
    ]);
    expect(transfer!.parties.map((p) => [p.significance, p.account?.value])).toEqual([
      ['SUBJECT', 'GB68ALBN60161331926819'],
      ['COUNTERPARTY', 'RO26CRPT0000001234567890'],
    ]);
    expect(card!.parties[1]).toEqual({ name: 'Classified-advert site (fictional)', significance: 'COUNTERPARTY' });
    expect(card!.reason).toMatch(/^Account opened in London.*\n\nCard payment to a classified-advert site$/s);
    // Known indicator codes map; an FIU's own code does not.
    expect(card!.indicators).toEqual(['CASH_OUTSIDE_HOURS', 'FIXED_PAYMENTS_TO_ADVERT_SITES', 'TRANSFERS_TO_ORIGIN_COUNTRY']);
  });

  test('rows and fields name the element and line they came from', () => {
    const xml = fixture('albion-str.xml');
    const lines = xml.split('\n');
    const { rows } = readReportFile('GOAML_XML', xml);
    for (const row of rows) expect(lines[row.line! - 1]!.trim()).toBe('<transaction>');
    const account = rows[0]!.sources.get('parties[1].account.value')!;
    expect(account.path).toBe('/report/transaction[1]/t_to_my_client/to_account/iban');
    expect(lines[account.line! - 1]!.trim()).toBe('<to_account>');
  });

  test('what no report keeps is counted by element path', () => {
    const { unmapped } = readReportFile('GOAML_XML', fixture('albion-str.xml'));
    const count = (p: string) => unmapped.find((u) => u.path === p)?.count;
    expect(count('/report/rentity_id')).toBe(1);
    expect(count('/report/transaction/transmode_code')).toBe(3);
    expect(count('/report/transaction/t_from_my_client/from_funds_code')).toBe(2);
    expect(count('/report/transaction/goods_services')).toBe(1);
    expect(count('/report/transaction/t_to_my_client/to_account/signatory/t_person/ssn')).toBe(1);
    expect(count('/report/report_indicators/indicator (codes outside Tessera’s financial indicators)')).toBe(1);
    // Mapped elements are not listed.
    for (const mapped of ['/report/reason', '/report/transaction/amount_local', '/report/transaction/t_from/from_person/first_name'])
      expect(count(mapped)).toBeUndefined();
  });

  test('an activity (a SAR without transactions) is one report of its report parties', () => {
    const { rows } = readReportFile('GOAML_XML', fixture('sar-activity.xml'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!).toMatchObject({ reportCode: 'SAR', path: '/report/activity', indicators: ['THIRD_PARTY_CONTROL'] });
    expect(rows[0]!.parties.map((p) => [p.name, p.significance])).toEqual([
      ['Ionuț Popescu', 'SUBJECT'],
      ['Ionuț Popescu', 'COUNTERPARTY'],
    ]);
    expect(rows[0]!.contacts.map((c) => c.kind)).toEqual(['PHONE', 'EMAIL']);
  });

  test('a report code Tessera does not keep is a row error at report_code', () => {
    const { rows } = readReportFile('GOAML_XML', fixture('sar-activity.xml').replace('<report_code>SAR</report_code>', '<report_code>CTR</report_code>'));
    expect(rows[0]!.errors).toEqual([expect.objectContaining({ field: 'reportCode', path: '/report/report_code' })]);
  });

  test('malformed XML is refused with its line and column', () => {
    const r = refusal(() => readReportFile('GOAML_XML', fixture('malformed.xml')));
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.extensions).toMatchObject({ field: 'input.content', line: 10 });
    expect(r.message).toMatch(/not well-formed XML at line 10/);
  });

  test.each(['billion-laughs.xml', 'external-entity.xml'])('%s: any DOCTYPE is refused before parsing, so no entity is ever expanded or fetched', (name) => {
    const r = refusal(() => readReportFile('GOAML_XML', fixture(name)));
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.message).toMatch(/DOCTYPE or ENTITY declaration is not accepted/);
  });

  test('the five XML entities and character references are decoded', () => {
    const xml = fixture('sar-activity.xml').replace('kept their passports.', 'kept their passports &amp; bank cards &#8211; &lt;all&gt;.');
    expect(readReportFile('GOAML_XML', xml).rows[0]!.reason).toMatch(/kept their passports & bank cards – <all>\.$/);
  });

  test('a file over the byte limit is refused before it is parsed', () => {
    const padding = `<!-- ${'x'.repeat(REPORT_FILE_LIMITS.maxBytes)} -->`;
    const r = refusal(() => readReportFile('GOAML_XML', fixture('sar-activity.xml').replace('<report>', `${padding}<report>`)));
    expect(r).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', extensions: { limit: REPORT_FILE_LIMITS.maxBytes, measure: 'bytes' } });
  });

  test('more elements than the limit are refused', () => {
    const many = '<x/>'.repeat(REPORT_FILE_LIMITS.maxElements + 1);
    const r = refusal(() => readReportFile('GOAML_XML', fixture('sar-activity.xml').replace('<reason>', `<extra>${many}</extra><reason>`)));
    expect(r).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', extensions: { limit: REPORT_FILE_LIMITS.maxElements, measure: 'elements' } });
  });

  test('nesting deeper than the limit is refused', () => {
    const depth = REPORT_FILE_LIMITS.maxDepth + 1;
    const deep = `${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}`;
    const r = refusal(() => readReportFile('GOAML_XML', fixture('sar-activity.xml').replace('<reason>', `${deep}<reason>`)));
    expect(r).toMatchObject({ code: 'DOCUMENT_TOO_LARGE', extensions: { limit: REPORT_FILE_LIMITS.maxDepth } });
  });

  test('a file whose root is not one <report> is refused', () => {
    expect(refusal(() => readReportFile('GOAML_XML', '<reports><report/></reports>')).message).toMatch(/exactly one root element, <report>/);
  });
});

describe('CSV', () => {
  test('records with the same report_ref are one report, one party each; unknown columns are counted', () => {
    const { rows, unmapped } = readReportFile('CSV', fixture('albion-str.csv'));
    expect(rows.map((r) => [r.reference, r.line, r.parties.length, r.amount])).toEqual([
      ['ALBN-CSV-1', 2, 2, 2950],
      ['ALBN-CSV-2', 4, 2, 2900],
    ]);
    expect(rows[1]!.indicators).toEqual(['TRANSFERS_TO_ORIGIN_COUNTRY', 'CASH_OUTSIDE_HOURS']);
    expect(rows[1]!.contacts).toEqual([
      { kind: 'EMAIL', value: 'ionut.popescu.demo@example.org' },
      { kind: 'PHONE', value: '+40 722 123 456' },
    ]);
    expect(unmapped).toEqual([{ path: 'branch', count: 2 }]);
  });

  test('a header without the required columns is refused', () => {
    expect(refusal(() => readReportFile('CSV', 'name,amount\nIonuț Popescu,10\n')).message).toMatch(
      /lacks report_ref, report_code, reason, party_name, party_significance/,
    );
  });

  test('a later record that changes a report-level column is a row error at its line', () => {
    const csv = fixture('albion-str.csv').replace('ALBN-CSV-1,,,,,,,,Albion', 'ALBN-CSV-1,,,,3000,,,,Albion');
    expect(readReportFile('CSV', csv).rows[0]!.errors).toEqual([expect.objectContaining({ field: 'amount', path: 'amount', line: 3 })]);
  });

  test('unbalanced quotes are refused with the line', () => {
    const r = refusal(() => readReportFile('CSV', `${fixture('albion-str.csv')}ALBN-CSV-3,STR,"unterminated\n`));
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.message).toMatch(/not readable as CSV/);
  });
});
