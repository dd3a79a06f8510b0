import examples from 'libphonenumber-js/examples.mobile.json';
import phoneMetadata from 'libphonenumber-js/max/metadata';
import { canonicalPhone, normaliseIdentifier, PHONE_COUNTRIES } from './identifier';

/**
 * canonicalPhone is the cheap reading of phones already in E.164 (bulk screening reads millions):
 * whatever it answers must be exactly what the full reading through libphonenumber-js answers, for
 * numbers of every country. The full reading is normaliseIdentifier with the fast path bypassed: the
 * same number written with a space after the calling code, which canonicalPhone does not take.
 */
function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The library's answer: the E.164 number, or the refusal's message. */
function fullReading(e164: string): string {
  const codes = phoneMetadata.country_calling_codes as Record<string, string[]>;
  // Split after the real calling code (calling codes are prefix-free), so the spaced form is the same number.
  let split = e164;
  for (let l = 1; l <= 3; l++) {
    if (codes[e164.slice(1, 1 + l)]) {
      split = `+${e164.slice(1, 1 + l)} ${e164.slice(1 + l)}`;
      break;
    }
  }
  expect(canonicalPhone(split)).toBeUndefined();
  try {
    return normaliseIdentifier('PHONE', split, 'phone');
  } catch (e) {
    return `refused: ${(e as Error).message}`;
  }
}

describe('canonicalPhone, the E.164 fast path', () => {
  const rnd = seeded(20261206);
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
  const codes = phoneMetadata.country_calling_codes as Record<string, string[]>;
  const mobile = examples as Record<string, string>;

  // Numbers of every country: each mobile example with its last 1–7 digits drawn at random, with a
  // digit more or less, with a trunk prefix written after the calling code; and random numbers of
  // every length after every calling code.
  const numbers = new Set<string>();
  for (const country of PHONE_COUNTRIES) {
    const cc = Object.keys(codes).find((c) => codes[c]!.includes(country));
    const example = mobile[country];
    if (!cc || !example) continue;
    for (let i = 0; i < 60; i++) {
      const keep = Math.max(1, example.length - 1 - Math.floor(rnd() * 7));
      numbers.add(`+${cc}${example.slice(0, keep)}${digits(example.length - keep)}`);
    }
    numbers.add(`+${cc}${example}`);
    numbers.add(`+${cc}${example}${digits(1)}`);
    numbers.add(`+${cc}${example.slice(0, -1)}`);
    numbers.add(`+${cc}0${example}`);
  }
  for (const cc of Object.keys(codes))
    for (let length = 4; length + cc.length <= 15; length++) for (let i = 0; i < 8; i++) numbers.add(`+${cc}${digits(length)}`);

  it('answers exactly what the library reads, for numbers of every country', () => {
    let answered = 0;
    const countries = new Set<string>();
    const differ: string[] = [];
    for (const n of numbers) {
      const fast = canonicalPhone(n);
      if (fast === undefined) continue;
      answered++;
      countries.add(Object.keys(codes).find((c) => n.startsWith(`+${c}`))!);
      const full = fullReading(n);
      if (fast !== full) differ.push(`${n}: fast ${fast}, library ${full}`);
    }
    expect(differ).toEqual([]);
    // The fast path is taken for most numbers of most calling codes, not a handful.
    expect(answered).toBeGreaterThan(numbers.size / 3);
    expect(countries.size).toBeGreaterThan(150);
  });

  it('leaves to the library whatever is not canonical E.164 or not a number of the plan', () => {
    for (const v of [
      '+44 7700 900123',
      '447700900123',
      '+4407700900123',
      '+44770090012',
      '+0447700900123',
      '+8001234567',
      '+44770090012345678',
      ' +447700900123',
    ])
      expect(canonicalPhone(v)).toBeUndefined();
    expect(canonicalPhone('+447700900123')).toBe('+447700900123');
    expect(canonicalPhone('+40722123456')).toBe('+40722123456');
  });
});
