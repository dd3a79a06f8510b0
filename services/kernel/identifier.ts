import { registerEnumType } from 'type-graphql';
import { badInput } from './errors';
import { enumOf } from './enums';

/**
 * Identifiers: what makes two records name the same phone, account or profile. One module for every
 * reading of an identifier, whether a person contributed it in a field (`normaliseIdentifier`) or a
 * detector found it in free text (services/narratives/extract.ts reads national numbers and platform
 * names with the tables here), so both name the same entity.
 */

/** The kinds of identifier-bearing things that link records (domain.md). */
export const ENTITY_KINDS = ['PHONE', 'EMAIL', 'BANK_ACCOUNT', 'ONLINE_ADVERT', 'SOCIAL_PROFILE', 'ADDRESS', 'VEHICLE', 'ORGANISATION'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** The GraphQL enum of entity kinds, shared by every subgraph whose inputs or types name identifiers. */
export const EntityKindEnum = enumOf(ENTITY_KINDS);
registerEnumType(EntityKindEnum, { name: 'EntityKind' });

function isEntityKind(v: unknown): v is EntityKind {
  return typeof v === 'string' && (ENTITY_KINDS as readonly string[]).includes(v);
}

/**
 * An entity is keyed by its kind and normalised value, so the same phone typed by a bank and by an
 * NGO becomes one node. Every function here is idempotent: a normalised value normalises to itself
 * (so a value copied from a result can be searched for again).
 *
 * `country` (ISO 3166-1 alpha-2) is how national-format values are read: a phone typed `0722 123 456`
 * by a Romanian agency is `+40722123456`, by a British one it is refused (no UK number looks like
 * that). Callers pass the identifier's explicit country if the user gave one, else the contributing
 * agency's (`ctx.actor.country`); see `countryOf`.
 */
export function normaliseIdentifier(kind: EntityKind, raw: string, field: string, country?: string | null): string {
  if (!isEntityKind(kind)) throw badInput(field, `is of an unknown kind; use one of ${ENTITY_KINDS.join(', ')}`);
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') throw badInput(field, 'is required');
  switch (kind) {
    case 'PHONE':
      return phone(value, field, country ?? undefined);
    case 'EMAIL':
      return email(value, field);
    case 'BANK_ACCOUNT':
      return bankAccount(value, field);
    case 'ONLINE_ADVERT':
      return advertUrl(value, field);
    case 'SOCIAL_PROFILE':
      return socialProfile(value, field, country ?? undefined);
    case 'VEHICLE':
      return vehicle(value, field);
    case 'ADDRESS':
    case 'ORGANISATION':
      return freeText(value, field);
  }
}

const ISO_COUNTRY = /^[A-Z]{2}$/;

/**
 * The country national-format values are read with: the identifier's own `country` if the caller gave
 * one (validated, naming `field`), else the contributing agency's. Either may be absent.
 */
export function countryOf(explicit: string | null | undefined, agencyCountry: string | null | undefined, field: string): string | undefined {
  if (explicit !== undefined && explicit !== null) {
    const c = explicit.trim().toUpperCase();
    if (!ISO_COUNTRY.test(c)) throw badInput(field, 'must be an ISO 3166-1 alpha-2 country code such as GB or RO');
    return c;
  }
  const a = agencyCountry?.trim().toUpperCase();
  return a && ISO_COUNTRY.test(a) ? a : undefined;
}

/**
 * National numbering plans the hub reads national-format numbers for: the country calling code, the
 * trunk prefix dialled before a national number (and dropped internationally), and the length of the
 * national significant number (what follows the country code in E.164). Numbers in international
 * form with one of these codes are length-checked too. Free-text extraction reads national numbers
 * with the same plans, at their usual lengths. Countries without a trunk prefix (Italy, Spain, Poland) are not listed: a
 * national number there cannot be told from any other run of digits.
 */
interface NumberingPlan {
  code: string;
  trunk: string;
  /** The lengths a number of the country may have: a contributed number outside them is refused. */
  nsn: readonly [number, number];
  /**
   * The lengths of its mobile and most fixed numbers, where narrower than `nsn`: in free text, where
   * any run of digits may look like a number, only these are read as national numbers.
   */
  usual?: readonly number[];
}

const NUMBERING_PLANS: Record<string, NumberingPlan> = {
  GB: { code: '44', trunk: '0', nsn: [9, 10], usual: [10] },
  RO: { code: '40', trunk: '0', nsn: [9, 9] },
  MD: { code: '373', trunk: '0', nsn: [8, 8] },
  IE: { code: '353', trunk: '0', nsn: [7, 9], usual: [9] },
  BG: { code: '359', trunk: '0', nsn: [7, 9], usual: [8, 9] },
  FR: { code: '33', trunk: '0', nsn: [9, 9] },
  BE: { code: '32', trunk: '0', nsn: [8, 9] },
  NL: { code: '31', trunk: '0', nsn: [9, 9] },
  DE: { code: '49', trunk: '0', nsn: [6, 13], usual: [10, 11] },
  HU: { code: '36', trunk: '06', nsn: [8, 9] },
};
export const NATIONAL_PHONE_COUNTRIES = Object.keys(NUMBERING_PLANS);

/**
 * E.164: `+`, a country code and the number, 8 to 15 digits in all. A national number (leading trunk
 * prefix, no country code) is read with `country`'s numbering plan.
 */
function phone(value: string, field: string, country?: string): string {
  let v = value
    .replace(/^00/, '+')
    // "+44 (0)7700 900123": the national trunk 0 after a country code is not dialled internationally.
    .replace(/^(\+\d{1,3})\s*\(0\)/, '$1')
    .replace(/[\s\-.()/]/g, '');
  if (!/^\+?\d+$/.test(v)) throw badInput(field, 'a phone number may contain only digits, spaces, dashes, dots, parentheses and a leading +');
  if (!v.startsWith('+')) {
    const plan = country ? NUMBERING_PLANS[country] : undefined;
    if (!country) throw badInput(field, 'include the country code (for example +44 or +40)');
    if (!plan) {
      throw badInput(field, `include the country code: national numbers are read only for ${NATIONAL_PHONE_COUNTRIES.join(', ')}, not ${country}`);
    }
    if (!v.startsWith(plan.trunk)) throw badInput(field, `is not a national number of ${country} (it starts with ${plan.trunk}); include the country code`);
    v = `+${plan.code}${v.slice(plan.trunk.length)}`;
  }
  if (!/^\+[1-9]\d{7,14}$/.test(v)) throw badInput(field, 'must be an international number of 8 to 15 digits');
  for (const [c, plan] of Object.entries(NUMBERING_PLANS)) {
    if (!v.startsWith(`+${plan.code}`)) continue;
    // A trunk prefix kept after the country code ("+40 0722 ...") is a typing slip, never a number.
    if (v.startsWith(`+${plan.code}0`)) throw badInput(field, `drop the national 0 after +${plan.code}`);
    const nsn = v.length - 1 - plan.code.length;
    if (nsn < plan.nsn[0] || nsn > plan.nsn[1]) {
      const digits = plan.nsn[0] === plan.nsn[1] ? `${plan.nsn[0]}` : `${plan.nsn[0]} to ${plan.nsn[1]}`;
      throw badInput(field, `is not a valid number of ${c}: +${plan.code} is followed by ${digits} digits`);
    }
  }
  return v;
}

/**
 * Whether national-format digits (trunk prefix included) of `country` have one of the lengths most
 * of its numbers have: how free-text extraction tells a national number from another run of digits,
 * cheaply, before the normaliser reads it.
 */
export function isUsualNationalNumber(digits: string, country: string): boolean {
  const plan = NUMBERING_PLANS[country];
  if (!plan || !digits.startsWith(plan.trunk)) return false;
  const nsn = digits.length - plan.trunk.length;
  return plan.usual ? plan.usual.includes(nsn) : nsn >= plan.nsn[0] && nsn <= plan.nsn[1];
}

function email(value: string, field: string): string {
  const v = value.replace(/^mailto:/i, '').toLowerCase();
  if (v.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v)) throw badInput(field, 'must be an email address');
  return v;
}

