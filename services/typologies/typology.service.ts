import { SqlParams } from '../../policies/sql';
import { appendAudit, ownRecordEvent, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import { handlingInsert, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { getVisible, selectPage, selectVisible } from '../kernel/repository';
import { assertIndicators, FINANCIAL_INDICATORS } from '../kernel/taxonomy';
import { isoDate, period, text } from '../kernel/validate';
import { describeFirstIdentifier } from '../narratives/api';
import type { SubmitTypologyInput, TypologyFilter } from './typology.input';
import { typologyTable } from './typology.repository';

/** Typologies: de-identified financial patterns a bank shares with its peers. */

type Projected = Record<string, unknown>;

const COUNTRY = /^[A-Z]{2}$/;

/** Visible raw record by id, or undefined: "does not exist" and "does not reach you" are one answer. */
export const getTypology = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, typologyTable, id);

export async function listTypologies(ctx: RequestContext, filter: TypologyFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  if (f.geography && !COUNTRY.test(f.geography)) throw badInput('filter.geography', 'must be an ISO 3166-1 alpha-2 code');
  const { rows, ...rest } = await selectPage(ctx, typologyTable, window, {
    filterFields: [...(f.indicator ? ['indicators'] : []), ...(f.channel ? ['channels'] : []), ...(f.geography ? ['geography'] : [])],
    where: (p) => [
      ...(f.indicator ? [`${p.add(f.indicator)} = ANY(t.indicators)`] : []),
      ...(f.channel ? [`${p.add(f.channel)} = ANY(t.channels)`] : []),
      ...(f.geography ? [`${p.add(f.geography)} = ANY(t.geography)`] : []),
    ],
    orderBy: 't.created_at DESC, t.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/** Reports whose period overlaps [dateFrom, dateTo]; a report without dates matches no date filter. */
// ---- contribution -------------------------------------------------------------------------

/** Short free-text labels (channels, amount bands): at most 50, each 1..100 characters. */
function labels(field: string, values: string[] | undefined): string[] {
  if ((values?.length ?? 0) > 50) throw badInput(field, 'at most 50 entries');
  return (values ?? []).map((v, i) => text(`${field}[${i}]`, v, { max: 100, required: true })!);
}

/**
 * A typology reaches peers: none of its free-text fields may carry an identifier (a phone, an
 * email, an account, a profile, an advert's URL). The message says what and where, never the value.
 */
function assertNoIdentifier(ctx: RequestContext, field: string, value: string | null): void {
  const found = value ? describeFirstIdentifier(value, { country: ctx.actor.country }) : undefined;
  if (found) throw badInput(field, `must not carry identifiers (found ${found}): typologies reach every peer, so put identifiers in a transaction report`);
}

export async function submitTypology(ctx: RequestContext, input: SubmitTypologyInput): Promise<Projected> {
  validateHandling(input.handling, 'input.handling');
  const title = text('input.title', input.title, { max: 200, required: true });
  const pattern = text('input.pattern', input.pattern, { max: 10000, required: true });
  assertIndicators('input.indicators', input.indicators, FINANCIAL_INDICATORS);
  const channels = labels('input.channels', input.channels);
  const amountBands = labels('input.amountBands', input.amountBands);
  assertNoIdentifier(ctx, 'input.handling.handlingConditions', input.handling.handlingConditions ?? null);
  assertNoIdentifier(ctx, 'input.title', title);
  assertNoIdentifier(ctx, 'input.pattern', pattern);
  channels.forEach((c, i) => assertNoIdentifier(ctx, `input.channels[${i}]`, c));
  amountBands.forEach((a, i) => assertNoIdentifier(ctx, `input.amountBands[${i}]`, a));
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
      const fields = writtenFields({
        title,
        pattern,
        indicators: input.indicators,
        channels,
        amountBands,
        geography: input.geography,
        periodStart: start,
        periodEnd: end,
      });
      await appendAudit(tx, ctx, [ownRecordEvent(ctx, 'COLLECT', 'Typology', row!.id, fields)]);
      return row!.id;
    },
  });
  ctx.log.info({ typologyId: id, op: 'submitTypology' }, 'typology submitted');
  return getTypology(ctx, id);
}

/** Of these typology ids, those of the caller's agency that reach the caller: one statement. */
export async function ownTypologies(ctx: RequestContext, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await selectVisible(ctx, typologyTable, {
    where: (p) => [`t.id = ANY(${p.add(ids)}::uuid[])`, `t.owner_agency_id = ${p.add(ctx.actor.agencyId)}`],
  });
  return new Set(rows.map((r) => r.id as string));
}
