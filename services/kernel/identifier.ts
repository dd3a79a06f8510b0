import { getCountrySpecifications, isValidBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import { Metadata } from 'libphonenumber-js/core';
import { type CountryCode, getCountries, isSupportedCountry, ParseError, type PhoneNumber, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import phoneMetadata from 'libphonenumber-js/max/metadata';
import { registerEnumType } from 'type-graphql';
import { badInput } from './errors';
import { enumOf } from './enums';

/**
 * Identifiers: what makes two records name the same phone, account or profile. One module for every
 * reading of an identifier, whether a person contributed it in a field (`normaliseIdentifier`) or a
 * detector found it in free text (services/narratives/extract.ts reads phone numbers with
 * `phoneInText` and platform names with the tables here), so both name the same entity. Phone
 * numbers are read with libphonenumber-js (its full metadata), IBANs and BICs with ibantools.
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
 * What the phone library's numbering plan of a country says beyond its typed API: the general
 * pattern every number of the country fits (the union of its number types, wider than `isValid`,
 * which leaves out ranges such as Ofcom's drama numbers +44 7700 900xxx), and the trunk prefix
 * dialled before a national number (`0` in Britain, `06` in Hungary, none in Spain or Poland).
 */
interface PlanDetails {
  nationalNumberPattern(): string;
  nationalPrefix(): string | 0 | undefined;
  possibleLengths(): number[];
}

interface Plan {
  country: CountryCode;
  /** The general pattern of a national significant number, anchored. */
  pattern: RegExp;
  trunk?: string;
  lengths: readonly number[];
}

const PLANS = new Map<string, Plan>();

function planOf(country: CountryCode): Plan {
  let plan = PLANS.get(country);
  if (!plan) {
    const metadata = new Metadata(phoneMetadata);
    metadata.selectNumberingPlan(country);
    const details = metadata.numberingPlan as unknown as PlanDetails;
    plan = {
      country,
      pattern: new RegExp(`^(?:${details.nationalNumberPattern()})$`),
      trunk: details.nationalPrefix() || undefined,
      lengths: details.possibleLengths(),
    };
    PLANS.set(country, plan);
  }
  return plan;
}

/** The plan a parsed number is checked against: its country's, else the main country of its calling code (GB for +44). */
function planOfNumber(n: PhoneNumber): Plan | undefined {
  const country = n.country ?? phoneMetadata.country_calling_codes[n.countryCallingCode]?.[0];
  return country && isSupportedCountry(country) ? planOf(country) : undefined;
}

function lengthsText(lengths: readonly number[]): string {
  return lengths.length === 1 ? `${lengths[0]}` : `${lengths.slice(0, -1).join(', ')} or ${lengths[lengths.length - 1]}`;
}

type PhoneReading = { number: string; parsed: PhoneNumber } | { refusal: string };

/**
 * A phone number read with libphonenumber-js's full metadata: international as written (`+` or
 * `00`), national with `country`'s numbering plan. A number must have a length its country's numbers
 * have and fit the country's numbering plan; numbers outside the ranges allocated today (which
 * metadata learns late, and which drama and test numbers use) are accepted.
 */
function readPhone(value: string, country?: string): PhoneReading {
  const compact = value.replace(/[\s\-.()/]/g, '');
  if (!/^\+?\d+$/.test(compact)) return { refusal: 'a phone number may contain only digits, spaces, dashes, dots, parentheses and a leading +' };
  // 00 is the international prefix of almost every country: a number dialled with it is international.
  const international = compact.startsWith('+') ? compact : compact.startsWith('00') ? `+${compact.slice(2)}` : undefined;
  if (!international) {
    if (!country) return { refusal: 'include the country code (for example +44 or +40)' };
    if (!isSupportedCountry(country)) return { refusal: `include the country code: ${country} has no telephone numbering plan` };
  }
  let parsed: PhoneNumber;
  try {
    // "+44 (0)7700 900123", "+40 0722 123 456": the library drops a national trunk prefix written after the country code.
    parsed = international ? parsePhoneNumberWithError(international) : parsePhoneNumberWithError(compact, { defaultCountry: country as CountryCode });
  } catch (e) {
    const reason = e instanceof ParseError ? e.message : 'NOT_A_NUMBER';
    if (reason === 'INVALID_COUNTRY') return { refusal: 'does not start with a country code (write + and the country code, for example +44 or +40)' };
    if (reason === 'TOO_SHORT') return { refusal: 'is too short for a phone number' };
    if (reason === 'TOO_LONG') return { refusal: 'is too long for a phone number' };
    return { refusal: 'is not a phone number' };
  }
  const plan = planOfNumber(parsed);
  if (!plan) return parsed.isValid() ? { number: parsed.number, parsed } : { refusal: `is not a valid number of +${parsed.countryCallingCode}` };
  const prefix = `+${parsed.countryCallingCode}`;
  if (!parsed.isPossible()) return { refusal: `is not a valid number of ${plan.country}: ${prefix} is followed by ${lengthsText(plan.lengths)} digits` };
  if (!plan.pattern.test(parsed.nationalNumber))
    return { refusal: `is not a valid number of ${plan.country}: no number of its numbering plan has this length and these first digits` };
  return { number: parsed.number, parsed };
}

const CALLING_CODES = phoneMetadata.country_calling_codes as Record<string, readonly string[] | undefined>;
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * A phone already written in canonical E.164 (`+447700900123`: `+`, the calling code, the national
 * significant number, nothing else) that the full reading (readPhone) would answer unchanged, or
 * undefined when that takes the full reading to tell (then the caller reads it so). Cheap: one
 * anchored pattern per country of the calling code, where the library builds and runs several per
 * number. It answers a value only when the number has a length of those countries' numbers, fits
 * their general patterns and does not start with a trunk prefix, which the library would drop;
 * identifier.test.ts checks, over numbers of every country, that whatever it answers is exactly
 * what the library's reading answers. Undefined never refuses: the full reading decides.
 */
export function canonicalPhone(value: string): string | undefined {
  if (!E164.test(value)) return undefined;
  for (let length = 1; length <= 3; length++) {
    // Calling codes are prefix-free: the first one found is the number's.
    const countries = CALLING_CODES[value.slice(1, 1 + length)];
    if (!countries) continue;
    const nsn = value.slice(1 + length);
    // A code several countries share (+1, +44, +7): the library reads the number as one of them, by
    // its first digits, and checks it against that one's plan; so every one's plan must take it.
    for (const country of countries) {
      if (!isSupportedCountry(country)) return undefined;
      const plan = planOf(country);
      if (!plan.lengths.includes(nsn.length) || !plan.pattern.test(nsn) || (plan.trunk && nsn.startsWith(plan.trunk))) return undefined;
    }
    return value;
  }
  return undefined;
}

/** E.164 (`+40722123456`): how every phone is stored, whichever way it was typed. */
function phone(value: string, field: string, country?: string): string {
  const canonical = canonicalPhone(value);
  if (canonical !== undefined) return canonical;
  const reading = readPhone(value, country);
  if ('refusal' in reading) throw badInput(field, reading.refusal);
  return reading.number;
}

/** Dates are written like national numbers in some countries ("02.03.2026"): in free text they are dates. */
const DATE_SHAPE = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})$/;

