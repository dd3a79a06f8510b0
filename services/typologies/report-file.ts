import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { GraphQLError } from 'graphql';
import type { EntityKind } from '../kernel/identifier';
import { readCsvRecords } from '../kernel/csv-records';
import { badInput, ErrorCode } from '../kernel/errors';
import { FINANCIAL_INDICATORS } from '../kernel/taxonomy';

/**
 * Transaction-report files as banks send them to their FIU, read into rows of a transaction-report
 * batch: UNODC goAML XML (the core every FIU's goAMLSchema.xsd shares) and a CSV with a fixed header
 * (docs/formats.md, "goAML and CSV import"). Reading is pure: it writes nothing and answers the rows,
 * where each row and field came from (element path and line), and what the file held that no row
 * keeps (`unmapped`, element paths with counts).
 */

export const REPORT_FILE_FORMATS = ['GOAML_XML', 'CSV'] as const;
export type ReportFileFormat = (typeof REPORT_FILE_FORMATS)[number];

/** What a file may be: refused whole (DOCUMENT_TOO_LARGE) before or while it is parsed, never half read. */
export const REPORT_FILE_LIMITS = {
  /** UTF-8 bytes of the content (under the 5 MiB request body the JSON-encoded content travels in). */
  maxBytes: 4 * 1024 * 1024,
  /** XML elements, or CSV records. */
  maxElements: 200_000,
  /** XML nesting; goAML's deepest core path (a signatory's phone in an account of a transaction side) is 8. */
  maxDepth: 32,
};

/** A party of a row, as the batch input names it, with its contacts (observed as the report's identifiers). */
export interface FileParty {
  name: string;
  significance: 'SUBJECT' | 'COUNTERPARTY';
  account?: { kind: EntityKind; value: string };
}

/** One report read from a file: the batch input's fields, the contacts its parties gave, and where each field came from. */
export interface FileRow {
  reportCode: string;
  reason: string;
  indicators: string[];
  amount?: number;
  currency?: string;
  dateFrom?: string;
  dateTo?: string;
  parties: FileParty[];
  contacts: Array<{ kind: EntityKind; value: string; country?: string }>;
  /** The row's element (`/report/transaction[2]`) or CSV line, and the file's own reference for it (goAML transactionnumber, CSV report_ref). */
  path: string;
  line: number | null;
  reference: string | null;
  /** Batch field (`parties[0].account.value`, `contacts[1].value`) → where in the file it came from. */
  sources: Map<string, { path: string; line: number | null }>;
  /** Problems found while reading, before the batch's own validation. */
  errors: Array<{ field: string; message: string; path: string; line: number | null }>;
}

export interface ReadFile {
  rows: FileRow[];
  unmapped: Array<{ path: string; count: number }>;
}

function tooLarge(what: string, limit: number): GraphQLError {
  return new GraphQLError(`input.content: the file has more than ${limit} ${what}; nothing was written`, {
    extensions: { code: ErrorCode.DOCUMENT_TOO_LARGE, field: 'input.content', limit, measure: what },
  });
}

/** Byte size first: nothing larger is parsed at all. */
function assertSize(content: string): void {
  if (typeof content !== 'string' || content.trim() === '') throw badInput('input.content', 'is required');
  if (Buffer.byteLength(content, 'utf8') > REPORT_FILE_LIMITS.maxBytes) throw tooLarge('bytes', REPORT_FILE_LIMITS.maxBytes);
}

export function readReportFile(format: ReportFileFormat, content: string): ReadFile {
  assertSize(content);
  if (format === 'GOAML_XML') return readGoaml(content);
  if (format === 'CSV') return readCsv(content);
  throw badInput('input.format', `must be one of ${REPORT_FILE_FORMATS.join(', ')}`);
}

// ---- goAML XML ----

type XNode = { [name: string]: Array<XNode | string> };