const SORT_CODE_ACCOUNT = /^(\d{2})[-\s]?(\d{2})[-\s]?(\d{2})[\s:]+(\d{8})$/;
const SORT_CODE_NORMALISED = /^GB-SORTCODE:(\d{6}):(\d{8})$/i;

/** IBAN lengths (ISO 13616 registry) of the countries the hub's members bank in; others are checked by mod-97 only. */
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  ES: 24,
  FR: 27,
  GB: 22,
  GR: 27,
  HU: 28,
  IE: 22,
  IT: 27,
  LT: 20,
  LU: 20,
  MD: 24,
  MT: 31,
  NL: 18,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SK: 24,
};

/** An IBAN (ISO 13616, checked by its mod-97 check digits) or a UK sort code and account number. */
function bankAccount(value: string, field: string): string {
  const sortCode = SORT_CODE_ACCOUNT.exec(value);
  if (sortCode) return `GB-SORTCODE:${sortCode[1]}${sortCode[2]}${sortCode[3]}:${sortCode[4]}`;
  const normalised = SORT_CODE_NORMALISED.exec(value);
  if (normalised) return `GB-SORTCODE:${normalised[1]}:${normalised[2]}`;
  const iban = value
    .replace(/^IBAN[\s:]*/i, '')
    .replace(/[\s\-.]/g, '')
    .toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) {
    throw badInput(field, 'must be an IBAN (e.g. GB.. or RO..) or a UK sort code and account number (NN-NN-NN 12345678)');
  }
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length && iban.length !== length) throw badInput(field, `is not a valid IBAN: ${iban.slice(0, 2)} IBANs have ${length} characters`);
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

