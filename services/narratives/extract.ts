import { type EntityKind, isSocialPlatformUrl, normaliseIdentifier, PHONE_COUNTRIES, phoneInText, SOCIAL_PLATFORM_NAMES } from '../kernel/identifier';

/**
 * Finds identifiers (phones, emails, bank accounts, social profiles, advert URLs) and exploitation
 * indicators in free text, in English and Romanian. Everything found is a proposal that a person
 * confirms, so the detectors prefer recall to precision; what they return is only a kind, a
 * normalised value or an indicator code, and the offsets of the words that triggered it — never a
 * copy of the surrounding text.
 *
 * Offsets are UTF-16 code-unit offsets into the text, as JavaScript's `String.prototype.slice`
 * takes them: `text.slice(start, end)` is the triggering excerpt.
 */

export interface FoundIdentifier {
  kind: EntityKind;
  /** Normalised as services/kernel/identifier.ts does, so it names the entity it would observe. */
  value: string;
  start: number;
  end: number;
}

export interface FoundIndicator {
  code: string;
  start: number;
  end: number;
}

export interface ExtractOptions {
  /** ISO 3166-1 alpha-2 country of the contributor: how a national-format phone number is read. */
  country?: string;
  /** The text's language: a fallback reading of national phone numbers for Romanian texts. */
  language?: 'ro' | 'en';
}

// ---- identifiers ------------------------------------------------------------------------------

/** Every platform name and alias the kernel's identifier module knows, as a regular-expression alternation. */
const PLATFORM_NAMES = SOCIAL_PLATFORM_NAMES.join('|');