/** Line of a character offset (1-based), by binary search over the offsets of line starts. */
function lineIndex(content: string): (offset: number | undefined) => number | null {
  const starts = [0];
  for (let i = content.indexOf('\n'); i !== -1; i = content.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    if (offset === undefined) return null;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/**
 * Parses goAML XML with fast-xml-parser. Refused before parsing: any DOCTYPE or ENTITY declaration
 * (so no entity, internal or external, is ever defined, let alone expanded: billion-laughs and XXE
 * files never reach the parser), and a file that is not well-formed (XMLValidator's message with line
 * and column). While parsing: more than maxElements elements or deeper than maxDepth.
 */
function parseXml(content: string): { root: XNode; lineOf: (node: XNode) => number | null } {
  if (/<!DOCTYPE/i.test(content) || /<!ENTITY/i.test(content)) {
    throw badInput('input.content', 'a DOCTYPE or ENTITY declaration is not accepted in a goAML file; remove it (goAML needs none); nothing was written');
  }
  const valid = XMLValidator.validate(content);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new GraphQLError(`input.content: not well-formed XML at line ${line}, column ${col}: ${msg}; nothing was written`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.content', line, column: col },
    });
  }
  let elements = 0;
  const parser = new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false,
    trimValues: true,
    isArray: () => true,
    captureMetaData: true,
    // Decodes the five XML entities and character references (the latter only with htmlEntities, which
    // also decodes HTML's named ones); no entity can be declared (refused above), so none expands.
    processEntities: true,
    htmlEntities: true,
    maxNestedTags: REPORT_FILE_LIMITS.maxDepth,
    updateTag: (tagName) => {
      if (++elements > REPORT_FILE_LIMITS.maxElements) throw tooLarge('elements', REPORT_FILE_LIMITS.maxElements);
      return tagName;
    },
  });
  let root: XNode;
  try {
    root = parser.parse(content) as XNode;
  } catch (err) {
    if (err instanceof GraphQLError) throw err;
    if (err instanceof Error && /nested tags/i.test(err.message)) throw tooLarge('levels of nesting', REPORT_FILE_LIMITS.maxDepth);
    throw badInput('input.content', `not readable as goAML XML (${err instanceof Error ? err.message : 'parse error'}); nothing was written`);
  }
  const meta = XMLParser.getMetaDataSymbol() as unknown as symbol;
  const at = lineIndex(content);
  return { root, lineOf: (node) => at((node as unknown as Record<symbol, { startIndex?: number } | undefined>)[meta]?.startIndex) };
}

/**
 * An element being read: what the mapper reads is marked, so everything else the file holds can be
 * counted as unmapped afterwards. `path` has 1-based positions where an element repeats
 * (`/report/transaction[2]`); `line` is where the element starts.
 */
class Element {
  constructor(
    readonly node: XNode,
    readonly path: string,
    readonly line: number | null,
    private readonly doc: GoamlDocument,
  ) {}

  private children(name: string): Array<XNode | string> {
    this.doc.markRead(this.node, name);
    return this.node[name] ?? [];
  }

  /** The trimmed text of the first child named `name` (absent or empty: undefined). */
  text(name: string): string | undefined {
    const [first] = this.children(name);
    const t = typeof first === 'string' ? first : first && typeof first['#text']?.[0] === 'string' ? (first['#text'][0] as string) : undefined;
    return t === undefined || t.trim() === '' ? undefined : t.trim();
  }

  /** Every text child named `name`. */
  texts(name: string): string[] {
    return this.children(name).flatMap((c) => (typeof c === 'string' && c.trim() !== '' ? [c.trim()] : []));
  }

  all(name: string): Element[] {
    const list = this.children(name);
    return list.flatMap((c, i) =>
      typeof c === 'string' ? [] : [new Element(c, `${this.path}/${name}${list.length > 1 ? `[${i + 1}]` : ''}`, this.doc.lineOf(c) ?? this.line, this.doc)],
    );
  }

  one(name: string): Element | undefined {
    return this.all(name)[0];
  }

  /** The path of a child, for a field read from it. */
  at(name: string): { path: string; line: number | null } {
    return { path: `${this.path}/${name}`, line: this.line };
  }
}

class GoamlDocument {
  private readonly read = new WeakMap<XNode, Set<string>>();
  constructor(readonly lineOf: (node: XNode) => number | null) {}

  markRead(node: XNode, name: string): void {
    const names = this.read.get(node) ?? new Set<string>();
    names.add(name);
    this.read.set(node, names);
  }

  /** Every element the mapper did not read, by shape, with how many there were. */
  unmapped(root: XNode): Array<{ path: string; count: number }> {
    const counts = new Map<string, number>();
    const walk = (node: XNode, shape: string) => {
      const read = this.read.get(node);
      for (const [name, list] of Object.entries(node)) {
        if (name === '#text') continue;
        const childShape = `${shape}/${name}`;
        if (!read?.has(name)) counts.set(childShape, (counts.get(childShape) ?? 0) + list.length);
        else for (const c of list) if (typeof c !== 'string') walk(c, childShape);
      }
    };
    walk(root, '');
    return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, count]) => ({ path, count }));
  }
}