/** Query parameters that only track the click and never identify the advert. */
const TRACKING_PARAM = /^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga|yclid)$/i;

/**
 * A canonical URL: http(s) only, lower-case host without `www.` or a default port, no fragment, no
 * tracking parameters, the remaining parameters in key order, no trailing slash.
 */
function advertUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badInput(field, 'must be a URL starting with http:// or https://');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(field, 'must be a URL starting with http:// or https://');
  if (!url.hostname) throw badInput(field, 'must name a host');
  if (url.username || url.password) throw badInput(field, 'must not carry a user name or password');
  // Always re-serialised, so `%20` and `+` in a query give one value whether or not a parameter was dropped.
  // A stable sort by key: repeated keys keep their order, which can matter to the site.
  const kept = [...url.searchParams].filter(([key]) => !TRACKING_PARAM.test(key)).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const query = new URLSearchParams(kept).toString();
  const canonical = `${url.protocol}//${url.host.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}${query ? `?${query}` : ''}`;
  if (canonical.length > 2000) throw badInput(field, 'must be at most 2000 characters');
  return canonical;
}

/**
 * The first path segments of a platform's URLs that name a page of the platform itself (a post, a
 * search, a group), never a profile.
 */
const NOT_A_PROFILE = /^(p|reel|watch|share|groups|pages|events|hashtag|explore)$/i;

interface Platform {
  /** Other names users write for it. */
  aliases: string[];
  /** Hosts of its profile URLs (without www. / m.). */
  hosts: string[];
  /** A valid handle, after lower-casing. */
  handle: RegExp;
  rule: string;
  /** Further canonical folding of a handle (e.g. dots that the platform ignores). */
  fold?: (handle: string) => string;
  /** The account is a phone number (messaging apps): normalised as a phone. */
  phone?: boolean;
}

/**
 * Social and messaging platforms whose handles the hub knows the rules of. Handles are case-insensitive
 * on all of them; Facebook also ignores dots in user names. Unknown platforms keep `platform:handle`
 * lower-cased.
 */
