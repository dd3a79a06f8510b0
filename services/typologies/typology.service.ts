import { SqlParams } from '../../policies/sql';
import { normaliseIdentifier } from '../entities/identifier';
import { type NormalisedIdentifier, observe } from '../entities/observe';
import type { RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { assertUuid, handlingInsert, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { findVisible, getVisible, selectVisible } from '../kernel/repository';
import { assertIndicators, FINANCIAL_INDICATORS } from '../kernel/taxonomy';
import { isoDate, period, text } from '../kernel/validate';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import type { SubmitTransactionReportInput, SubmitTypologyInput, TransactionReportFilter, TypologyFilter } from './typology.input';
import { transactionReportTable, typologyTable } from './typology.repository';

type Projected = Record<string, unknown>;

const COUNTRY = /^[A-Z]{2}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_PARTIES = 200;

/** Visible raw record by id, or undefined: "does not exist" and "does not reach you" are one answer. */
export const getTypology = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, typologyTable, id);

export const getTransactionReport = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, transactionReportTable, id);

export async function listTypologies(ctx: RequestContext, filter: TypologyFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  if (f.geography && !COUNTRY.test(f.geography)) throw badInput('filter.geography', 'must be an ISO 3166-1 alpha-2 code');
  const { rows, total } = await selectVisible(ctx, typologyTable, {
    filterFields: [...(f.indicator ? ['indicators'] : []), ...(f.channel ? ['channels'] : []), ...(f.geography ? ['geography'] : [])],
    withTotal: true,
    where: (p) => [
      ...(f.indicator ? [`${p.add(f.indicator)} = ANY(t.indicators)`] : []),
      ...(f.channel ? [`${p.add(f.channel)} = ANY(t.channels)`] : []),
      ...(f.geography ? [`${p.add(f.geography)} = ANY(t.geography)`] : []),
    ],
    orderBy: 't.created_at DESC, t.id',
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(projectAll(ctx, rows), total, window);
}

/** Reports whose period overlaps [dateFrom, dateTo]; a report without dates matches no date filter. */
export async function listTransactionReports(ctx: RequestContext, filter: TransactionReportFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const from = isoDate('filter.dateFrom', f.dateFrom);
  const to = isoDate('filter.dateTo', f.dateTo);
  const { rows, total } = await selectVisible(ctx, transactionReportTable, {
    filterFields: [...(f.indicator ? ['indicators'] : []), ...(f.dateFrom || f.dateTo ? ['dateFrom', 'dateTo'] : [])],
    withTotal: true,
    where: (p) => [
      ...(f.indicator ? [`${p.add(f.indicator)} = ANY(r.indicators)`] : []),
      ...(from ? [`coalesce(r.date_to, r.date_from) >= ${p.add(from)}::date`] : []),
      ...(to ? [`coalesce(r.date_from, r.date_to) <= ${p.add(to)}::date`] : []),
    ],
    orderBy: 'r.created_at DESC, r.id',
    limit: window.limit,
    offset: window.offset,
  });
  return toPage(projectAll(ctx, rows), total, window);
}

// ---- contribution -------------------------------------------------------------------------

/** Short free-text labels (channels, amount bands): at most 50, each 1..100 characters. */
function labels(field: string, values: string[] | undefined): string[] {
  if ((values?.length ?? 0) > 50) throw badInput(field, 'at most 50 entries');
  return (values ?? []).map((v, i) => text(`${field}[${i}]`, v, { max: 100, required: true })!);
}

export async function submitTypology(ctx: RequestContext, input: SubmitTypologyInput): Promise<Projected> {
  validateHandling(input.handling, 'input.handling');
  const title = text('input.title', input.title, { max: 200, required: true });
  const pattern = text('input.pattern', input.pattern, { max: 10000, required: true });
  assertIndicators('input.indicators', input.indicators, FINANCIAL_INDICATORS);
  const channels = labels('input.channels', input.channels);
  const amountBands = labels('input.amountBands', input.amountBands);
  input.geography?.forEach((c, i) => {
    if (!COUNTRY.test(c)) throw badInput(`input.geography[${i}]`, 'must be an ISO 3166-1 alpha-2 code');
  });
  const start = isoDate('input.periodStart', input.periodStart);
  const end = isoDate('input.periodEnd', input.periodEnd);
  period('input.periodEnd', start, end);
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'Typology', ownerAgencyId: ctx.actor.agencyId });
  const hash = requestHash(input);

  const id = await submitOnce(ctx, {
    table: 'typologies.typologies',
    subject: 'typology',
    key,
    hash,
    insert: async (tx) => {
      const params = new SqlParams();
      const meta = handlingInsert(ctx.actor, input.handling, params);
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO typologies.typologies (${meta.columns}, title, pattern, indicators, channels, amount_bands, geography, period_start, period_end, idempotency_key, request_hash)
         VALUES (${meta.values}, ${params.add(title)}, ${params.add(pattern)}, ${params.add(input.indicators ?? [])}, ${params.add(channels)},
           ${params.add(amountBands)}, ${params.add(input.geography ?? [])}, ${params.add(start)}, ${params.add(end)}, ${params.add(key)}, ${params.add(hash)}) RETURNING id`,
        params.values,
      );
      return row!.id;
    },
  });
  ctx.log.info({ typologyId: id, op: 'submitTypology' }, 'typology submitted');
  return getTypology(ctx, id);
}

interface PartyAccount {
  position: number;
  identifier: NormalisedIdentifier;
}

/** Checks the report and normalises the party accounts, so a bad account is refused by its own field before anything is written. */
function validateReport(input: SubmitTransactionReportInput): PartyAccount[] {
  validateHandling(input.handling, 'input.handling');
  assertIndicators('input.indicators', input.indicators, FINANCIAL_INDICATORS);
  const { amount, currency } = input;
  if (amount !== undefined && amount !== null) {
    if (!Number.isFinite(amount) || amount < 0 || amount >= 1e16 || Math.round(amount * 100) / 100 !== amount) {
      throw badInput('input.amount', 'must be a non-negative amount with at most two decimals');
    }
    if (!currency) throw badInput('input.currency', 'is required with an amount');
  }
  if (currency && !CURRENCY.test(currency)) throw badInput('input.currency', 'must be an ISO 4217 code such as GBP');
  period('input.dateTo', isoDate('input.dateFrom', input.dateFrom), isoDate('input.dateTo', input.dateTo));
  if (input.typologyId) assertUuid('input.typologyId', input.typologyId);
  if (input.parties.length < 1 || input.parties.length > MAX_PARTIES) throw badInput('input.parties', `name 1 to ${MAX_PARTIES} parties`);
  return input.parties.flatMap((p, position) => {
    text(`input.parties[${position}].name`, p.name, { max: 200, required: true });
    if (!p.account) return [];
    const value = normaliseIdentifier(p.account.kind, p.account.value, `input.parties[${position}].account.value`);
    return [{ position, identifier: { kind: p.account.kind, value } }];
  });
}

/**
 * One transaction: the report, an observation per party account (owned and marked like the report)
 * and the parties pointing at the account entities. Idempotent on the key.
 */
export async function submitTransactionReport(ctx: RequestContext, input: SubmitTransactionReportInput): Promise<Projected> {
  const accounts = validateReport(input);
  const reason = text('input.reason', input.reason, { max: 20000, required: true });
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'TransactionReport', ownerAgencyId: ctx.actor.agencyId });
  if (input.typologyId) {
    const typology = await findVisible(ctx, typologyTable, input.typologyId);
    if (typology?.ownerAgencyId !== ctx.actor.agencyId) throw notFound('Typology');
  }
  const hash = requestHash(input);

  const id = await submitOnce(ctx, {
    table: 'typologies.transaction_reports',
    subject: 'transaction report',
    key,
    hash,
    insert: async (tx) => {
      const params = new SqlParams();
      const meta = handlingInsert(ctx.actor, input.handling, params);
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO typologies.transaction_reports (${meta.columns}, report_code, reason, indicators, amount, currency, date_from, date_to, typology_id, idempotency_key, request_hash)
         VALUES (${meta.values}, ${params.add(input.reportCode)}, ${params.add(reason)}, ${params.add(input.indicators ?? [])}, ${params.add(input.amount ?? null)},
           ${params.add(input.currency ?? null)}, ${params.add(input.dateFrom ?? null)}, ${params.add(input.dateTo ?? null)}, ${params.add(input.typologyId ?? null)},
           ${params.add(key)}, ${params.add(hash)}) RETURNING id`,
        params.values,
      );
      const reportId = row!.id;
      const observed = await observe(tx, ctx.actor, { type: 'TRANSACTION_REPORT', id: reportId, handling: input.handling }, accounts.map((a) => a.identifier));
      const entityAt = new Map(accounts.map((a, i) => [a.position, observed[i]!.entityId]));
      await tx.query(
        `INSERT INTO typologies.report_parties (report_id, position, name, significance, account_entity_id)
         SELECT $1, p.position, p.name, p.significance, p.account_entity_id
         FROM unnest($2::int[], $3::text[], $4::text[], $5::uuid[]) AS p(position, name, significance, account_entity_id)`,
        [
          reportId,
          input.parties.map((_, i) => i),
          input.parties.map((p) => p.name.trim()),
          input.parties.map((p) => p.significance),
          input.parties.map((_, i) => entityAt.get(i) ?? null),
        ],
      );
      return reportId;
    },
  });
  ctx.log.info({ reportId: id, op: 'submitTransactionReport' }, 'transaction report submitted');
  return getTransactionReport(ctx, id);
}
