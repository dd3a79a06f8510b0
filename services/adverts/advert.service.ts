import { createHash, randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { entityIdsSql, recordLinksBySource, recordObservationsBySource } from '../entities/api';
import { appendAudit, type AuditEventInput, ownRecordEvent } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { conflict, ErrorCode } from '../kernel/errors';
import { countryOf, normaliseIdentifier } from '../kernel/identifier';
import { type HandlingInput, validateHandling } from '../kernel/marked-record';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanCreate, projectAll } from '../kernel/policy';
import { getVisible, selectPage } from '../kernel/repository';
import { type AdvertFileFormat, type LineError, readAdvertFile, type ValidAdvert } from './advert-file';
import { advertTable } from './advert.repository';

/** The hub's advert feed: files of adverts ingested once, each advert kept once per site and advert id. */

type Projected = Record<string, unknown>;

const MAX_REPORTED_ERRORS = 100;

export const getAdvert = (ctx: RequestContext, id: string): Promise<Projected> => getVisible(ctx, advertTable, id);

export interface AdvertFilter {
  phone?: string;
  site?: string;
  city?: string;
}

export async function listAdverts(ctx: RequestContext, filter: AdvertFilter | undefined, page: PageArgs) {
  const window = pageWindow(page);
  const f = filter ?? {};
  const phone = f.phone ? normalisedPhone(ctx, f.phone) : undefined;
  const { rows, ...rest } = await selectPage(ctx, advertTable, window, {
    filterFields: [...(phone ? ['phones'] : []), ...(f.site ? ['site'] : []), ...(f.city ? ['city'] : [])],
    where: (p) => [
      ...(phone ? [`a.phones @> ARRAY[${p.add(phone)}]::text[]`] : []),
      ...(f.site ? [`a.site = ${p.add(f.site.trim().toLowerCase())}`] : []),
      ...(f.city ? [`lower(a.city) = lower(${p.add(f.city.trim())})`] : []),
    ],
    orderBy: 'a.last_seen DESC, a.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/** The same reading as ingestion: a national-format number in the caller's agency's country. */
function normalisedPhone(ctx: RequestContext, raw: string): string {
  return normaliseIdentifier('PHONE', raw, 'filter.phone', countryOf(undefined, ctx.actor.country, 'filter.phone'));
}

export interface ImportAdvertsInput {
  format: AdvertFileFormat;
  content: string;
  /** ISO 3166-1 alpha-2: how national-format phones are read when a line names no country (the sites' country). */
  country?: string;
  handling: HandlingInput;
}

export interface AdvertImport {
  id: string;
  advertCount: number;
  createdCount: number;
  updatedCount: number;
  replayed: boolean;
  importedAt: Date;
}

function invalidFile(errors: LineError[]): GraphQLError {
  const lines = new Set(errors.map((e) => e.line)).size;
  return new GraphQLError(`${errors.length} invalid field(s) on ${lines} line(s); nothing was written`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: 'input.content', errorCount: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) },
  });
}