/** In free text, where any run of digits may look like a number, fewer digits than this are not one. */
const MIN_DIGITS_IN_TEXT = 8;

/**
 * A phone number written in free text, as E.164, or undefined. International numbers are read as
 * in a field. National ones are read with `country`'s plan only when written the way its people
 * write them: after its trunk prefix (`0722 123 456` in Romania, `06 30 123 4567` in Hungary), or,
 * in a country without one (Spain, Poland, Italy, whose fixed numbers start with a 0 that is part of
 * the number), in a range allocated today. With `mobileOnly`, a national
 * number of a country without a trunk prefix must be a mobile one (how a text is searched for the
 * numbers of every country, where fixed-line ranges would take amounts for numbers).
 */
export function phoneInText(raw: string, country?: string, mobileOnly = false): string | undefined {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < MIN_DIGITS_IN_TEXT || digits.length > 17 || DATE_SHAPE.test(raw.trim())) return undefined;
  const international = raw.startsWith('+') || digits.startsWith('00');
  // Cheap tests first, as a long text holds many runs of digits: E.164 has at most 15 digits, and a
  // national number has its trunk prefix and, after it, the length and first digits of its country's numbers.
  if (international) {
    if (!/^[1-9]\d{7,14}$/.test(raw.startsWith('+') ? digits : digits.slice(2))) return undefined;
  } else {
    if (!country || !isSupportedCountry(country)) return undefined;
    const { trunk, lengths, pattern } = planOf(country);
    if (trunk && !digits.startsWith(trunk)) return undefined;
    const nsn = digits.slice(trunk?.length ?? 0);
    if (nsn.length < Math.min(...lengths) || nsn.length > Math.max(...lengths) || !pattern.test(nsn)) return undefined;
  }
  const reading = readPhone(raw, country);
  if ('refusal' in reading) return undefined;
  if (!international && !planOf(country as CountryCode).trunk) {
    const type = reading.parsed.getType();
    if (mobileOnly ? type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE' : !reading.parsed.isValid()) return undefined;
  }
  return reading.number;
}

