import { badInput } from './errors';

/** Small, explicit input checks; each names the field it refuses. */
export function text(field: string, value: string | null | undefined, opts: { max: number; required?: boolean }): string | null {
  if (value === undefined || value === null || value.trim() === '') {
    if (opts.required) throw badInput(field, 'is required');
    return null;
  }
  if (value.length > opts.max) throw badInput(field, `must be at most ${opts.max} characters`);
  return value.trim();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isoDate(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const d = new Date(`${value}T00:00:00Z`);
  if (!ISO_DATE.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw badInput(field, 'must be a date as YYYY-MM-DD');
  }
  return value;
}

export function period(field: string, start: string | null, end: string | null): void {
  if (start && end && end < start) throw badInput(field, 'must not end before it starts');
}

export function idempotencyKey(field: string, value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!/^[A-Za-z0-9._:-]{8,128}$/.test(value)) throw badInput(field, 'must be 8-128 characters of letters, digits, . _ : -');
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
