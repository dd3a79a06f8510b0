import { createHash } from 'node:crypto';
import { badInput } from '../kernel/errors';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from the public, made safe to store and to show: well-formed Unicode (lone surrogates
 * replaced), NFC, without control characters other than tab and line breaks (NUL would break
 * Postgres; the others hide text), trimmed, within `max` characters. Markup is kept as written: it
 * is text, and every client shows it as text.
 */
export function publicText(field: string, value: unknown, opts: { max: number; required?: boolean }): string | null {
  if (value === undefined || value === null) {
    if (opts.required) throw badInput(field, 'is required');
    return null;
  }
  if (typeof value !== 'string') throw badInput(field, 'must be text');
  const clean = value
    .replace(LONE_SURROGATE, '\uFFFD')
    .normalize('NFC')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
    .replace(/\r\n?/g, '\n')
    .trim();
  if (!clean) {
    if (opts.required) throw badInput(field, 'is required');
    return null;
  }
  if (clean.length > opts.max) throw badInput(field, `must be at most ${opts.max} characters`);
  return clean;
}

/** The same story however it was spaced, cased or punctuated: what duplicate detection compares. */
export function fingerprint(story: string): Buffer {
  const folded = story
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return createHash('sha256').update(folded).digest();
}

const URL_PATTERN = /\bhttps?:\/\/|\bwww\./gi;
/** More links than a person telling what they saw would give: advertising, not a report. */
export const MAX_LINKS = 5;

/** Why a story looks like spam rather than a report, or undefined. */
export function spamReason(story: string): string | undefined {
  if ((story.match(URL_PATTERN) ?? []).length > MAX_LINKS) return `more than ${MAX_LINKS} links`;
  if (/(.)\1{49,}/su.test(story)) return 'one character repeated 50 times or more';
  if (!/[\p{L}\p{N}]/u.test(story)) return 'no letters or digits';
  return undefined;
}
