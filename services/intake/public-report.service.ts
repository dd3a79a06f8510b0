import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PolicyRecord } from '../../policies/subjects';
import { appendAudit, writtenFields } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, conflict, notFound } from '../kernel/errors';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { projectAll, projectOne } from '../kernel/policy';
import { getVisible, selectPage, type SubjectTable } from '../kernel/repository';
import { issueChallenge, verifyChallenge } from './challenge';
import type { AddToPublicReportInput, SubmitPublicReportInput } from './intake.type';
import { cleanPhoto, type CleanPhoto, MAX_PHOTOS } from './photos';
import { fingerprint, publicText, spamReason } from './public-text';

/** Limits on what one report may carry (characters). */
export const MAX_STORY = 20_000;
const MAX_SHORT = 200;
const MAX_CONTACT = 500;
const MAX_LANGUAGE = 35;
/** The same story (fingerprint) this many times in a day is refused; earlier copies are kept, marked as duplicates of the first. */
export const MAX_COPIES_PER_DAY = 3;

// ---- receipt codes --------------------------------------------------------------------------

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 16 characters of Crockford base32 (80 random bits), grouped by four: shown to the reporter once, never stored. */
export function newReceiptCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** What the hub keeps of a receipt code: its SHA-256, after reading it as a person might type it (case, dashes, spaces, O for 0, I or L for 1). */
export function receiptHash(code: string): Buffer | undefined {
  if (typeof code !== 'string' || code.length > 64) return undefined;
  const normal = code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(normal)) return undefined;
  return createHash('sha256').update(`tessera-receipt:${normal}`).digest();
}

// ---- the public's side ---------------------------------------------------------------------

export function publicReportChallenge() {
  return issueChallenge();
}

/**
 * A challenge is spent by its first use, whatever becomes of the report (refused as spam or not):
 * in its own statement, before the report's transaction.
 */
async function spendChallenge(ctx: RequestContext, challenge: unknown, nonce: unknown): Promise<void> {
  const verdict = verifyChallenge(challenge, nonce);
  if (!verdict.ok) throw badInput('input.nonce', `the proof of work was not accepted (${verdict.reason}): fetch a new publicReportChallenge`);
  const [row] = await ctx.db.query<{ spent: boolean }>('SELECT intake.spend_challenge($1, $2) AS spent', [verdict.id, verdict.expiresAt]);
  if (!row?.spent) throw badInput('input.challenge', 'this challenge was already used: fetch a new publicReportChallenge');
}

function coordinate(field: string, value: number | null | undefined, limit: number): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isFinite(value) || Math.abs(value) > limit) throw badInput(field, `must be a number between -${limit} and ${limit}`);
  return Math.round(value * 100) / 100;
}

export interface ValidReport {
  story: string;
  when: string | null;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  situationKind: string | null;
  language: string;
  contact: string | null;
}

export function validateReport(input: SubmitPublicReportInput): ValidReport {
  const story = publicText('input.story', input.story, { max: MAX_STORY, required: true })!;
  const spam = spamReason(story);
  if (spam) throw badInput('input.story', `was refused as spam (${spam})`);
  const latitude = coordinate('input.latitude', input.latitude, 90);
  const longitude = coordinate('input.longitude', input.longitude, 180);
  if ((latitude === null) !== (longitude === null)) throw badInput('input.latitude', 'give both latitude and longitude, or neither');
  if ((input.photos?.length ?? 0) > MAX_PHOTOS) throw badInput('input.photos', `at most ${MAX_PHOTOS} photos`);
  return {
    story,
    when: publicText('input.when', input.when, { max: MAX_SHORT }),
    place: publicText('input.place', input.place, { max: MAX_SHORT }),
    latitude,
    longitude,
    situationKind: input.situationKind ?? null,
    language: publicText('input.language', input.language, { max: MAX_LANGUAGE, required: true })!,
    contact: publicText('input.contact', input.contact, { max: MAX_CONTACT }),
  };
}