const PLATFORMS: Record<string, Platform> = {
  instagram: {
    aliases: ['ig', 'insta'],
    hosts: ['instagram.com', 'instagr.am'],
    handle: /^[a-z0-9._]{1,30}$/,
    rule: '1 to 30 letters, digits, dots and underscores',
  },
  tiktok: { aliases: ['tt'], hosts: ['tiktok.com'], handle: /^[a-z0-9._]{2,24}$/, rule: '2 to 24 letters, digits, dots and underscores' },
  x: { aliases: ['twitter'], hosts: ['x.com', 'twitter.com'], handle: /^[a-z0-9_]{1,15}$/, rule: '1 to 15 letters, digits and underscores' },
  facebook: {
    aliases: ['fb'],
    hosts: ['facebook.com', 'fb.com'],
    handle: /^[a-z0-9.]{1,50}$/,
    rule: 'letters, digits and dots, or a numeric profile id',
    fold: (h) => h.replace(/\./g, ''),
  },
  telegram: {
    aliases: ['tg'],
    hosts: ['t.me', 'telegram.me'],
    handle: /^[a-z][a-z0-9_]{4,31}$/,
    rule: '5 to 32 letters, digits and underscores, starting with a letter',
  },
  snapchat: { aliases: ['snap'], hosts: ['snapchat.com'], handle: /^[a-z][a-z0-9._-]{2,14}$/, rule: '3 to 15 letters, digits, dots, dashes and underscores' },
  onlyfans: { aliases: [], hosts: ['onlyfans.com'], handle: /^[a-z0-9._-]{1,50}$/, rule: 'letters, digits, dots, dashes and underscores' },
  whatsapp: { aliases: ['wa'], hosts: ['wa.me'], handle: /^\+\d{8,15}$/, rule: 'a phone number', phone: true },
  signal: { aliases: [], hosts: [], handle: /^\+\d{8,15}$/, rule: 'a phone number', phone: true },
  viber: { aliases: [], hosts: [], handle: /^\+\d{8,15}$/, rule: 'a phone number', phone: true },
};
const PLATFORM_BY_NAME = new Map<string, string>(
  Object.entries(PLATFORMS).flatMap(([name, p]) => [[name, name], ...p.aliases.map((a): [string, string] => [a, name])]),
);
const PLATFORM_BY_HOST = new Map<string, string>(Object.entries(PLATFORMS).flatMap(([name, p]) => p.hosts.map((h): [string, string] => [h, name])));

/** Every name and alias of a known platform, lower-case (for reading "instagram: @name" in free text). */
export const SOCIAL_PLATFORM_NAMES: readonly string[] = [...PLATFORM_BY_NAME.keys()];

function platformOfHost(hostname: string): string | undefined {
  return PLATFORM_BY_HOST.get(hostname.toLowerCase().replace(/^(www|m|mobile)\./, ''));
}

/** Whether a URL is on a known social platform's host (its profile, or another page of the platform). */
export function isSocialPlatformUrl(url: string): boolean {
  try {
    return platformOfHost(new URL(url).hostname) !== undefined;
  } catch {
    return false;
  }
}

/** `platform:@handle` or a profile URL, as [platform, handle], or undefined. */
function splitProfile(value: string): [string, string] | undefined {
  if (/^https?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return undefined;
    }
    const platform = platformOfHost(url.hostname);
    if (!platform) return undefined;
    const segments = url.pathname.split('/').filter(Boolean);
    if (segments[0] && NOT_A_PROFILE.test(segments[0])) return [platform, ''];
    if (platform === 'facebook' && segments[0] === 'profile.php') return [platform, url.searchParams.get('id') ?? ''];
    if (platform === 'snapchat' && segments[0] === 'add') return [platform, segments[1] ?? ''];
    // wa.me/<number>: the international number without its +.
    if (platform === 'whatsapp') return [platform, segments.length === 1 && /^\d+$/.test(segments[0]!) ? `+${segments[0]}` : ''];
    return [platform, segments.length === 1 ? segments[0]! : ''];
  }
  const m = /^([a-z0-9][a-z0-9._-]{0,39})\s*:\s*(\S.{0,99})$/i.exec(value);
  return m ? [m[1]!.toLowerCase(), m[2]!] : undefined;
}

/** `platform:handle`, lower-case, the handle without a leading @, by the platform's own rules where known. */
function socialProfile(value: string, field: string, country?: string): string {
  const parts = splitProfile(value);
  if (!parts) throw badInput(field, 'must be platform:handle (for example instagram:@name) or a profile URL');
  const platform = PLATFORM_BY_NAME.get(parts[0]) ?? parts[0];
  const rules = PLATFORMS[platform];
  const raw = parts[1].replace(/^@/, '');
  if (rules?.phone) return `${platform}:${phone(raw, field, country)}`;
  if (raw === '' || /\s/.test(raw)) {
    if (rules) throw badInput(field, `is not a ${platform} handle: ${rules.rule}`);
    throw badInput(field, 'must be platform:handle (for example instagram:@name) or a profile URL');
  }
  if (!rules) {
    return `${platform}:${raw}`.toLowerCase();
  }
  const handle = rules.fold ? rules.fold(raw.toLowerCase()) : raw.toLowerCase();
  if (!rules.handle.test(handle)) throw badInput(field, `is not a ${platform} handle: ${rules.rule}`);
  return `${platform}:${handle}`;
}

/** A registration plate, upper-case without spaces, dashes or dots. */
function vehicle(value: string, field: string): string {
  const v = value.replace(/[\s\-.]/g, '').toUpperCase();
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