const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]+/gi;
const EMAIL_RE = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const HANDLE_AFTER_PLATFORM_RE = new RegExp(`\\b(${PLATFORM_NAMES})\\b\\s*[:-]?\\s*@([A-Za-z0-9._]{2,40})`, 'gi');
const HANDLE_BEFORE_PLATFORM_RE = new RegExp(`(?<![\\w.@])@([A-Za-z0-9._]{2,40})\\s+(?:on|pe)\\s+(${PLATFORM_NAMES})\\b`, 'gi');
/** An IBAN in either case (people type "gb82 west ..."): its mod-97 check digits keep words out. */
const IBAN_RE = /\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,40}/g;
/** A sort code and account number, also with "account", "acc. no.", "a/c" and punctuation between them. */
const SORT_CODE_RE = /(?<![\w-])(\d{2})[- ]?(\d{2})[- ]?(\d{2})(?:[\s:,;]*(?:account|acct|acc|a\/c)\.?(?:\s*(?:no|nr|number|#)\.?)?)?[\s:,;#]+(\d{8})(?!\w)/gi;
/**
 * Runs of digit groups that may hold phone numbers; each is read by the kernel's `phoneInText`
 * (libphonenumber-js, with the contributor's country as the default). The library's own text matcher
 * is not used: it reads nothing in a run of two numbers ("0722 123 456 0744 555 123") or a number
 * followed by a year, which the splitting below reads as the numbers they hold.
 */
const PHONE_RE = /(?<![\w+])(?:\+\s?)?\d+(?:(?:[ .-]|\s?\(0\)\s?)\d+)*(?![\w@])/g;

function normalised(kind: EntityKind, raw: string, country?: string): string | undefined {
  try {
    return normaliseIdentifier(kind, raw, 'text', country);
  } catch {
    return undefined;
  }
}

/** A URL on a social platform's host naming a profile, as `platform:handle`; undefined for any other URL. */
function socialProfileOfUrl(url: string): string | undefined {
  return isSocialPlatformUrl(url) ? normalised('SOCIAL_PROFILE', url) : undefined;
}

/** Reads a run of digit groups as a phone number (E.164), or undefined. */
type PhoneReader = (raw: string) => string | undefined;

/** International as written, national by the contributor's country, else (in a Romanian text) Romania's. */
function phoneReader(opts: ExtractOptions): PhoneReader {
  const countries = [opts.country?.toUpperCase(), opts.language === 'ro' ? 'RO' : undefined].filter((c): c is string => c !== undefined);
  return (raw) => {
    if (countries.length === 0) return phoneInText(raw);
    for (const c of countries) {
      const value = phoneInText(raw, c);
      if (value) return value;
    }
    return undefined;
  };
}

class Spans {
  private readonly taken: Array<[number, number]> = [];
  free(start: number, end: number): boolean {
    return this.taken.every(([s, e]) => end <= s || start >= e);
  }
  take(start: number, end: number): void {
    this.taken.push([start, end]);
  }
}

/**
 * Every identifier in the text, in order of appearance, the same identifier as often as it occurs.
 * Detectors run from the most specific (URLs, emails) to the least (digit runs as phones); a span
 * claimed by one is not read again by the next, so an IBAN's digits are never also a phone.
 */
export function findIdentifiers(text: string, opts: ExtractOptions = {}): FoundIdentifier[] {
  return findWith(text, phoneReader(opts));
}

function findWith(text: string, readPhone: PhoneReader): FoundIdentifier[] {
  const found: FoundIdentifier[] = [];
  const spans = new Spans();
  const add = (kind: EntityKind, value: string | undefined, start: number, end: number) => {
    if (value === undefined || !spans.free(start, end)) return;
    spans.take(start, end);
    found.push({ kind, value, start, end });
  };

  for (const m of text.matchAll(URL_RE)) {
    const raw = m[0].replace(/[.,;:!?]+$/, '');
    const url = /^www\./i.test(raw) ? `https://${raw}` : raw;
    const profile = socialProfileOfUrl(url);
    if (profile) add('SOCIAL_PROFILE', profile, m.index, m.index + raw.length);
    else add('ONLINE_ADVERT', normalised('ONLINE_ADVERT', url), m.index, m.index + raw.length);
  }
  for (const m of text.matchAll(EMAIL_RE)) add('EMAIL', normalised('EMAIL', m[0]), m.index, m.index + m[0].length);
  for (const m of text.matchAll(HANDLE_AFTER_PLATFORM_RE)) {
    const handle = m[2]!.replace(/\.+$/, '');
    const end = m.index + m[0].length - (m[2]!.length - handle.length);
    add('SOCIAL_PROFILE', normalised('SOCIAL_PROFILE', `${m[1]!.toLowerCase()}:${handle}`), m.index, end);
  }
  for (const m of text.matchAll(HANDLE_BEFORE_PLATFORM_RE)) {
    add('SOCIAL_PROFILE', normalised('SOCIAL_PROFILE', `${m[2]!.toLowerCase()}:${m[1]!.replace(/\.+$/, '')}`), m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(IBAN_RE)) {
    // The match may run on into the next upper-case word: keep the longest prefix of its groups that is a valid IBAN.
    const groups = m[0].split(' ');
    for (let k = groups.length; k >= 1; k--) {
      const candidate = groups.slice(0, k).join(' ');
      const compact = candidate.replace(/ /g, '');
      if (compact.length < 15 || compact.length > 34) continue;
      const value = normalised('BANK_ACCOUNT', compact);
      if (value) {
        add('BANK_ACCOUNT', value, m.index, m.index + candidate.length);
        break;
      }
    }
  }
  for (const m of text.matchAll(SORT_CODE_RE))
    add('BANK_ACCOUNT', normalised('BANK_ACCOUNT', `${m[1]}-${m[2]}-${m[3]} ${m[4]}`), m.index, m.index + m[0].length);
  for (const m of text.matchAll(PHONE_RE)) {
    // A run of digit groups separated by one space, dot or dash (or a "(0)") may hold several
    // numbers, or a number and then a year: from each group, the longest run of at most 8 groups
    // that reads as a phone is one, and reading goes on after it.
    const parts = m[0].split(/(?<=\d)(?=[ .-]|\s?\(0\))/);
    let offset = m.index;
    for (let j = 0; j < parts.length;) {
      let taken = 0;
      for (let k = Math.min(parts.length - j, 8); k >= 1 && !taken; k--) {
        const joined = parts.slice(j, j + k).join('');
        const lead = j === 0 ? 0 : joined.length - joined.replace(/^[\s.-]+/, '').length;
        const candidate = joined.slice(lead);
        // A group that starts a number must not be "(0)": that belongs to the number before it.
        if (candidate.startsWith('(')) break;
        const value = readPhone(candidate);
        if (value) {
          add('PHONE', value, offset + lead, offset + joined.length);
          taken = k;
        }
      }
      const step = Math.max(taken, 1);
      offset += parts.slice(j, j + step).join('').length;
      j += step;
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

// ---- indicators -------------------------------------------------------------------------------

/**
 * Lower case without diacritics, one output character per UTF-16 unit of the input, so offsets in
 * the folded text are offsets in the original: "Pașaportul", "Paşaportul" and "Pasaportul" fold alike.
 */
export function fold(text: string): string {
  let out = '';
  for (const ch of text.split('')) {
    if (ch === '\u2019' || ch === '\u2018') {
      out += "'";
      continue;
    }
    const base = ch.normalize('NFD')[0] ?? ch;
    const lower = base.toLowerCase();
    out += lower.length === 1 ? lower : base;
  }
  return out;
}

interface IndicatorRule {
  codes: string[];
  /** Any one of these, on the folded text. */
  terms: RegExp[];
  /** When given, one of these must also occur in the same sentence. */
  with?: RegExp[];
}

const THREAT_TERMS = [/\bamenin[a-z]*/, /\bintimid[a-z]*/, /\bthreat[a-z]*/];

/** Keywords of each exploitation indicator in English and Romanian (without diacritics: the text is folded first). */
const INDICATOR_RULES: IndicatorRule[] = [
  {
    codes: ['DEBT_BONDAGE', 'CONTROL_BY_DEBT'],
    terms: [
      /\bdator(?!it)[a-z]*/,
      /\bdebts?\b/,
      /\bowe[sd]?\b/,
      /\bowing\b/,
      /\b(?:pay|paid|paying|work|working) (?:it |that |this |the money )?(?:off|back)\b/,
    ],
  },
  {
    codes: ['RETENTION_OF_DOCUMENTS', 'CONTROL_WITHHOLDS_DOCUMENTS'],
    terms: [
      /\bpasaport[a-z]*/,
      /\bpassports?\b/,
      /\bbuletin[a-z]*/,
      /\bcartea? de identitate\b/,
      /\bactele\b/,
      /\bacte(?:le)? de identitate\b/,
      /\bid cards?\b/,
      /\bidentity (?:cards?|documents?|papers)\b/,
      /\b(?:documents|papers)\b/,
    ],
    with: [
      /\bluat[a-z]*/,
      /\blua(?:se|sera|u)?\b/,
      /\bpastr[a-z]*/,
      /\btine(?:a|au)?\b/,
      /\bconfisca[a-z]*/,
      /\bretin[a-z]*/,
      /\bascun[a-z]*/,
      /\b(?:took|taken|take|takes|kept|keep|keeps|keeping|held|holds|hold|holding|confiscat[a-z]*|withh[eo]ld[a-z]*|hid|hidden)\b/,
    ],
  },
  {
    codes: ['RECRUITED_VIA_FALSE_RELATIONSHIP'],
    terms: [/\biub[a-z]*/, /\bboyfriend/, /\blover(?:boy)?s?\b/, /\bin love\b/, /\bloved (?:her|me|him)\b/, /\bromantic[a-z]*/, /\brelationship\b/],
  },
  { codes: ['INTIMIDATION_AND_THREATS'], terms: THREAT_TERMS },
  {
    codes: ['CONTROL_THREATS_TO_FAMILY'],
    terms: THREAT_TERMS,
    with: [
      /\bparint[a-z]*/,
      /\bfamili[a-z]*/,
      /\bmam(?:a|ei)\b/,
      /\btat(?:a|al|alui)\b/,
      /\bfrat[a-z]*/,
      /\bsor(?:a|ei|ii)\b/,
      /\bcopi(?:l|ii|lul|lului|ilor|lor)\b/,
      /\bparents?\b/,
      /\bfamily\b/,
      /\bmother\b/,
      /\bfather\b/,
      /\bchild(?:ren)?\b/,
      /\bsister\b/,
      /\bbrother\b/,
      /\bson\b/,
      /\bdaughter\b/,
    ],
  },
  {
    codes: ['RECRUITED_VIA_SOCIAL_MEDIA'],
    terms: [
      /\bpe internet\b/,
      /\bonline\b/,
      /\bfacebook\b/,
      /\binstagram\b/,
      /\btiktok\b/,
      /\bsnapchat\b/,
      /\bsocial media\b/,
      /\bretel(?:e|ele) (?:de socializare|sociale)\b/,
    ],
  },
  {
    codes: ['RECRUITED_VIA_JOB_OFFER'],
    terms: [
      /\boferta de (?:munca|lucru|serviciu|job)\b/,
      /\bloc(?:ul)? de munca\b/,
      /\bjob offer/,
      /\boffered (?:her |me |him |them )?(?:a )?(?:job|work)\b/,
      /\bpromised (?:her |me |him |them )?(?:a )?(?:job|work)\b/,
      /\bpromis[a-z]* (?:un |o )?(?:job|loc de munca|slujba|serviciu)\b/,
    ],
  },
  {
    codes: ['RECRUITED_VIA_FAMILY_OR_ACQUAINTANCE'],
    terms: [
      /\bo cunostint[a-z]*/,
      /\bun var\b/,
      /\bverisoar[a-z]*/,
      /\bvecin[a-z]*/,
      /\bunchi[a-z]*/,
      /\bmatus[a-z]*/,
      /\bacquaintance/,
      /\bcousin/,
      /\bfamily friend/,
      /\bneighbou?r/,
      /\ba relative\b/,
      /\buncle\b/,
      /\baunt\b/,
    ],
  },
  {
    codes: ['RESTRICTION_OF_MOVEMENT'],
    terms: [
      /\bincuia[a-z]*/,
      /\binchis[a-z]* in\b/,
      /\bnu (?:aveam|avea|am avut) voie sa (?:ies|iasa|plec)[a-z]*/,
      /\bnu (?:ma|o|ne) lasa[a-z]* sa (?:ies|iasa|plec)/,
      /\blocked (?:in|up|inside)\b/,
      /\bnot (?:allowed|permitted) to (?:leave|go out)\b/,
      /\b(?:couldn'?t|could not|can'?t|cannot) leave\b/,
      /\bnever (?:let|allowed) (?:her|me|us|them) (?:out|leave|go)\b/,
    ],
  },
  {
    codes: ['ISOLATION'],
    terms: [
      /\bizola[a-z]*/,
      /\bisolat[a-z]*/,
      /\bfara telefon\b/,
      /\bluat telefonul\b/,
      /\b(?:took|taken) (?:away )?(?:her|my|their) (?:phone|mobile)\b/,
      /\bno contact with\b/,
      /\bnu (?:aveam|avea) voie sa vorb[a-z]*/,
      /\bnot (?:allowed|permitted) to (?:talk|speak|call|contact)\b/,
    ],
  },
  {
    codes: ['PHYSICAL_OR_SEXUAL_VIOLENCE'],
    terms: [
      /\bbatut[a-z]*/,
      /\bbatea\b/,
      /\bbatai[a-z]*/,
      /\blovit[a-z]*/,
      /\blovea\b/,
      /\bviol(?:at[a-z]*|ul)?\b/,
      /\bpalme\b/,
      /\bbeat(?:en|ing|s)?\b/,
      /\bhit (?:her|me|him|them|us)\b/,
      /\brap(?:e|ed|es|ing)\b/,
      /\bassault[a-z]*/,
      /\bviolen(?:ce|t)\b/,
      /\bkick(?:ed|ing)?\b/,
      /\bslapp?(?:ed|ing)?\b/,
    ],
  },
  {
    codes: ['WITHHOLDING_OF_WAGES'],
    terms: [
      /\bnu (?:m-a|ne-a|a) (?:mai )?platit\b/,
      /\bnu (?:primeam|primea|am primit) (?:niciun ban|bani|nimic|salariu)\b/,
      /\bfara (?:plata|salariu)\b/,
      /\bnever (?:got )?paid\b/,
      /\b(?:not|wasn'?t|weren'?t) paid\b/,
      /\bunpaid\b/,
      /\b(?:withheld|withholding|kept) (?:her |my |their |the )?(?:wages|pay|salary)\b/,
      /\bno (?:wages|pay|salary)\b/,
    ],
  },
  {
    codes: ['CONTROL_TAKES_EARNINGS'],
    terms: [
      /\b(?:toti|toata) banii\b/,
      /\b(?:lua|luat|luau|iau|ia) (?:toti |tot )?banii\b/,
      /\bbanii (?:ii|i|il|le) (?:lua|dadea|dadeam)[a-z]*/,
      /\b(?:all|most) (?:of )?the money went\b/,
      /\bmoney went to (?:him|her|them)\b/,
      /\btook (?:all )?(?:of )?(?:her|my|their|the) (?:money|earnings|cash)\b/,
      /\b(?:kept|keeps|keep) (?:all )?(?:of )?(?:her|my|their|the) (?:money|earnings)\b/,
      /\bgave (?:him|them) (?:all )?(?:the |her |my )?(?:money|earnings)\b/,
    ],
  },
  {
    codes: ['DECEPTION'],
    terms: [
      /\bminti[a-z]*/,
      /\bmint(?:e|ea)\b/,
      /\bpacal[a-z]*/,
      /\bpromi(?:s|tea|sese)[a-z]*/,
      /\bdeceiv[a-z]*/,
      /\bdecept[a-z]*/,
      /\blied\b/,
      /\blies\b/,
      /\blying\b/,
      /\btrick(?:ed|s)?\b/,
      /\bpromis(?:e|ed|es|ing)\b/,
      /\bfalse (?:promise|job|offer)/,
    ],
  },
  {
    codes: ['ABUSE_OF_VULNERABILITY'],
    terms: [
      /\bvulnerab[a-z]*/,
      /\bsaraci[a-z]*/,
      /\bfara (?:bani|casa|adapost)\b/,
      /\bpoverty\b/,
      /\bhomeless/,
      /\bno money\b/,
      /\borphan[a-z]*/,
      /\borfan[a-z]*/,
      /\bdisabilit[a-z]*/,
      /\bdizabilit[a-z]*/,
    ],
  },
  {
    codes: ['ABUSIVE_CONDITIONS'],
    terms: [
      /\bconditii (?:groaznice|inumane|mizere|rele)\b/,
      /\b(?:dormeam|dormea|dormeau) pe (?:jos|podea)\b/,
      /\bfara mancare\b/,
      /\b(?:slept|sleep|sleeping) on the floor\b/,
      /\bno food\b/,
      /\bovercrowded\b/,
      /\b(?:filthy|squalid|inhumane) conditions\b/,
    ],
  },
  {
    codes: ['EXCESSIVE_OVERTIME'],
    terms: [
      /\b\d{2} (?:de )?ore pe zi\b/,
      /\bore in sir\b/,
      /\bfara (?:nicio )?zi libera\b/,
      /\bzi si noapte\b/,
      /\bno (?:days?|time) off\b/,
      /\b(?:1[2-9]|2[0-4]) hours a day\b/,
      /\bday and night\b/,
      /\bseven days a week\b/,
    ],
  },
  {
    codes: ['CONTROL_SUBSTANCE_DEPENDENCY'],
    terms: [/\bdrog[a-z]*/, /\balcool[a-z]*/, /\bdrugs?\b/, /\bdrugged\b/, /\balcohol[a-z]*/, /\bcocain[a-z]*/, /\bheroin[a-z]*/, /\bpastile\b/, /\bpills\b/],
  },
];

function firstMatch(sentence: string, patterns: RegExp[]): { start: number; end: number } | undefined {
  let best: { start: number; end: number } | undefined;
  for (const p of patterns) {
    const m = p.exec(sentence);
    if (m && (!best || m.index < best.start)) best = { start: m.index, end: m.index + m[0].length };
  }
  return best;
}

/**
 * Each exploitation indicator whose keywords occur in the text, once, at its first occurrence (the
 * span from the first keyword to the last one it needed, within one sentence).
 */
export function findIndicators(text: string): FoundIndicator[] {
  const folded = fold(text);
  const found = new Map<string, FoundIndicator>();
  const sentence = /[^.!?\n]+/g;
  for (const s of folded.matchAll(sentence)) {
    for (const rule of INDICATOR_RULES) {
      if (rule.codes.every((c) => found.has(c))) continue;
      const term = firstMatch(s[0], rule.terms);
      if (!term) continue;
      const other = rule.with ? firstMatch(s[0], rule.with) : undefined;
      if (rule.with && !other) continue;
      const start = s.index + Math.min(term.start, other?.start ?? term.start);
      const end = s.index + Math.max(term.end, other?.end ?? term.end);
      for (const code of rule.codes) if (!found.has(code)) found.set(code, { code, start, end });
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
}

/** The distinct identifiers (first occurrence of each) and indicators of a text. */
export function extract(text: string, opts: ExtractOptions = {}): { identifiers: FoundIdentifier[]; indicators: FoundIndicator[] } {
  const seen = new Set<string>();
  const identifiers = findIdentifiers(text, opts).filter((i) => {
    const key = `${i.kind}\u0000${i.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { identifiers, indicators: findIndicators(text) };
}

const KIND_LABEL: Record<EntityKind, string> = {
  PHONE: 'a phone number',
  EMAIL: 'an email address',
  BANK_ACCOUNT: 'a bank account',
  ONLINE_ADVERT: 'a URL naming a page',
  SOCIAL_PROFILE: 'a social-media profile',
  ADDRESS: 'an address',
  VEHICLE: 'a vehicle registration',
  ORGANISATION: 'an organisation',
};

/**
 * The first identifier in a text meant to carry none (a typology shared with peers); undefined when
 * there is none. A URL naming only a site (no path, no query) is a channel, not an identifier.
 * National phone numbers are read with the contributor's country first, then with every country's: a
 * Romanian bank's text naming a UK mobile in national form names a person as surely as a British
 * one's (see `phoneInText` for how a national number of another country is told from other digits).
 * The console runs this same function in the browser to warn before a typology is submitted. The
 * text is read folded (foldedForDetection), so a number spaced or typed in other digits is still one;
 * `start` and `end` are the original text's.
 */
export function firstIdentifier(text: string, opts: ExtractOptions = {}): FoundIdentifier | undefined {
  const own = phoneReader(opts);
  // Every country is tried on each run of digits: a run met again is not read again.
  const read = new Map<string, string | undefined>();
  const readPhone: PhoneReader = (raw) => {
    if (!read.has(raw)) read.set(raw, own(raw) ?? anyCountry(raw));
    return read.get(raw);
  };
  const { folded, at } = foldedForDetection(text);
  const hit = findWith(folded, readPhone).find((i) => i.kind !== 'ONLINE_ADVERT' || /^https?:\/\/[^/?]+[/?]./.test(i.value));
  return hit && { ...hit, start: at[hit.start]!, end: at[hit.end]! };
}

/**
 * `text` as a text meant to carry no identifier is searched: each character in its compatibility
 * form (fullwidth digits are digits, a fullwidth at sign an at sign), every space character (a
 * non-breaking space, a thin space, a tab) a plain space and a run of them one, format characters
 * (zero-width spaces and joiners) dropped. `at[i]` is where the folded text's i-th UTF-16 unit comes
 * from in `text`, `at[folded.length]` the text's end.
 */
function foldedForDetection(text: string): { folded: string; at: number[] } {
  let folded = '';
  const at: number[] = [];
  let i = 0;
  for (const ch of text) {
    const start = i;
    i += ch.length;
    if (/\p{Cf}/u.test(ch)) continue;
    const c = /[\p{Zs}\t]/u.test(ch) ? ' ' : ch.normalize('NFKC');
    if (c === ' ' && folded.endsWith(' ')) continue;
    folded += c;
    for (let k = 0; k < c.length; k++) at.push(start);
  }
  at.push(text.length);
  return { folded, at };
}

/** `firstIdentifier` described without repeating it ("a phone number at characters 15-30"). */
export function describeFirstIdentifier(text: string, opts: ExtractOptions = {}): string | undefined {
  const hit = firstIdentifier(text, opts);
  return hit ? `${KIND_LABEL[hit.kind]} at characters ${hit.start}-${hit.end}` : undefined;
}

/** A national number of any country (a mobile one where the country has no trunk prefix). */
function anyCountry(raw: string): string | undefined {
  for (const c of PHONE_COUNTRIES) {
    const value = phoneInText(raw, c, true);
    if (value) return value;
  }
  return undefined;
}