/**
 * A report from the public, with its photos re-encoded without metadata, and its receipt code
 * (returned once; the hub keeps its hash). Nothing of the sender is stored: the actor is the one
 * public actor, and the request carries no address or device to keep. A text seen before today
 * is kept as a duplicate of the first; seen MAX_COPIES_PER_DAY times today, it is refused.
 */
export async function submitPublicReport(ctx: RequestContext, input: SubmitPublicReportInput): Promise<{ receiptCode: string; receivedOn: string }> {
  const report = validateReport(input);
  // The proof of work is checked (and spent) before any photo is decoded: the costly work is done for solved challenges only.
  await spendChallenge(ctx, input.challenge, input.nonce);
  const photos: CleanPhoto[] = [];
  for (const [i, p] of (input.photos ?? []).entries()) photos.push(await cleanPhoto(`input.photos[${i}]`, p));
  const receiptCode = newReceiptCode();
  const fp = fingerprint(report.story);
  const receivedOn = await ctx.db.transaction(async (tx) => {
    // Two copies racing are serialised on their fingerprint, so the daily count holds.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended(encode($1::bytea, $2), 0))', [fp, 'hex']);
    const [seen] = await tx.query<{ firstId: string | null; n: number }>(
      `SELECT first_id AS "firstId", n FROM intake.recent_fingerprints($1, now() - interval '1 day')`,
      [fp],
    );
    if ((seen?.n ?? 0) >= MAX_COPIES_PER_DAY)
      throw conflict('This report was already received several times today', { field: 'input.story', reason: 'DUPLICATE' });
    // No RETURNING: the public actor reads no row back, not even its own (row-level security).
    const id = randomUUID();
    await tx.query(
      `INSERT INTO intake.public_reports (id, story, occurred_when, place, latitude, longitude, situation_kind, language, contact, receipt_hash, fingerprint, duplicate_of)
       VALUES ($12, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        report.story,
        report.when,
        report.place,
        report.latitude,
        report.longitude,
        report.situationKind,
        report.language,
        report.contact,
        receiptHash(receiptCode),
        fp,
        seen?.firstId ?? null,
        id,
      ],
    );
    const [row] = await tx.query<{ receivedOn: string }>(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS "receivedOn"`);
    for (const [position, p] of photos.entries()) {
      await tx.query('INSERT INTO intake.public_report_photos (report_id, position, media_type, width, height, content) VALUES ($1, $2, $3, $4, $5, $6)', [
        id,
        position,
        p.mediaType,
        p.width,
        p.height,
        p.content,
      ]);
    }
    const fields = writtenFields({ ...report, photos });
    await appendAudit(tx, ctx, [{ action: 'COLLECT', subjectType: 'PublicReport', subjectId: id, recordOwnerAgencyId: null, fields }]);
    return row!.receivedOn;
  });
  ctx.log.info({ op: 'submitPublicReport', photos: photos.length }, 'public report received');
  return { receiptCode, receivedOn };
}

interface Receipt {
  reportId: string;
  receivedOn: string;
  status: string;
  additionCount: number;
}

async function receipt(ctx: RequestContext, code: string): Promise<Receipt | undefined> {
  const hash = receiptHash(code);
  if (!hash) return undefined;
  const [row] = await ctx.db.query<Receipt>(
    `SELECT report_id AS "reportId", to_char(received_on, 'YYYY-MM-DD') AS "receivedOn", status, addition_count AS "additionCount" FROM intake.receipt($1)`,
    [hash],
  );
  return row;
}

const receiptRecord = (r: Receipt): PolicyRecord => ({
  __typename: 'PublicReportReceipt',
  receivedOn: r.receivedOn,
  status: r.status,
  additionCount: r.additionCount,
});

