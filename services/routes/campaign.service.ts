import { type Actor, type AgencyType, audienceActor } from '../../policies/actor';
import { rawOf } from '../../policies/enforce';
import type { PolicyRecord } from '../../policies/subjects';
import { visibleAgencies } from '../agencies/api';
import { caseOpeningsWithVictimsByPlace } from '../cases/api';
import { type CountedArea, notificationsByArea, publicReportsByArea } from '../intake/api';
import { appendAudit, type AuditEventInput, writtenFields } from '../kernel/audit';
import { readAs, type RequestContext } from '../kernel/context';
import { badInput, notFound } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanChange, assertCanCreate, mayReadAny, projectAll, projectOne } from '../kernel/policy';
import { ref } from '../kernel/references';
import { findVisible, getVisible, selectPage, selectVisible, type SubjectTable, visibleLoader } from '../kernel/repository';
import { isoDate, isUuid, period, text } from '../kernel/validate';
import { type DisclosedArea, recruitmentAreas } from './aggregate.service';
import type { CampaignChannel, CreateCampaignInput, RecordCampaignReachInput, UpdateCampaignInput } from './campaign.type';
import { CampaignExportFormat, CampaignIndicatorKind } from './campaign.type';
import { cellKeyOf, disclose, type DisclosurePolicy, disclosurePolicy, perturbed, recordKey } from './disclosure';
import { locationTable } from './route.repository';
import { type Projected, publishedOrigins, visibleLocations } from './route.service';

/** Agency types a campaign's partner may be (a platform without an account is named instead). */
export const PARTNER_AGENCY_TYPES: readonly AgencyType[] = ['NGO'];
/** A platform without an account reads a campaign's file as an agency of this type with nothing of its own. */
const PLATFORM_READER_TYPE: AgencyType = 'NGO';
/** The target areas' counts (the evidence behind the choice) cover this many days before the campaign starts. */
export const TARGET_EVIDENCE_DAYS = 365;
export const MAX_TARGET_AREAS = 50;

export const campaignTable: SubjectTable = {
  subject: 'Campaign',
  table: 'routes.campaigns',
  alias: 'cp',
  columns: `cp.id, cp.owner_agency_id AS "ownerAgencyId", cp.partner_agency_id AS "partnerAgencyId", cp.platform_name AS "platformName", cp.name,
    cp.goal, cp.languages, cp.channels, cp.starts_on::text AS "startsOn", cp.ends_on::text AS "endsOn",
    cp.target_location_ids::text[] AS "targetLocationIds", cp.created_at AS "createdAt", cp.updated_at AS "updatedAt"`,
  attributes: () => ({ ownerAgencyId: () => 'cp.owner_agency_id', partnerAgencyId: () => 'cp.partner_agency_id' }),
  map: (row) =>
    ({
      __typename: 'Campaign',
      ...row,
      ownerAgency: ref('Agency', row.ownerAgencyId as string),
      partnerAgency: ref('Agency', row.partnerAgencyId as string | null),
    }) as PolicyRecord,
};

export const reachTable: SubjectTable = {
  subject: 'CampaignReach',
  table: 'routes.campaign_reach',
  alias: 'cr',
  columns: `cr.id, cr.campaign_id AS "campaignId", cr.location_id AS "locationId", cr.iso_week AS "isoWeek", cr.people_reached AS "peopleReached",
    cr.partner_calls AS "partnerCalls", cr.recorded_at AS "recordedAt", cr.owner_agency_id AS "ownerAgencyId",
    (SELECT c.partner_agency_id FROM routes.campaigns c WHERE c.id = cr.campaign_id) AS "partnerAgencyId"`,
  attributes: () => ({
    ownerAgencyId: () => 'cr.owner_agency_id',
    partnerAgencyId: () => '(SELECT c.partner_agency_id FROM routes.campaigns c WHERE c.id = cr.campaign_id)',
  }),
  map: (row) => ({ __typename: 'CampaignReach', ...row }) as PolicyRecord,
};

// ---- dates and weeks -----------------------------------------------------------------------

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) => dateOf(dayNumber(date) + days);

