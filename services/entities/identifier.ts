import { badInput } from '../kernel/errors';

/** The kinds of identifier-bearing things that link records (domain.md). */
export const ENTITY_KINDS = ['PHONE', 'EMAIL', 'BANK_ACCOUNT', 'ONLINE_ADVERT', 'SOCIAL_PROFILE', 'ADDRESS', 'VEHICLE', 'ORGANISATION'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

function isEntityKind(v: unknown): v is EntityKind {
  return typeof v === 'string' && (ENTITY_KINDS as readonly string[]).includes(v);
}

/**
 * An entity is keyed by its kind and normalised value, so the same phone typed by a bank and by an
 * NGO becomes one node. Every function here is idempotent: a normalised value normalises to itself
 * (so a value copied from a result can be searched for again).
 */
export function normaliseIdentifier(kind: EntityKind, raw: string, field: string): string {
  if (!isEntityKind(kind)) throw badInput(field, `is of an unknown kind; use one of ${ENTITY_KINDS.join(', ')}`);
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') throw badInput(field, 'is required');
  switch (kind) {
    case 'PHONE':
      return phone(value, field);
    case 'EMAIL':
      return email(value, field);
    case 'BANK_ACCOUNT':
      return bankAccount(value, field);
    case 'ONLINE_ADVERT':
      return advertUrl(value, field);
    case 'SOCIAL_PROFILE':
      return socialProfile(value, field);
    case 'VEHICLE':
      return vehicle(value, field);
    case 'ADDRESS':
    case 'ORGANISATION':
      return freeText(value, field);
  }
}

/** E.164: `+`, a country code and the number, 8 to 15 digits in all. */
function phone(value: string, field: string): string {
  const v = value
    .replace(/^00/, '+')
    // "+44 (0)7700 900123": the national trunk 0 after a country code is not dialled internationally.
    .replace(/^(\+\d{1,3})\s*\(0\)/, '$1')
    .replace(/[\s\-.()]/g, '');
  if (!/^\+?\d+$/.test(v)) throw badInput(field, 'a phone number may contain only digits, spaces, dashes, dots, parentheses and a leading +');
  if (!v.startsWith('+')) throw badInput(field, 'include the country code (for example +44 or +40)');
  if (!/^\+[1-9]\d{7,14}$/.test(v)) throw badInput(field, 'must be an international number of 8 to 15 digits');
  return v;
}

function email(value: string, field: string): string {
  const v = value.toLowerCase();
  if (v.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v)) throw badInput(field, 'must be an email address');
  return v;
}

const SORT_CODE_ACCOUNT = /^(\d{2})[-\s]?(\d{2})[-\s]?(\d{2})[\s:]+(\d{8})$/;
const SORT_CODE_NORMALISED = /^GB-SORTCODE:(\d{6}):(\d{8})$/i;

/** An IBAN (ISO 13616, checked by its mod-97 check digits) or a UK sort code and account number. */
function bankAccount(value: string, field: string): string {
  const sortCode = SORT_CODE_ACCOUNT.exec(value);
  if (sortCode) return `GB-SORTCODE:${sortCode[1]}${sortCode[2]}${sortCode[3]}:${sortCode[4]}`;
  const normalised = SORT_CODE_NORMALISED.exec(value);
  if (normalised) return `GB-SORTCODE:${normalised[1]}:${normalised[2]}`;
  const iban = value.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) {
    throw badInput(field, 'must be an IBAN (e.g. GB.. or RO..) or a UK sort code and account number (NN-NN-NN 12345678)');
  }
  if (ibanMod97(iban) !== 1) throw badInput(field, 'is not a valid IBAN: its check digits do not match');
  return iban;
}

/** ISO 13616: move the first four characters to the end, letters to 10..35, the number mod 97. */
function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder;
}

/** A canonical URL: http(s) only, lower-case host without `www.`, no fragment, no utm_* tracking, no trailing slash. */
function advertUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'must be a URL starting with http:// or https://');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(field, 'must be a URL starting with http:// or https://');
  if (!url.hostname) throw badInput(field, 'must name a host');
  // Always re-serialised, so `%20` and `+` in a query give one value whether or not utm_* was dropped.
  const query = new URLSearchParams([...url.searchParams].filter(([key]) => !/^utm_/i.test(key))).toString();
  const canonical = `${url.protocol}//${url.host.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}${query ? `?${query}` : ''}`;
  if (canonical.length > 2000) throw badInput(field, 'must be at most 2000 characters');
  return canonical;
}

/** `platform:handle`, lower-case, the handle without a leading @. */
function socialProfile(value: string, field: string): string {
  const m = /^([a-z0-9][a-z0-9._-]{0,39})\s*:\s*@?(\S{1,100})$/i.exec(value);
  if (!m) throw badInput(field, 'must be platform:handle, for example instagram:@name');
  return `${m[1]}:${m[2]}`.toLowerCase();
}

/** A registration plate, upper-case without spaces or dashes. */
function vehicle(value: string, field: string): string {
  const v = value.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z0-9]{2,12}$/.test(v)) throw badInput(field, 'must be a registration of 2 to 12 letters and digits');
  return v;
}

/**
 * Addresses and organisation names: trimmed, runs of whitespace collapsed to one space, Unicode NFC,
 * and the old cedilla forms of Romanian ş ţ written as the correct comma-below ș ț (domain.md).
 */
function freeText(value: string, field: string): string {
  const v = value
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(/[şŞţŢ]/g, (c) => ({ ş: 'ș', Ş: 'Ș', ţ: 'ț', Ţ: 'Ț' })[c] ?? c);
  if (v.length > 300) throw badInput(field, 'must be at most 300 characters');
  return v;
}

const MASK = '•••';

/** The first `n` characters, but never more than half of the value, so a mask never shows it all. */
function head(value: string, n: number): string {
  return value.slice(0, Math.min(n, Math.floor(value.length / 2)));
}

/**
 * What a caller who may not read an entity's value sees instead: enough to tell entities apart in a
 * list (and, for accounts, the last four digits the access model allows), never the whole value.
 */
export function maskIdentifier(kind: EntityKind, value: string): string {
  switch (kind) {
    case 'BANK_ACCOUNT':
      return `••••${value.slice(-4)}`;
    case 'PHONE':
      return `${value.slice(0, 3)}${MASK}${value.slice(-3)}`;
    case 'EMAIL': {
      const at = value.lastIndexOf('@');
      const local = value.slice(0, at);
      return `${local.length > 1 ? local[0] : ''}${MASK}@${value.slice(at + 1)}`;
    }
    default:
      return `${head(value, 3)}${MASK}`;
  }
}
