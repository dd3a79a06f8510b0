import type { RequestContext } from '../kernel/context';
import { mayReadAny } from '../kernel/policy';

/** A place the hub counts intake in: a gazetteer entry's id, name and coordinates. */
export interface CountedArea {
  id: string;
  name: string;
  latitude: number | null;
  longitude: number | null;
}

/** One counted record: its id (its record key for disclosure control, never shown) and its day (YYYY-MM-DD, UTC). */
export interface CountedRecord {
  id: string;
  day: string;
}

/** A public report placed by its coordinates counts in every area within this many kilometres. */
export const AREA_RADIUS_KM = 25;

/** Lower case without diacritics, the old cedilla forms included (as routes.fold and unaccent do). */
export function foldPlace(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function kilometres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

const emptyByArea = (areas: readonly CountedArea[]) => new Map(areas.map((a) => [a.id, [] as CountedRecord[]]));

/**
 * Reports from the public received in [from, to] that fall in each area: placed within
 * AREA_RADIUS_KM of it, or naming it in their place (with or without diacritics). Copies of a
 * report (duplicateOf) are not counted again. Only for callers who read public reports (the hub's
 * analysts); everyone else gets no record.
 */
export async function publicReportsByArea(ctx: RequestContext, areas: readonly CountedArea[], from: string, to: string): Promise<Map<string, CountedRecord[]>> {
  const out = emptyByArea(areas);
  if (!areas.length || !mayReadAny(ctx, 'PublicReport')) return out;
  const rows = await ctx.db.query<{ id: string; day: string; place: string | null; latitude: string | null; longitude: string | null }>(
    `SELECT id::text, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, place, latitude, longitude
     FROM intake.public_reports WHERE duplicate_of IS NULL AND (received_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date`,
    [from, to],
  );
  for (const area of areas) {
    const name = foldPlace(area.name);
    for (const r of rows) {
      const near =
        r.latitude !== null &&
        r.longitude !== null &&
        area.latitude !== null &&
        area.longitude !== null &&
        kilometres({ latitude: Number(r.latitude), longitude: Number(r.longitude) }, { latitude: area.latitude, longitude: area.longitude }) <= AREA_RADIUS_KM;
      if (near || (r.place !== null && foldPlace(r.place).includes(name))) out.get(area.id)!.push({ id: r.id, day: r.day });
    }
  }
  return out;
}

/**
 * Frontline notifications made in [from, to] whose place names each area (with or without
 * diacritics). A notification reaches only its notifier and destination, so the count goes
 * through intake.notifications_naming, which returns ids and days only and answers only the
 * hub's analysts.
 */
export async function notificationsByArea(ctx: RequestContext, areas: readonly CountedArea[], from: string, to: string): Promise<Map<string, CountedRecord[]>> {
  const out = emptyByArea(areas);
  if (!areas.length || ctx.actor.agencyType !== 'HUB_ANALYST') return out;
  const byName = new Map<string, string[]>();
  for (const a of areas) byName.set(foldPlace(a.name), [...(byName.get(foldPlace(a.name)) ?? []), a.id]);
  const rows = await ctx.db.query<{ name: string; id: string; day: string }>(
    `SELECT name, notification_id::text AS id, to_char(day, 'YYYY-MM-DD') AS day FROM intake.notifications_naming($1::text[], $2::date, $3::date)`,
    [[...byName.keys()], from, to],
  );
  for (const r of rows) for (const id of byName.get(r.name) ?? []) out.get(id)!.push({ id: r.id, day: r.day });
  return out;
}
