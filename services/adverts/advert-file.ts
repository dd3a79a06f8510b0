import { GraphQLError } from 'graphql';
import { readCsvRecords } from '../kernel/csv-records';
import { badInput, ErrorCode } from '../kernel/errors';
import { countryOf, normaliseIdentifier } from '../kernel/identifier';
import { firstIdentifier } from '../narratives/api';
import { textIndicators, type TextIndicator } from './indicators';

/**
 * Advert files from a partner collector (docs/formats.md, "Advert feed"): NDJSON, one advert object
 * a line, or CSV with a header; list columns (phones, handles, image hashes) separated by `;` or `|`.
 * Reading is pure: it answers every line's advert, normalised (phones read in the site's country,
 * handles as social profiles, hashes as lower-case hex), or the line's errors by field.
 */

export const ADVERT_FILE_FORMATS = ['NDJSON', 'CSV'] as const;
export type AdvertFileFormat = (typeof ADVERT_FILE_FORMATS)[number];

export const ADVERT_FILE_LIMITS = {
  /** UTF-8 bytes of one file (under the 5 MiB request body the JSON-encoded content travels in). */
  maxBytes: 4 * 1024 * 1024,
  maxLines: 20_000,
  maxPhones: 10,
  maxHandles: 10,
  maxImages: 50,
};

export const CSV_COLUMNS = [
  'site',
  'advert_id',
  'url',
  'first_seen',
  'last_seen',
  'location',
  'phones',
  'handles',
  'text',
  'image_hashes',
  'collector',
  'country',
] as const;
const REQUIRED = ['site', 'advert_id', 'first_seen', 'collector'];

/** One advert as ingested. */
export interface ValidAdvert {
  site: string;
  advertRef: string;
  url: string | null;
  firstSeen: string;
  lastSeen: string;
  location: string | null;
  city: string | null;
  phones: string[];
  handles: string[];
  imageHashes: string[];
  text: string | null;
  collector: string;
  indicators: TextIndicator[];
}

export interface LineError {
  line: number;
  field: string;
  message: string;
}

export interface ReadAdverts {
  adverts: Array<ValidAdvert & { line: number }>;
  errors: LineError[];
}

/** A line's fields as given, before normalisation. */
interface RawAdvert {
  site?: unknown;
  advertId?: unknown;
  url?: unknown;
  firstSeen?: unknown;
  lastSeen?: unknown;
  location?: unknown;
  phones?: unknown;
  handles?: unknown;
  text?: unknown;
  imageHashes?: unknown;
  collector?: unknown;
  country?: unknown;
}

const HEX_HASH = /^[0-9a-f]{16,128}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function tooLarge(what: string, limit: number): GraphQLError {
  return new GraphQLError(`input.content: the file has more than ${limit} ${what}; nothing was written`, {
    extensions: { code: ErrorCode.DOCUMENT_TOO_LARGE, field: 'input.content', limit, measure: what },
  });
}

export function readAdvertFile(format: AdvertFileFormat, content: string, defaultCountry: string | undefined): ReadAdverts {
  if (typeof content !== 'string' || content.trim() === '') throw badInput('input.content', 'is required');
  if (Buffer.byteLength(content, 'utf8') > ADVERT_FILE_LIMITS.maxBytes) throw tooLarge('bytes', ADVERT_FILE_LIMITS.maxBytes);
  const raws = format === 'NDJSON' ? readNdjson(content) : format === 'CSV' ? readCsv(content) : undefined;
  if (!raws) throw badInput('input.format', `must be one of ${ADVERT_FILE_FORMATS.join(', ')}`);
  if (raws.rows.length > ADVERT_FILE_LIMITS.maxLines) throw tooLarge('adverts', ADVERT_FILE_LIMITS.maxLines);
  if (raws.rows.length === 0 && raws.errors.length === 0) throw badInput('input.content', 'holds no advert');
  const errors = [...raws.errors];
  const adverts: ReadAdverts['adverts'] = [];
  for (const { line, raw } of raws.rows) {
    const v = validateAdvert(raw, line, defaultCountry, errors);
    if (v) adverts.push({ ...v, line });
  }
  errors.sort((a, b) => a.line - b.line);
  return { adverts, errors };
}

function readNdjson(content: string): { rows: Array<{ line: number; raw: RawAdvert }>; errors: LineError[] } {
  const rows: Array<{ line: number; raw: RawAdvert }> = [];
  const errors: LineError[] = [];
  content.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '') return;
    try {
      const raw = JSON.parse(text) as unknown;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) errors.push({ line, field: '', message: 'is not a JSON object' });
      else rows.push({ line, raw: raw as RawAdvert });
    } catch {
      errors.push({ line, field: '', message: 'is not valid JSON' });
    }
  });
  return { rows, errors };
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(/[;|]/)
    .map((s) => s.trim())
    .filter(Boolean);