const TRUE = new Set(['true', '1']);
const FALSE = new Set(['false', '0']);

/** goAML's sql_date is `YYYY-MM-DDThh:mm:ss`; the batch keeps the date. A value of another shape is passed on for the batch to refuse. */
const dateOf = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(v) ? v.slice(0, 10) : v);

/** A name from a t_person (first, middle and last names). */
function personName(p: Element): string | undefined {
  const name = [p.text('first_name'), p.text('middle_name'), p.text('last_name')].filter(Boolean).join(' ');
  return name || undefined;
}

/** Phones and e-mail addresses of a t_person or t_entity (goAML 4/5: `email` repeated, 5.2: `emails/email`). */
function contactsOf(el: Element, row: FileRow): void {
  for (const phones of el.all('phones')) {
    for (const phone of phones.all('phone')) {
      const number = phone.text('tph_number');
      if (!number) continue;
      const prefix = phone.text('tph_country_prefix')?.replace(/^\+|^00/, '');
      const field = `contacts[${row.contacts.length}].value`;
      row.contacts.push({ kind: 'PHONE', value: prefix && !number.startsWith('+') ? `+${prefix} ${number}` : number });
      row.sources.set(field, phone.at('tph_number'));
    }
  }
  const emails = [...el.texts('email'), ...el.all('emails').flatMap((e) => e.texts('email'))];
  for (const email of emails) {
    row.sources.set(`contacts[${row.contacts.length}].value`, el.at('email'));
    row.contacts.push({ kind: 'EMAIL', value: email });
  }
}

/**
 * The parties one goAML party element stands for: a person or an entity is one party without an
 * account; an account is one party per signatory (each named, holding the account), or one named by
 * its account_name (or its t_entity's name) when it has no signatory.
 */
function partiesOf(
  side: Element,
  names: { person: string[]; entity: string[]; account: string[] },
  significance: FileParty['significance'],
  row: FileRow,
): void {
  const add = (party: FileParty, source: Element) => {
    const i = row.parties.length;
    row.parties.push(party);
    row.sources.set(`parties[${i}]`, { path: source.path, line: source.line });
    row.sources.set(`parties[${i}].name`, { path: source.path, line: source.line });
  };
  for (const person of names.person.flatMap((n) => side.all(n))) {
    add({ name: personName(person) ?? '', significance }, person);
    contactsOf(person, row);
  }
  for (const entity of names.entity.flatMap((n) => side.all(n))) {
    add({ name: entity.text('name') ?? entity.text('commercial_name') ?? '', significance }, entity);
    contactsOf(entity, row);
  }
  for (const account of names.account.flatMap((n) => side.all(n))) {
    const iban = account.text('iban');
    const number = iban ?? account.text('account');
    const accountSource = account.at(iban ? 'iban' : 'account');
    const holders = account.all('signatory').flatMap((s) => s.all('t_person'));
    const related = account.all('related_persons').flatMap((r) => r.all('account_related_person').flatMap((p) => p.all('t_person')));
    const entity = account.one('t_entity');
    const people = [...holders, ...related];
    const named = people.length
      ? people.map((p) => ({ name: personName(p) ?? '', el: p }))
      : [{ name: account.text('account_name') ?? entity?.text('name') ?? '', el: account }];
    for (const { name, el } of named) {
      const i = row.parties.length;
      add({ name, significance, ...(number ? { account: { kind: 'BANK_ACCOUNT' as const, value: number } } : {}) }, el);
      row.sources.set(`parties[${i}].account.value`, accountSource);
      if (!number) row.errors.push({ field: `parties[${i}].account`, message: 'names no account or iban', ...account.at('account') });
      if (el !== account) contactsOf(el, row);
    }
    if (entity) contactsOf(entity, row);
  }
}

const PARTY_CHOICES = {
  person: ['person', 'person_my_client'],
  entity: ['entity', 'entity_my_client'],
  account: ['account', 'account_my_client'],
};