/** A Postgres array literal of strings, for a per-row array column in an unnest insert. */
function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/** Lines naming the same advert (site and advert id) are one sighting span: earliest first-seen, latest last-seen, every identifier. */
function mergeSightings(adverts: ValidAdvert[]): ValidAdvert[] {
  const byKey = new Map<string, ValidAdvert>();
  for (const a of adverts) {
    const key = `${a.site}\u0000${a.advertRef}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...a });
      continue;
    }
    const latest = a.lastSeen >= seen.lastSeen ? a : seen;
    byKey.set(key, {
      ...latest,
      firstSeen: a.firstSeen < seen.firstSeen ? a.firstSeen : seen.firstSeen,
      lastSeen: latest.lastSeen,
      phones: union(seen.phones, a.phones),
      handles: union(seen.handles, a.handles),
      imageHashes: union(seen.imageHashes, a.imageHashes),
      indicators: [...new Set([...seen.indicators, ...a.indicators])],
    });
  }
  return [...byKey.values()];
}

/**
 * A partner's file of adverts (NDJSON or CSV), ingested all or nothing in the request's transaction:
 * every line is validated first, and any malformed line refuses the file (BAD_USER_INPUT,
 * extensions.errors `{ line, field, message }`). A file is known by the hash of its content and
 * handling: sent again, it writes nothing and answers the first ingestion (`replayed`). So a feed
 * split into files resumes after a failure by sending every file again. Each advert is kept once
 * per site and advert id: seen again (in this file or a later one) its first-seen and last-seen
 * widen and new phones, handles and image hashes join it. Phones and handles new to an advert are
 * observed in the entity graph with the advert as their source and handling.
 */
export async function importAdverts(ctx: RequestContext, input: ImportAdvertsInput): Promise<AdvertImport> {
  assertCanCreate(ctx, { __typename: 'Advert', ownerAgencyId: ctx.actor.agencyId });
  validateHandling(input.handling, 'input.handling');
  const country = countryOf(input.country, ctx.actor.country, 'input.country');
  const file = readAdvertFile(input.format, input.content, country);
  if (file.errors.length) throw invalidFile(file.errors);
  const hash = createHash('sha256')
    .update(JSON.stringify({ format: input.format, country: country ?? null, handling: input.handling, content: input.content }))
    .digest('hex');
  const started = Date.now();
  const adverts = mergeSightings(file.adverts);

  return ctx.db.transaction(async (tx) => {
    const h = input.handling;
    // Lists compared as sets (a file may name the same agencies in another order).
    const same = (column: string, value: string) => `(a.${column} @> ${value} AND a.${column} <@ ${value})`;
    const sameHandling = `a.marking = $4 AND ${same('shared_with_agency_ids', '$5::uuid[]')} AND ${same('shared_with_group_ids', '$6::uuid[]')} AND ${same('red_recipient_user_ids', '$7::uuid[]')}`;
    const handlingParams = [h.marking, h.sharedWithAgencyIds ?? [], h.sharedWithGroupIds ?? [], h.redRecipientUserIds ?? []];
    const existing = await tx.query<{ id: string; site: string; ref: string; url: string | null; phones: string[]; handles: string[]; same: boolean }>(
      `SELECT a.id, a.site, a.advert_ref AS ref, a.url, a.phones, a.handles, (${sameHandling}) AS same FROM adverts.adverts a
       JOIN unnest($2::text[], $3::text[]) AS k(site, ref) ON a.site = k.site AND a.advert_ref = k.ref
       WHERE a.owner_agency_id = $1`,
      [ctx.actor.agencyId, adverts.map((a) => a.site), adverts.map((a) => a.advertRef), ...handlingParams],
    );
    // An advert is held under one handling: what a file under another adds would reach whom the
    // stored row reaches (a RED sighting added to a GREEN advert would reach every police force).
    const other = existing.find((e) => !e.same);
    if (other)
      throw conflict(`advert ${other.site} ${other.ref} is held under another marking or sharing: send it with the same handling, or under another advert id`, {
        field: 'input.handling',
      });
    const known = new Map(existing.map((e) => [`${e.site}\u0000${e.ref}`, e]));
    const createdCount = adverts.filter((a) => !known.has(`${a.site}\u0000${a.advertRef}`)).length;
    const [created] = await tx.query<{ id: string; created_at: Date }>(
      `INSERT INTO adverts.imports (owner_agency_id, contributor_user_id, file_hash, advert_count, created_count, updated_count)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (owner_agency_id, file_hash) DO NOTHING RETURNING id, created_at`,
      [ctx.actor.agencyId, ctx.actor.userId, hash, adverts.length, createdCount, adverts.length - createdCount],
    );
    if (!created) {
      const [row] = await tx.query<AdvertImport>(
        `SELECT id, advert_count AS "advertCount", created_count AS "createdCount", updated_count AS "updatedCount", created_at AS "importedAt"
         FROM adverts.imports WHERE owner_agency_id = $1 AND file_hash = $2`,
        [ctx.actor.agencyId, hash],
      );
      return { ...row!, replayed: true };
    }
    const proposed = adverts.map((a) => known.get(`${a.site}\u0000${a.advertRef}`)?.id ?? randomUUID());
    const col = <T>(fn: (a: ValidAdvert) => T) => adverts.map(fn);
    const written = await tx.query<{ id: string; site: string; ref: string }>(
      `INSERT INTO adverts.adverts AS a (id, owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
         handling_conditions, shared_with_agency_ids, shared_with_group_ids, red_recipient_user_ids, site, advert_ref, url, first_seen, last_seen, location,
         city, phones, handles, image_hashes, text, collector, indicators, import_id)
       SELECT r.id, $1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9::uuid[], $10::uuid[], r.site, r.ref, r.url, r.first_seen, r.last_seen, r.location, r.city,
         r.phones::text[], r.handles::text[], r.hashes::text[], r.text, r.collector, r.indicators::text[], $11
       FROM unnest($12::uuid[], $13::text[], $14::text[], $15::text[], $16::timestamptz[], $17::timestamptz[], $18::text[], $19::text[], $20::text[],
         $21::text[], $22::text[], $23::text[], $24::text[], $25::text[]) AS r(id, site, ref, url, first_seen, last_seen, location, city, phones, handles, hashes,
         text, collector, indicators)
       ON CONFLICT (owner_agency_id, site, advert_ref) DO UPDATE SET
         first_seen = least(a.first_seen, EXCLUDED.first_seen),
         last_seen = greatest(a.last_seen, EXCLUDED.last_seen),
         url = coalesce(EXCLUDED.url, a.url),
         location = CASE WHEN EXCLUDED.last_seen >= a.last_seen THEN coalesce(EXCLUDED.location, a.location) ELSE a.location END,
         city = CASE WHEN EXCLUDED.last_seen >= a.last_seen THEN coalesce(EXCLUDED.city, a.city) ELSE a.city END,
         text = CASE WHEN EXCLUDED.last_seen >= a.last_seen THEN coalesce(EXCLUDED.text, a.text) ELSE a.text END,
         phones = ARRAY(SELECT DISTINCT unnest(a.phones || EXCLUDED.phones) ORDER BY 1),
         handles = ARRAY(SELECT DISTINCT unnest(a.handles || EXCLUDED.handles) ORDER BY 1),
         image_hashes = ARRAY(SELECT DISTINCT unnest(a.image_hashes || EXCLUDED.image_hashes) ORDER BY 1),
         indicators = ARRAY(SELECT DISTINCT unnest(a.indicators || EXCLUDED.indicators) ORDER BY 1),
         import_id = EXCLUDED.import_id,
         updated_at = now()
       WHERE a.marking = EXCLUDED.marking AND ${same('shared_with_agency_ids', 'EXCLUDED.shared_with_agency_ids')}
         AND ${same('shared_with_group_ids', 'EXCLUDED.shared_with_group_ids')} AND ${same('red_recipient_user_ids', 'EXCLUDED.red_recipient_user_ids')}
       RETURNING a.id, a.site, a.advert_ref AS ref`,
      [
        ctx.actor.agencyId,
        ctx.actor.userId,
        h.marking,
        h.sourceEvaluation,
        h.intelligenceAssessment,
        h.handlingCode,
        h.handlingConditions ?? null,
        h.sharedWithAgencyIds ?? [],
        h.sharedWithGroupIds ?? [],
        h.redRecipientUserIds ?? [],
        created.id,
        proposed,
        col((a) => a.site),
        col((a) => a.advertRef),
        col((a) => a.url),
        col((a) => a.firstSeen),
        col((a) => a.lastSeen),
        col((a) => a.location),
        col((a) => a.city),
        col((a) => pgArray(a.phones)),
        col((a) => pgArray(a.handles)),
        col((a) => pgArray(a.imageHashes)),
        col((a) => a.text),
        col((a) => a.collector),
        col((a) => pgArray(a.indicators)),
      ],
    );
    // Fewer rows: a concurrent file wrote one of these adverts first, under another handling.
    if (written.length !== adverts.length)
      throw conflict('an advert of this file was written meanwhile under another marking or sharing: send the file again', { field: 'input.handling' });
    // The ids the rows have: a concurrent file may have written one of these adverts first (the upsert then updated its row).
    const stored = new Map(written.map((w) => [`${w.site}\u0000${w.ref}`, w.id]));
    const ids = adverts.map((a) => stored.get(`${a.site}\u0000${a.advertRef}`)!);
    // Identifiers new to each advert join the entity graph, the advert their source (one statement for every entity, one for every
    // observation), and so does its page (its URL, an ONLINE_ADVERT), which each of its phones is ADVERTISED_AT (one statement for
    // every link): a page new to the advert is linked to every phone of the advert, a known page to the phones new to it.
    const plans = adverts.map((a) => {
      const before = known.get(`${a.site}\u0000${a.advertRef}`);
      const page = a.url ?? before?.url ?? null;
      const pageIsNew = a.url !== null && a.url !== before?.url;
      const newPhones = a.phones.filter((p) => !before?.phones.includes(p));
      return {
        newPhones,
        newHandles: a.handles.filter((p) => !before?.handles.includes(p)),
        page: page === null ? null : normaliseIdentifier('ONLINE_ADVERT', page, 'url'),
        pageIsNew,
        linkedPhones: page === null ? [] : pageIsNew ? union(before?.phones ?? [], a.phones) : newPhones,
      };
    });
    const fresh = plans.map((p, i) => ({
      source: { type: 'ADVERT' as const, id: ids[i]!, handling: h },
      identifiers: [
        ...p.newPhones.map((value) => ({ kind: 'PHONE' as const, value })),
        ...p.newHandles.map((value) => ({ kind: 'SOCIAL_PROFILE' as const, value })),
        ...(p.page !== null && p.pageIsNew ? [{ kind: 'ONLINE_ADVERT' as const, value: p.page }] : []),
      ],
    }));
    const observed = await recordObservationsBySource(tx, ctx.actor, fresh, 'adverts');
    const entityOf = new Map<string, string>();
    fresh.forEach((f, i) => f.identifiers.forEach((x, k) => entityOf.set(`${x.kind}\u0000${x.value}`, observed[i]!.entityIds[k]!)));
    // The ends a link needs that this file did not observe (a phone or page of an advert seen before): the entities already there.
    const missing = [
      ...new Set(
        plans.flatMap((p) =>
          p.linkedPhones.length ? [...p.linkedPhones.map((v) => `PHONE\u0000${v}`), `ONLINE_ADVERT\u0000${p.page!}`].filter((k) => !entityOf.has(k)) : [],
        ),
      ),
    ].map((k) => k.split('\u0000') as [string, string]);
    if (missing.length) {
      const rows = await tx.query<{ kind: string; value: string; id: string | null }>(
        `SELECT u.kind, u.value, (${entityIdsSql('u.kind', 'u.value')}) AS id FROM unnest($1::text[], $2::text[]) AS u(kind, value)`,
        [missing.map((m) => m[0]), missing.map((m) => m[1])],
      );
      for (const r of rows) if (r.id) entityOf.set(`${r.kind}\u0000${r.value}`, r.id);
    }
    const links = plans.flatMap((p, i) => {
      const page = p.page === null ? undefined : entityOf.get(`ONLINE_ADVERT\u0000${p.page}`);
      if (!page) return [];
      return p.linkedPhones.flatMap((v) => {
        const phone = entityOf.get(`PHONE\u0000${v}`);
        return phone ? [{ kind: 'ADVERTISED_AT' as const, fromEntityId: phone, toEntityId: page, source: fresh[i]!.source }] : [];
      });
    });
    await recordLinksBySource(tx, ctx.actor, links);
    // One event per advert, naming what was written for it: its own fields, and "observations" / "links" when its identifiers
    // joined the entity graph. Those statements take the advert as their source (source ADVERT, its id) and go with it at
    // erasure, so the advert's event answers who contributed them and when, as it does for the advert (docs/adverts.md).
    const linked = new Set(links.map((l) => l.source.id));
    const events: AuditEventInput[] = adverts.map((a, i) => {
      const graph = [...(observed[i]!.observationIds.length ? ['observations'] : []), ...(linked.has(ids[i]!) ? ['links'] : [])];
      return known.has(`${a.site}\u0000${a.advertRef}`)
        ? ownRecordEvent(ctx, 'ALTER', 'Advert', ids[i]!, ['firstSeen', 'lastSeen', 'phones', 'handles', 'imageHashes', 'text', ...graph])
        : ownRecordEvent(ctx, 'COLLECT', 'Advert', ids[i]!, [...advertFields(a), ...graph]);
    });
    await appendAudit(tx, ctx, events);
    ctx.log.info({ importId: created.id, adverts: adverts.length, created: createdCount, ms: Date.now() - started, op: 'importAdverts' }, 'adverts imported');
    return {
      id: created.id,
      advertCount: adverts.length,
      createdCount,
      updatedCount: adverts.length - createdCount,
      replayed: false,
      importedAt: created.created_at,
    };
  });
}

function advertFields(a: ValidAdvert): string[] {
  const fields = ['site', 'advertRef', 'firstSeen', 'lastSeen', 'collector', 'indicators'];
  if (a.url) fields.push('url');
  if (a.location) fields.push('location', 'city');
  if (a.phones.length) fields.push('phones');
  if (a.handles.length) fields.push('handles');
  if (a.imageHashes.length) fields.push('imageHashes');
  if (a.text) fields.push('text');
  return fields;
}