/** Every country with a telephone numbering plan (ISO 3166-1 alpha-2): the countries `phoneInText` reads national numbers of. */
export const PHONE_COUNTRIES: readonly string[] = getCountries();

function email(value: string, field: string): string {
  const v = value.replace(/^mailto:/i, '').toLowerCase();
  if (v.length > 254 || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v)) throw badInput(field, 'must be an email address');
  return v;
}

const SORT_CODE_ACCOUNT = /^(\d{2})[-\s]?(\d{2})[-\s]?(\d{2})[\s:]+(\d{8})$/;
const SORT_CODE_NORMALISED = /^GB-SORTCODE:(\d{6}):(\d{8})$/i;
/** "<IBAN> BIC <code>" as payment details give them: the BIC names the bank, so it is checked and dropped. */
const WITH_BIC = /^(.*?)[\s,;/]+(?:BIC|SWIFT)(?:\s*\/\s*BIC)?(?:\s*code)?[\s:]*([A-Za-z0-9]+)$/i;

/**
 * An IBAN (ISO 13616: the country's length and account format, and the check digits, by ibantools),
 * written compact and upper-case, or a UK sort code and account number, written
 * `GB-SORTCODE:<6 digits>:<8 digits>` (`20-00-00 12345678` and `200000 12345678` are one account).
 */
function bankAccount(value: string, field: string): string {
  const sortCode = SORT_CODE_ACCOUNT.exec(value);
  if (sortCode) return `GB-SORTCODE:${sortCode[1]}${sortCode[2]}${sortCode[3]}:${sortCode[4]}`;
  const normalised = SORT_CODE_NORMALISED.exec(value);
  if (normalised) return `GB-SORTCODE:${normalised[1]}:${normalised[2]}`;
  let account = value;
  const withBic = WITH_BIC.exec(value);
  if (withBic) {
    if (!isValidBIC(withBic[2]!.toUpperCase())) throw badInput(field, 'carries a BIC that is not one (8 or 11 characters: bank, country, location, branch)');
    account = withBic[1]!;
  }
  const iban = account
    .replace(/^IBAN[\s:]*/i, '')
    .replace(/[\s\-.]/g, '')
    .toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) {
    throw badInput(field, 'must be an IBAN (e.g. GB.. or RO..) or a UK sort code and account number (NN-NN-NN 12345678)');
  }
  const country = iban.slice(0, 2);
  const { errorCodes } = validateIBAN(iban, { allowQRIBAN: true });
  if (errorCodes.includes(ValidationErrorsIBAN.NoIBANCountry)) throw badInput(field, `is not a valid IBAN: ${country} issues no IBANs`);
  if (errorCodes.includes(ValidationErrorsIBAN.WrongBBANLength)) {
    throw badInput(field, `is not a valid IBAN: ${country} IBANs have ${getCountrySpecifications()[country]?.chars} characters`);
  }
  if (errorCodes.includes(ValidationErrorsIBAN.WrongBBANFormat))
    throw badInput(field, `is not a valid IBAN: its account number is not in the format of ${country}`);
  if (errorCodes.includes(ValidationErrorsIBAN.WrongAccountBankBranchChecksum))
    throw badInput(field, 'is not a valid IBAN: its national check digits do not match');
  if (errorCodes.length > 0) throw badInput(field, 'is not a valid IBAN: its check digits do not match');
  return iban;
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