function readCsv(content: string): { rows: Array<{ line: number; raw: RawAdvert }>; errors: LineError[] } {
  const records = readCsvRecords(content, ADVERT_FILE_LIMITS.maxLines);
  const header = records.length ? Object.keys(records[0]!.record) : (content.split(/\r?\n/, 1)[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw badInput('input.content', `the CSV header lacks ${missing.join(', ')} (docs/formats.md lists the columns); nothing was written`);
  return {
    rows: records.map(({ record: r, info }) => ({
      line: info.lines,
      raw: {
        site: r.site,
        advertId: r.advert_id,
        url: r.url || undefined,
        firstSeen: r.first_seen,
        lastSeen: r.last_seen || undefined,
        location: r.location || undefined,
        phones: list(r.phones),
        handles: list(r.handles),
        text: r.text || undefined,
        imageHashes: list(r.image_hashes),
        collector: r.collector,
        country: r.country || undefined,
      },
    })),
    errors: [],
  };
}

/**
 * The city a location names: its first comma-separated part ("Birmingham, West Midlands" →
 * "Birmingham"); none when that part names an identifier ("Ana 07700 900555, Leeds"): a city is
 * counted in leads, which NGOs read, and an advert's identifiers are for the police and the hub.
 */
export function cityOf(location: string | null): string | null {
  const city = location?.split(',')[0]?.replace(/\s+/g, ' ').trim();
  return city && !firstIdentifier(city) ? city : null;
}

function validateAdvert(raw: RawAdvert, line: number, defaultCountry: string | undefined, errors: LineError[]): ValidAdvert | undefined {
  const before = errors.length;
  const fail = (field: string, message: string) => errors.push({ line, field, message });
  const str = (field: string, v: unknown, max: number, required = false): string | null => {
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (required) fail(field, 'is required');
      return null;
    }
    if (typeof v !== 'string' && typeof v !== 'number') {
      fail(field, 'must be a string');
      return null;
    }
    const s = String(v).trim();
    if (s.length > max) fail(field, `must be at most ${max} characters`);
    return s;
  };
  const strings = (field: string, v: unknown, max: number): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      fail(field, 'must be a list of strings');
      return [];
    }
    if (v.length > max) fail(field, `must name at most ${max}`);
    return (v as string[]).slice(0, max);
  };
  const time = (field: string, v: unknown, required: boolean): string | null => {
    const s = str(field, v, 40, required);
    if (s === null) return null;
    if (!TIMESTAMP.test(s) || Number.isNaN(Date.parse(s))) {
      fail(field, 'must be an ISO 8601 date or date-time');
      return null;
    }
    return new Date(s.length === 10 ? `${s}T00:00:00Z` : s).toISOString();
  };

  const site = str('site', raw.site, 200, true)?.toLowerCase() ?? '';
  const advertRef = str('advertId', raw.advertId, 2000, true) ?? '';
  const url = str('url', raw.url, 2000);
  if (url !== null && !/^https?:\/\/\S+$/i.test(url)) fail('url', 'must be an http(s) URL');
  // The page joins the entity graph as an ONLINE_ADVERT: it must read as one.
  else if (url !== null) {
    try {
      normaliseIdentifier('ONLINE_ADVERT', url, 'url');
    } catch (err) {
      fail('url', err instanceof GraphQLError ? err.message.replace(/^url: /, '') : 'is not readable');
    }
  }
  const firstSeen = time('firstSeen', raw.firstSeen, true);
  const lastSeen = time('lastSeen', raw.lastSeen, false) ?? firstSeen;
  if (firstSeen && lastSeen && lastSeen < firstSeen) fail('lastSeen', 'is before firstSeen');
  const location = str('location', raw.location, 200);
  const text = str('text', raw.text, 20000);
  const collector = str('collector', raw.collector, 200, true) ?? '';
  let country: string | undefined;
  try {
    country = countryOf(typeof raw.country === 'string' ? raw.country : undefined, defaultCountry, 'country');
  } catch (err) {
    fail('country', err instanceof Error ? err.message.replace(/^country: /, '') : 'is not a country code');
  }
  const normalised = (kind: 'PHONE' | 'SOCIAL_PROFILE', field: string, values: string[]) =>
    values.flatMap((value, i) => {
      try {
        return [normaliseIdentifier(kind, value, `${field}[${i}]`, country)];
      } catch (err) {
        const message = err instanceof GraphQLError ? err.message.replace(`${field}[${i}]: `, '') : 'is not readable';
        fail(`${field}[${i}]`, message);
        return [];
      }
    });
  const phones = [...new Set(normalised('PHONE', 'phones', strings('phones', raw.phones, ADVERT_FILE_LIMITS.maxPhones)))];
  const handles = [...new Set(normalised('SOCIAL_PROFILE', 'handles', strings('handles', raw.handles, ADVERT_FILE_LIMITS.maxHandles)))];
  const imageHashes = [
    ...new Set(
      strings('imageHashes', raw.imageHashes, ADVERT_FILE_LIMITS.maxImages).flatMap((h, i) => {
        const hex = h.trim().toLowerCase().replace(/^0x/, '');
        if (!HEX_HASH.test(hex)) {
          fail(`imageHashes[${i}]`, 'must be a perceptual hash in hex (16 to 128 hex digits), never an image');
          return [];
        }
        return [hex];
      }),
    ),
  ];
  if (errors.length > before) return undefined;
  return {
    site,
    advertRef,
    url,
    firstSeen: firstSeen!,
    lastSeen: lastSeen!,
    location,
    city: cityOf(location),
    phones,
    handles,
    imageHashes,
    text,
    collector,
    indicators: textIndicators(text),
  };
}