/** The Monday that starts ISO week `YYYY-Www`, or null when there is no such week. */
export function isoWeekStart(week: string): string | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const n = Number(m[2]);
  const jan4 = dayNumber(`${m[1]}-01-04`);
  const mondayOfWeek1 = jan4 - ((new Date(jan4 * DAY).getUTCDay() + 6) % 7);
  const start = mondayOfWeek1 + (n - 1) * 7;
  if (n < 1 || isoWeekOf(dateOf(start)) !== `${year}-W${m[2]}`) return null;
  return dateOf(start);
}

/** The ISO week (YYYY-Www) a date falls in. */
export function isoWeekOf(date: string): string {
  const day = dayNumber(date);
  const thursday = day + 3 - ((new Date(day * DAY).getUTCDay() + 6) % 7);
  const year = new Date(thursday * DAY).getUTCFullYear();
  const week = Math.floor((thursday - dayNumber(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The two windows of equal length the indicators compare: the campaign's period, and as many days just before it. */
export function campaignWindows(startsOn: string, endsOn: string) {
  const length = dayNumber(endsOn) - dayNumber(startsOn) + 1;
  return { beforeFrom: addDays(startsOn, -length), beforeTo: addDays(startsOn, -1), afterFrom: startsOn, afterTo: endsOn };
}

// ---- reads ---------------------------------------------------------------------------------

export const getCampaign = (ctx: RequestContext, id: string) => getVisible(ctx, campaignTable, id);

/** Campaigns that reach the caller (the hub's own, or those it is the partner of), latest start first. */
export async function listCampaigns(ctx: RequestContext, page: PageArgs) {
  const window = pageWindow(page);
  const { rows, ...rest } = await selectPage(ctx, campaignTable, window, {
    orderBy: 'cp.starts_on DESC, cp.created_at DESC, cp.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

async function visibleCampaign(ctx: RequestContext, id: string, field = 'campaignId'): Promise<PolicyRecord> {
  if (!isUuid(id)) throw badInput(field, 'must be a campaign id');
  const campaign = await findVisible(ctx, campaignTable, id);
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

export async function targetAreasOf(ctx: RequestContext, campaign: object): Promise<Projected[]> {
  return visibleLocations(ctx, (rawOf(campaign).targetLocationIds as string[] | undefined) ?? []);
}

export async function campaignOf(ctx: RequestContext, reach: object): Promise<Projected | null> {
  const row = await findVisible(ctx, campaignTable, rawOf(reach).campaignId as string);
  return row ? projectOne(ctx, row) : null;
}

function areaRecord(ctx: RequestContext, area: DisclosedArea): Projected {
  const projected = projectOne(ctx, { __typename: 'CampaignArea', ...area, exactCounts: true });
  delete projected.exactCounts;
  return projected;
}

/**
 * Candidate target areas: the places of recruitment in the hub's own picture with the cases
 * recruited there in the period, under the one disclosure control (recruitmentAreas, disclose()),
 * and the origins of the routes the hub published (their routes, with the counts the hub chose,
 * are the area's `publishedRoutes`). For those who create campaigns. Ordered by place.
 */
export async function candidateAreas(ctx: RequestContext, periodFrom: string, periodTo: string): Promise<Projected[]> {
  const from = isoDate('periodFrom', periodFrom) as string;
  const to = isoDate('periodTo', periodTo) as string;
  period('periodTo', from, to);
  if (!mayReadAny(ctx, 'CampaignArea')) return [];
  const policy = disclosurePolicy(ctx, 'CampaignArea');
  const live = await recruitmentAreas(ctx, { periodFrom: from, periodTo: to }, policy);
  const origins = (await publishedOrigins(ctx)).filter((id) => !live.areas.some((a) => a.locationId === id));
  const withOrigins = origins.length
    ? (await recruitmentAreas(ctx, { periodFrom: from, periodTo: to }, policy, [...live.areas.map((a) => a.locationId), ...origins])).areas
    : live.areas;
  const places = new Map(
    (
      await visibleLocations(
        ctx,
        withOrigins.map((a) => a.locationId),
      )
    ).map((l) => [l.id as string, `${l.countryCode as string}|${l.name as string}`]),
  );
  return withOrigins
    .filter((a) => places.has(a.locationId))
    .sort((a, b) => places.get(a.locationId)!.localeCompare(places.get(b.locationId)!) || a.locationId.localeCompare(b.locationId))
    .map((a) => areaRecord(ctx, a));
}

/** The evidence period of a campaign's target areas: the TARGET_EVIDENCE_DAYS before it starts. */
const evidencePeriod = (campaign: PolicyRecord) => ({
  periodFrom: addDays(campaign.startsOn as string, -TARGET_EVIDENCE_DAYS),
  periodTo: addDays(campaign.startsOn as string, -1),
});

/**
 * A campaign's target areas with the cases recruited there in the year before it starts: exact for
 * the hub's analysts, under the disclosure control of bank and NGO counts for the partner.
 */
export async function campaignTargetAreas(ctx: RequestContext, campaignId: string): Promise<Projected[]> {
  const campaign = await visibleCampaign(ctx, campaignId);
  if (!mayReadAny(ctx, 'CampaignArea')) return [];
  const { areas } = await recruitmentAreas(ctx, evidencePeriod(campaign), disclosurePolicy(ctx, 'CampaignArea'), campaign.targetLocationIds as string[]);
  return areas.map((a) => areaRecord(ctx, a));
}

/**
 * Whom a campaign's file is counted for, the reader it leaves the hub to: the partner agency as a
 * VIEWER with no user and no sharing group of its own (so RED records naming its users, and records
 * it reaches only through a group, are left out), or for a platform without an account an agency
 * of PLATFORM_READER_TYPE with nothing of its own (policies/actor.ts `audienceActor`).
 */
async function campaignFileReader(ctx: RequestContext, campaign: PolicyRecord): Promise<Actor> {
  const partnerId = campaign.partnerAgencyId as string | null;
  const partner = partnerId ? (await visibleAgencies(ctx, [partnerId])).get(partnerId) : undefined;
  if (!partnerId || !partner) return audienceActor(PLATFORM_READER_TYPE);
  return { ...audienceActor(partner.type as AgencyType), agencyId: partnerId };
}

/**
 * The target areas as a file for the partner (CSV, or GeoJSON points from the gazetteer): place,
 * country, coordinates and the cases recruited there as its reader counts them
 * (campaignFileReader), under the disclosure control of bank and NGO counts whoever asks (the file
 * is made to leave the hub), so it counts no case the partner does not reach and reveals none it
 * does. Audited as a disclosure to the partner.
 */
export async function exportTargetAreas(ctx: RequestContext, campaignId: string, format: CampaignExportFormat) {
  const campaign = await visibleCampaign(ctx, campaignId);
  if (!mayReadAny(ctx, 'CampaignArea')) throw notFound('Campaign');
  const { periodFrom, periodTo, areas } = await readAs(ctx, await campaignFileReader(ctx, campaign), 'routes', (reader) =>
    recruitmentAreas(reader, evidencePeriod(campaign), { ...disclosurePolicy(reader, 'CampaignArea'), exact: false }, campaign.targetLocationIds as string[]),
  );
  const places = new Map(
    (
      await visibleLocations(
        ctx,
        areas.map((a) => a.locationId),
      )
    ).map((l) => [l.id as string, l as { name: string; countryCode: string; latitude: number | null; longitude: number | null }]),
  );
  const rows = areas.flatMap((a) => {
    const l = places.get(a.locationId);
    return l ? [{ id: a.locationId, ...l, caseCount: a.caseCount, victimCount: a.victimCount, countSuppressed: a.countSuppressed }] : [];
  });
  const slug =
    String(campaign.name)
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'campaign';
  await ctx.db.transaction((tx) =>
    appendAudit(tx, ctx, [
      {
        action: 'DISCLOSE',
        subjectType: 'Campaign',
        subjectId: campaign.id as string,
        recordOwnerAgencyId: campaign.ownerAgencyId as string,
        recipients: [(campaign.partnerAgencyId as string | null) ?? ctx.actor.agencyId],
        fields: ['targetAreas', 'caseCount', 'victimCount'],
      },
    ]),
  );
  if (format === CampaignExportFormat.GEOJSON) {
    const features = rows.map((r) => ({
      type: 'Feature',
      geometry: r.latitude === null || r.longitude === null ? null : { type: 'Point', coordinates: [r.longitude, r.latitude] },
      properties: {
        name: r.name,
        countryCode: r.countryCode,
        periodFrom,
        periodTo,
        caseCount: r.caseCount,
        victimCount: r.victimCount,
        countSuppressed: r.countSuppressed,
      },
    }));
    return {
      filename: `${slug}-target-areas.geojson`,
      mediaType: 'application/geo+json',
      content: JSON.stringify({ type: 'FeatureCollection', features }),
    };
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n\r]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const lines = [
    'name,country_code,latitude,longitude,period_from,period_to,case_count,victim_count,count_suppressed',
    ...rows.map((r) =>
      [r.name, r.countryCode, r.latitude, r.longitude, periodFrom, periodTo, r.caseCount, r.victimCount, r.countSuppressed].map(cell).join(','),
    ),
  ];
  return { filename: `${slug}-target-areas.csv`, mediaType: 'text/csv', content: `${lines.join('\r\n')}\r\n` };
}

/** The reach recorded for a campaign, by area and week. */
export async function listReach(ctx: RequestContext, campaignId: string): Promise<Projected[]> {
  await visibleCampaign(ctx, campaignId);
  const { rows } = await selectVisible(ctx, reachTable, {
    where: (p) => [`cr.campaign_id = ${p.add(campaignId)}`],
    orderBy: 'cr.iso_week, cr.location_id, cr.id',
  });
  return projectAll(ctx, rows);
}

/** One count under the caller's disclosure policy: its records' keys decide its noise (docs/disclosure-control.md). */
function disclosedCount(records: readonly string[], policy: DisclosurePolicy): number | null {
  if (policy.exact) return records.length;
  return perturbed(records.length, cellKeyOf(records.map((r) => recordKey(policy.secret, r))), policy.k);
}

/**
 * Before/after indicators per target area, over two windows of equal length: the campaign's
 * period and as many days just before it. Public reports and frontline notifications come from the
 * intake subgraph's API, referrals (cases opened with a victim recruited in the area, the stand-in
 * while the national referral mechanisms' stages are not recorded) from the cases subgraph's API,
 * calls from the reach the partner recorded. Every count goes through the disclosure control:
 * record counts by the cell-key method (each record a key of its own), the partner's call figures
 * (numbers, not records) through the threshold only, as published routes are.
 */
export async function campaignIndicators(ctx: RequestContext, campaignId: string): Promise<Projected[]> {
  const campaign = await visibleCampaign(ctx, campaignId);
  if (!mayReadAny(ctx, 'CampaignIndicator')) return [];
  const policy = disclosurePolicy(ctx, 'CampaignIndicator');
  const w = campaignWindows(campaign.startsOn as string, campaign.endsOn as string);
  const ids = campaign.targetLocationIds as string[];
  const { rows: locationRows } = await selectVisible(ctx, locationTable, {
    where: (p) => [`l.id = ANY(${p.add(ids)}::uuid[])`],
    orderBy: 'l.country_code, l.name, l.id',
  });
  const areas: CountedArea[] = locationRows.map((l) => ({
    id: l.id as string,
    name: l.name as string,
    latitude: l.latitude as number | null,
    longitude: l.longitude as number | null,
  }));
  const [reports, notifications, openings] = await Promise.all([
    publicReportsByArea(ctx, areas, w.beforeFrom, w.afterTo),
    notificationsByArea(ctx, areas, w.beforeFrom, w.afterTo),
    caseOpeningsWithVictimsByPlace(ctx, ids, w.beforeFrom, w.afterTo),
  ]);
  const { rows: reach } = await selectVisible(ctx, reachTable, { where: (p) => [`cr.campaign_id = ${p.add(campaignId)}`] });
  const inBefore = (day: string) => day >= w.beforeFrom && day <= w.beforeTo;
  const inAfter = (day: string) => day >= w.afterFrom && day <= w.afterTo;

  const out: Projected[] = [];
  for (const area of areas) {
    const series: Array<[CampaignIndicatorKind, Array<{ record: string; day: string }>]> = [
      [CampaignIndicatorKind.PUBLIC_REPORTS, reports.get(area.id)!.map((r) => ({ record: `public-report:${r.id}`, day: r.day }))],
      [CampaignIndicatorKind.FRONTLINE_NOTIFICATIONS, notifications.get(area.id)!.map((r) => ({ record: `notification:${r.id}`, day: r.day }))],
      [CampaignIndicatorKind.REFERRALS, openings.filter((o) => o.locationId === area.id).map((o) => ({ record: `case:${o.caseId}`, day: o.day }))],
    ];
    for (const [indicator, records] of series) {
      const before = disclosedCount(
        records.filter((r) => inBefore(r.day)).map((r) => r.record),
        policy,
      );
      const after = disclosedCount(
        records.filter((r) => inAfter(r.day)).map((r) => r.record),
        policy,
      );
      out.push(indicatorRecord(ctx, area.id, indicator, w, before, after));
    }
    const calls = (inWindow: (day: string) => boolean) =>
      reach.filter((r) => r.locationId === area.id && inWindow(isoWeekStart(r.isoWeek as string)!)).reduce((n, r) => n + (r.partnerCalls as number), 0);
    const [counts] = disclose([{ counts: { caseCount: calls(inBefore), victimCount: calls(inAfter) } }], null, policy);
    out.push(indicatorRecord(ctx, area.id, CampaignIndicatorKind.PARTNER_CALLS, w, counts!.caseCount, counts!.victimCount));
  }
  return out;
}

function indicatorRecord(
  ctx: RequestContext,
  locationId: string,
  indicator: CampaignIndicatorKind,
  w: ReturnType<typeof campaignWindows>,
  before: number | null,
  after: number | null,
): Projected {
  const projected = projectOne(ctx, {
    __typename: 'CampaignIndicator',
    locationId,
    indicator,
    ...w,
    before,
    after,
    countSuppressed: before === null || after === null,
    exactCounts: true,
  });
  delete projected.exactCounts;
  return projected;
}

// ---- writes --------------------------------------------------------------------------------

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

function languagesOf(field: string, values: readonly string[]): string[] {
  if (!values.length || values.length > 10) throw badInput(field, 'name one to ten languages');
  values.forEach((v, i) => {
    if (!LANGUAGE_TAG.test(v)) throw badInput(`${field}[${i}]`, 'must be a BCP 47 language tag such as ro or en');
  });
  return [...new Set(values)];
}

function channelsOf(field: string, values: readonly CampaignChannel[]): string[] {
  if (!values.length) throw badInput(field, 'name at least one channel');
  return [...new Set(values)];
}

async function targetLocations(ctx: RequestContext, field: string, ids: readonly string[]): Promise<string[]> {
  if (!ids.length || ids.length > MAX_TARGET_AREAS) throw badInput(field, `name one to ${MAX_TARGET_AREAS} target areas`);
  ids.forEach((id, i) => {
    if (!isUuid(id)) throw badInput(`${field}[${i}]`, 'must be a location id');
  });
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  const loader = visibleLoader(ctx, locationTable, 'id');
  const found = await Promise.all(wanted.map((id) => loader.load(id)));
  const missing = found.findIndex((rows) => rows.length === 0);
  if (missing >= 0) throw badInput(`${field}[${ids.findIndex((id) => id.toLowerCase() === wanted[missing])}]`, 'is not a known location');
  return wanted;
}

function campaignPeriod(startsOn: string | null | undefined, endsOn: string | null | undefined, field: string): { startsOn: string; endsOn: string } {
  const start = isoDate(`${field}.startsOn`, startsOn);
  const end = isoDate(`${field}.endsOn`, endsOn);
  if (!start) throw badInput(`${field}.startsOn`, 'is required');
  if (!end) throw badInput(`${field}.endsOn`, 'is required');
  period(`${field}.endsOn`, start, end);
  if (dayNumber(end) - dayNumber(start) > 3 * 366) throw badInput(`${field}.endsOn`, 'a campaign runs at most three years');
  return { startsOn: start, endsOn: end };
}

/**
 * The hub's analysts create a campaign with its partner (an NGO of the directory, or a named
 * platform) and its target areas. Idempotent on the key; audited as collected by the hub and
 * disclosed to the partner agency, in the campaign's transaction.
 */
export async function createCampaign(ctx: RequestContext, input: CreateCampaignInput): Promise<Projected> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  const name = text('input.name', input.name, { max: 200, required: true })!;
  const goal = text('input.goal', input.goal, { max: 2000, required: true })!;
  const platformName = text('input.platformName', input.platformName, { max: 200 });
  const partner = input.partnerAgencyId ? input.partnerAgencyId.toLowerCase() : null;
  if ((partner === null) === (platformName === null)) throw badInput('input.partnerAgencyId', 'name either a partner agency or a platform');
  if (partner !== null && !isUuid(partner)) throw badInput('input.partnerAgencyId', 'must be an agency id');
  const languages = languagesOf('input.languages', input.languages);
  const channels = channelsOf('input.channels', input.channels);
  const { startsOn, endsOn } = campaignPeriod(input.startsOn, input.endsOn, 'input');
  assertCanCreate(ctx, { __typename: 'Campaign', ownerAgencyId: ctx.actor.agencyId, partnerAgencyId: partner });
  const targets = await targetLocations(ctx, 'input.targetLocationIds', input.targetLocationIds);
  if (partner !== null) {
    const agency = (await visibleAgencies(ctx, [partner])).get(partner);
    if (!agency || !PARTNER_AGENCY_TYPES.includes(agency.type as AgencyType)) throw badInput('input.partnerAgencyId', 'must be an NGO of the directory');
  }
  const hash = requestHash(input);
  const id = await submitOnce(ctx, {
    table: 'routes.campaigns',
    subject: 'campaign',
    key,
    hash,
    insert: async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO routes.campaigns (owner_agency_id, partner_agency_id, platform_name, created_by_user_id, name, goal, languages, channels,
           starts_on, ends_on, target_location_ids, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::uuid[], $12, $13) RETURNING id`,
        [ctx.actor.agencyId, partner, platformName, ctx.actor.userId, name, goal, languages, channels, startsOn, endsOn, targets, key, hash],
      );
      const fields = writtenFields({ name, goal, partnerAgency: partner, platformName, languages, channels, startsOn, endsOn, targetAreas: targets });
      const events: AuditEventInput[] = [{ action: 'COLLECT', subjectType: 'Campaign', subjectId: row!.id, recordOwnerAgencyId: ctx.actor.agencyId, fields }];
      if (partner)
        events.push({
          action: 'DISCLOSE',
          subjectType: 'Campaign',
          subjectId: row!.id,
          recordOwnerAgencyId: ctx.actor.agencyId,
          recipients: [partner],
          fields,
        });
      await appendAudit(tx, ctx, events);
      return row!.id;
    },
  });
  ctx.log.info({ op: 'createCampaign', campaignId: id }, 'campaign created');
  return getCampaign(ctx, id);
}

/**
 * The hub's analysts change a campaign's name, goal, languages, channels, period or target areas
 * (the partner stays: a campaign with another partner is another campaign). Fields not given keep
 * their value; giving the values it has changes nothing and writes no audit event.
 */
export async function updateCampaign(ctx: RequestContext, id: string, input: UpdateCampaignInput): Promise<Projected> {
  const campaign = await visibleCampaign(ctx, id, 'id');
  assertCanChange(ctx, 'update', campaign, 'Campaign');
  const next: Record<string, unknown> = {};
  if (input.name != null) next.name = text('input.name', input.name, { max: 200, required: true });
  if (input.goal != null) next.goal = text('input.goal', input.goal, { max: 2000, required: true });
  if (input.languages != null) next.languages = languagesOf('input.languages', input.languages);
  if (input.channels != null) next.channels = channelsOf('input.channels', input.channels);
  const { startsOn, endsOn } = campaignPeriod(input.startsOn ?? (campaign.startsOn as string), input.endsOn ?? (campaign.endsOn as string), 'input');
  next.startsOn = startsOn;
  next.endsOn = endsOn;
  if (input.targetLocationIds != null) next.targetAreas = await targetLocations(ctx, 'input.targetLocationIds', input.targetLocationIds);
  const current: Record<string, unknown> = { ...campaign, targetAreas: campaign.targetLocationIds };
  const changed = Object.keys(next).filter((k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]));
  if (!changed.length) return getCampaign(ctx, id);
  const value = (k: string) => (k in next ? next[k] : current[k]);
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE routes.campaigns SET name = $2, goal = $3, languages = $4, channels = $5, starts_on = $6, ends_on = $7, target_location_ids = $8::uuid[],
         updated_at = now() WHERE id = $1 AND owner_agency_id = $9`,
      [id, value('name'), value('goal'), value('languages'), value('channels'), value('startsOn'), value('endsOn'), value('targetAreas'), ctx.actor.agencyId],
    );
    const partner = campaign.partnerAgencyId as string | null;
    await appendAudit(tx, ctx, [
      {
        action: 'ALTER',
        subjectType: 'Campaign',
        subjectId: id,
        recordOwnerAgencyId: ctx.actor.agencyId,
        recipients: partner ? [partner] : [],
        fields: changed,
      },
    ]);
  });
  visibleLoader(ctx, campaignTable, 'id').clear(id);
  ctx.log.info({ op: 'updateCampaign', campaignId: id, fields: changed }, 'campaign changed');
  return getCampaign(ctx, id);
}

/**
 * The partner records the people reached and the calls it took in one target area and ISO week,
 * from the start of the window before the campaign (its baseline) to the campaign's end. One figure
 * per area and week: recording again replaces it (the same figures change nothing). Audited as
 * collected (or altered) by the partner and disclosed to the campaign's owner.
 */
export async function recordReach(ctx: RequestContext, input: RecordCampaignReachInput): Promise<Projected> {
  const campaign = await visibleCampaign(ctx, input.campaignId, 'input.campaignId');
  assertCanCreate(ctx, {
    __typename: 'CampaignReach',
    ownerAgencyId: campaign.ownerAgencyId,
    partnerAgencyId: campaign.partnerAgencyId,
    platformPartner: campaign.partnerAgencyId === null,
  });
  const locationId = (input.locationId ?? '').toLowerCase();
  if (!(campaign.targetLocationIds as string[]).includes(locationId)) throw badInput('input.locationId', 'must be one of the campaign target areas');
  const weekStart = isoWeekStart(input.isoWeek);
  if (!weekStart) throw badInput('input.isoWeek', 'must be an ISO week such as 2026-W10');
  const w = campaignWindows(campaign.startsOn as string, campaign.endsOn as string);
  if (addDays(weekStart, 6) < w.beforeFrom || weekStart > w.afterTo) {
    throw badInput('input.isoWeek', `must fall between ${isoWeekOf(w.beforeFrom)} and ${isoWeekOf(w.afterTo)}`);
  }
  for (const [field, v, max] of [
    ['input.peopleReached', input.peopleReached, 100_000_000],
    ['input.partnerCalls', input.partnerCalls, 1_000_000],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw badInput(field, `must be a whole number from 0 to ${max}`);
  }
  const owner = campaign.ownerAgencyId as string;
  const id = await ctx.db.transaction(async (tx) => {
    const [before] = await tx.query<{ id: string; people_reached: number; partner_calls: number }>(
      'SELECT id, people_reached, partner_calls FROM routes.campaign_reach WHERE campaign_id = $1 AND location_id = $2 AND iso_week = $3 FOR UPDATE',
      [campaign.id, locationId, input.isoWeek],
    );
    if (before && before.people_reached === input.peopleReached && before.partner_calls === input.partnerCalls) return before.id;
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO routes.campaign_reach (campaign_id, recorded_by_agency_id, owner_agency_id, location_id, iso_week, people_reached, partner_calls, recorded_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (campaign_id, location_id, iso_week) DO UPDATE SET people_reached = EXCLUDED.people_reached, partner_calls = EXCLUDED.partner_calls,
         recorded_by_user_id = EXCLUDED.recorded_by_user_id, recorded_at = now()
       RETURNING id`,
      [campaign.id, ctx.actor.agencyId, owner, locationId, input.isoWeek, input.peopleReached, input.partnerCalls, ctx.actor.userId],
    );
    const fields = ['peopleReached', 'partnerCalls'];
    const events: AuditEventInput[] = [
      { action: before ? 'ALTER' : 'COLLECT', subjectType: 'CampaignReach', subjectId: row!.id, recordOwnerAgencyId: ctx.actor.agencyId, fields },
    ];
    if (owner !== ctx.actor.agencyId) {
      events.push({
        action: 'DISCLOSE',
        subjectType: 'CampaignReach',
        subjectId: row!.id,
        recordOwnerAgencyId: ctx.actor.agencyId,
        recipients: [owner],
        fields,
      });
    }
    await appendAudit(tx, ctx, events);
    return row!.id;
  });
  visibleLoader(ctx, reachTable, 'id').clear(id);
  ctx.log.info({ op: 'recordCampaignReach', campaignId: campaign.id, reachId: id }, 'campaign reach recorded');
  return getVisible(ctx, reachTable, id);
}