/** A suspected flag: true, false, or not said. */
function suspected(el: Element, name: string): boolean | undefined {
  const v = el.text(name)?.toLowerCase();
  return v === undefined ? undefined : TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

function readGoaml(content: string): ReadFile {
  const { root, lineOf } = parseXml(content);
  const doc = new GoamlDocument(lineOf);
  const top = Object.keys(root);
  if (top.length !== 1 || top[0] !== 'report' || root.report!.length !== 1 || typeof root.report![0] === 'string') {
    throw badInput('input.content', 'a goAML file has exactly one root element, <report>; nothing was written');
  }
  const report = new Element(root, '', 1, doc).one('report')!;
  const reportCode = report.text('report_code') ?? '';
  const reason = report.text('reason');
  const currency = report.text('currency_code_local');
  const indicatorCodes = report.one('report_indicators')?.texts('indicator') ?? [];
  const indicators = indicatorCodes.filter((c) => c in FINANCIAL_INDICATORS);
  const rows: FileRow[] = [];

  const newRow = (el: Element, reference: string | null, description: string | undefined): FileRow => {
    const row: FileRow = {
      reportCode,
      reason: [reason, description].filter(Boolean).join('\n\n'),
      indicators,
      parties: [],
      contacts: [],
      path: el.path,
      line: el.line,
      reference,
      sources: new Map([
        ['reportCode', report.at('report_code')],
        ['reason', report.at('reason')],
        ['indicators', report.at('report_indicators')],
        ['currency', report.at('currency_code_local')],
      ]),
      errors: [],
    };
    if (!['STR', 'SAR'].includes(reportCode)) {
      row.errors.push({
        field: 'reportCode',
        message: `report_code "${reportCode}" is not taken: Tessera keeps STR and SAR reports`,
        ...report.at('report_code'),
      });
    }
    return row;
  };

  for (const tx of report.all('transaction')) {
    const row = newRow(tx, tx.text('transactionnumber') ?? null, tx.text('transaction_description'));
    const amount = tx.text('amount_local');
    if (amount !== undefined) {
      row.amount = Number(amount);
      row.currency = currency;
      row.sources.set('amount', tx.at('amount_local'));
      if (!Number.isFinite(row.amount)) row.errors.push({ field: 'amount', message: `"${amount}" is not a number`, ...tx.at('amount_local') });
    }
    row.dateFrom = row.dateTo = dateOf(tx.text('date_transaction'));
    row.sources.set('dateFrom', tx.at('date_transaction'));
    row.sources.set('dateTo', tx.at('date_transaction'));
    for (const [dir, other] of [
      ['from', 'to'],
      ['to', 'from'],
    ] as const) {
      for (const mine of [true, false]) {
        for (const side of tx.all(`t_${dir}${mine ? '_my_client' : ''}`)) {
          // The party flagged suspected is the subject; without flags, the reporting bank's own client is.
          const flag = suspected(side, `${dir}_is_suspected`);
          const otherFlag = tx
            .all(`t_${other}_my_client`)
            .concat(tx.all(`t_${other}`))
            .some((s) => suspected(s, `${other}_is_suspected`) === true);
          const subject = flag ?? (otherFlag ? false : mine);
          partiesOf(side, { person: [`${dir}_person`], entity: [`${dir}_entity`], account: [`${dir}_account`] }, subject ? 'SUBJECT' : 'COUNTERPARTY', row);
        }
      }
    }
    for (const party of tx.all('involved_parties').flatMap((p) => p.all('party'))) {
      partiesOf(party, PARTY_CHOICES, suspected(party, 'is_suspected') ? 'SUBJECT' : 'COUNTERPARTY', row);
    }
    rows.push(row);
  }
  for (const activity of report.all('activity')) {
    const row = newRow(activity, null, undefined);
    for (const party of activity.all('report_parties').flatMap((p) => p.all('report_party'))) {
      // An activity report's parties are who it is about, unless it says a party is not suspected.
      partiesOf(party, PARTY_CHOICES, suspected(party, 'is_suspected') === false ? 'COUNTERPARTY' : 'SUBJECT', row);
    }
    rows.push(row);
  }
  const unmapped = doc.unmapped(root);
  const unknownIndicators = indicatorCodes.length - indicators.length;
  if (unknownIndicators > 0)
    unmapped.push({ path: '/report/report_indicators/indicator (codes outside Tessera’s financial indicators)', count: unknownIndicators });
  return { rows, unmapped };
}

// ---- CSV ----

/** The CSV header: one record per party; records with the same report_ref are one report (docs/formats.md). */
export const CSV_COLUMNS = [
  'report_ref',
  'report_code',
  'reason',
  'indicators',
  'amount',
  'currency',
  'date_from',
  'date_to',
  'party_name',
  'party_significance',
  'party_account',
  'party_phone',
  'party_email',
] as const;
const REQUIRED_COLUMNS = ['report_ref', 'report_code', 'reason', 'party_name', 'party_significance'];
/** Report-level columns: given on a report's first record; a later record leaves them empty or repeats them. */
const REPORT_COLUMNS = ['report_code', 'reason', 'indicators', 'amount', 'currency', 'date_from', 'date_to'] as const;

function readCsv(content: string): ReadFile {
  const records = readCsvRecords(content, REPORT_FILE_LIMITS.maxElements);
  if (records.length > REPORT_FILE_LIMITS.maxElements) throw tooLarge('records', REPORT_FILE_LIMITS.maxElements);
  const header = records.length ? Object.keys(records[0]!.record) : (content.split(/\r?\n/, 1)[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw badInput('input.content', `the CSV header lacks ${missing.join(', ')} (docs/formats.md lists the columns); nothing was written`);
  const known = new Set<string>(CSV_COLUMNS);
  const unmappedCounts = new Map<string, number>();
  const rows = new Map<string, FileRow>();
  const firstRecords = new Map<string, Record<string, string>>();
  for (const { record, info } of records) {
    const line = info.lines;
    for (const [column, value] of Object.entries(record)) {
      if (!known.has(column) && value !== '') unmappedCounts.set(column, (unmappedCounts.get(column) ?? 0) + 1);
    }
    const ref = record.report_ref ?? '';
    const at = (column: string) => ({ path: column, line });
    let row = rows.get(ref);
    if (!row) {
      const amount = record.amount || undefined;
      row = {
        reportCode: record.report_code ?? '',
        reason: record.reason ?? '',
        indicators: (record.indicators ?? '')
          .split(/[;|]/)
          .map((s) => s.trim())
          .filter(Boolean),
        ...(amount !== undefined ? { amount: Number(amount) } : {}),
        ...(record.currency ? { currency: record.currency } : {}),
        ...(record.date_from ? { dateFrom: record.date_from } : {}),
        ...(record.date_to ? { dateTo: record.date_to } : {}),
        parties: [],
        contacts: [],
        path: `line ${line}`,
        line,
        reference: ref || null,
        sources: new Map([
          ['reportCode', at('report_code')],
          ['reason', at('reason')],
          ['indicators', at('indicators')],
          ['amount', at('amount')],
          ['currency', at('currency')],
          ['dateFrom', at('date_from')],
          ['dateTo', at('date_to')],
        ]),
        errors: [],
      };
      if (!ref) row.errors.push({ field: 'reference', message: 'report_ref is required', ...at('report_ref') });
      if (amount !== undefined && !Number.isFinite(Number(amount)))
        row.errors.push({ field: 'amount', message: `"${amount}" is not a number`, ...at('amount') });
      rows.set(ref, row);
      firstRecords.set(ref, record);
    } else {
      const first = firstRecords.get(ref)!;
      for (const column of REPORT_COLUMNS) {
        const value = record[column] ?? '';
        if (value !== '' && value !== (first[column] ?? '')) {
          row.errors.push({ field: column, message: `differs from the report's first record (line ${row.line}); leave it empty or repeat it`, ...at(column) });
        }
      }
    }
    const i = row.parties.length;
    const significance = (record.party_significance ?? '').toUpperCase();
    row.parties.push({
      name: record.party_name ?? '',
      significance: significance as FileParty['significance'],
      ...(record.party_account ? { account: { kind: 'BANK_ACCOUNT' as const, value: record.party_account } } : {}),
    });
    row.sources.set(`parties[${i}]`, at('party_name'));
    row.sources.set(`parties[${i}].name`, at('party_name'));
    row.sources.set(`parties[${i}].account.value`, at('party_account'));
    if (significance !== 'SUBJECT' && significance !== 'COUNTERPARTY') {
      row.errors.push({ field: `parties[${i}].significance`, message: 'must be SUBJECT or COUNTERPARTY', ...at('party_significance') });
    }
    for (const [column, kind] of [
      ['party_phone', 'PHONE'],
      ['party_email', 'EMAIL'],
    ] as const) {
      const value = record[column];
      if (!value) continue;
      row.sources.set(`contacts[${row.contacts.length}].value`, at(column));
      row.contacts.push({ kind, value });
    }
  }
  return { rows: [...rows.values()], unmapped: [...unmappedCounts.entries()].map(([path, count]) => ({ path, count })) };
}