/** That a report arrived and where it stands, for whoever holds its receipt code; a wrong code is NOT_FOUND. */
export async function publicReportReceipt(ctx: RequestContext, code: string): Promise<Record<string, unknown>> {
  const found = await receipt(ctx, code);
  if (!found) throw notFound('PublicReportReceipt');
  return projectOne(ctx, receiptRecord(found));
}

/** More information for a report, by its receipt code (and a spent challenge, like a report). */
export async function addToPublicReport(ctx: RequestContext, input: AddToPublicReportInput): Promise<Record<string, unknown>> {
  const addition = publicText('input.text', input.text, { max: MAX_STORY, required: true })!;
  const spam = spamReason(addition);
  if (spam) throw badInput('input.text', `was refused as spam (${spam})`);
  if (!receiptHash(input.receiptCode)) throw notFound('PublicReportReceipt');
  await spendChallenge(ctx, input.challenge, input.nonce);
  const found = await receipt(ctx, input.receiptCode);
  if (!found) throw notFound('PublicReportReceipt');
  // A closed report is in no one's queue any more: what is added to it would be read by no one.
  if (found.status === 'CLOSED') throw conflict('This report has been closed: please send what you would add as a new report', { field: 'input.receiptCode' });
  await ctx.db.transaction(async (tx) => {
    await tx.query('INSERT INTO intake.public_report_additions (report_id, text) VALUES ($1, $2)', [found.reportId, addition]);
    await appendAudit(tx, ctx, [{ action: 'ALTER', subjectType: 'PublicReport', subjectId: found.reportId, recordOwnerAgencyId: null, fields: ['additions'] }]);
  });
  ctx.log.info({ op: 'addToPublicReport' }, 'public report added to');
  return projectOne(ctx, receiptRecord({ ...found, additionCount: found.additionCount + 1 }));
}

// ---- the hub's side ------------------------------------------------------------------------

export const publicReportTable: SubjectTable = {
  subject: 'PublicReport',
  table: 'intake.public_reports',
  alias: 'r',
  columns: `r.id, r.received_at AS "receivedAt", r.story, r.occurred_when AS "occurredWhen", r.place,
    r.latitude::float8 AS latitude, r.longitude::float8 AS longitude, r.situation_kind AS "situationKind", r.language, r.contact,
    r.duplicate_of AS "duplicateOf", r.status,
    coalesce((SELECT json_agg(json_build_object('id', p.id, 'position', p.position, 'mediaType', p.media_type, 'width', p.width, 'height', p.height) ORDER BY p.position)
      FROM intake.public_report_photos p WHERE p.report_id = r.id), '[]') AS photos,
    coalesce((SELECT json_agg(json_build_object('addedAt', a.added_at, 'text', a.text) ORDER BY a.added_at, a.id)
      FROM intake.public_report_additions a WHERE a.report_id = r.id), '[]') AS additions`,
  attributes: () => ({}),
  map: (row) => {
    for (const a of row.additions as Array<{ addedAt: string | Date }>) a.addedAt = new Date(a.addedAt);
    return { __typename: 'PublicReport', ...row } as PolicyRecord;
  },
};

export const getPublicReport = (ctx: RequestContext, id: string) => getVisible(ctx, publicReportTable, id);

/** Newest first: the queue part 3's triage starts from. */
export async function listPublicReports(ctx: RequestContext, page: PageArgs) {
  const window = pageWindow(page);
  const { rows, ...rest } = await selectPage(ctx, publicReportTable, window, {
    orderBy: 'r.received_at DESC, r.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/** A photo's JPEG, base64, for a caller the photo's row reaches (the hub's analysts: row-level security). */
export async function photoContent(ctx: RequestContext, photoId: string): Promise<string | null> {
  if (!ctx.ability.can('read', 'PublicReport', 'photos')) return null;
  const [row] = await ctx.db.query<{ content: string }>(`SELECT encode(content, 'base64') AS content FROM intake.public_report_photos WHERE id = $1`, [
    photoId,
  ]);
  return row?.content ?? null;
}
