import DataLoader from 'dataloader';
import { REDACTED, rawOf } from '../../policies/enforce';
import { AGENCY_TYPES, type AgencyType, audienceActor } from '../../policies/actor';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { existingSharingGroupIds, visibleAgencies } from '../agencies/api';
import { networkChartData } from '../entities/api';
import { getLocation, type MapHotspot, type MapRoute, routeMapData, visibleRouteIds } from '../routes/api';
import { visibleCases } from '../cases/api';
import { visibleTypologyIds } from '../typologies/api';
import { appendAudit, type AuditEventInput, writtenFields } from '../kernel/audit';
import { loadConfig } from '../kernel/config';
import { readAs, type RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { badInput, conflict } from '../kernel/errors';
import { requestHash, requiredIdempotencyKey, submitOnce } from '../kernel/idempotency';
import { type PageArgs, pageWindow, toPage } from '../kernel/pagination';
import { assertCanChange, assertCanCreate, inAudience, projectAll } from '../kernel/policy';
import { ref } from '../kernel/references';
import { findVisible, getVisible, selectPage, type SubjectTable, visibleLoader } from '../kernel/repository';
import type { ExploitationType } from '../kernel/taxonomy';
import { isoDate, isUuid, period, text } from '../kernel/validate';
import { reportPdf } from './pdf';
import {
  PRODUCT_MARKINGS,
  type PublishReportInput,
  type ReportOrder,
  type ReportSortField,
  type ReportAudienceInput,
  type ReportContentInput,
  type ReviseReportInput,
} from './report.type';
import { networkChartSvg, routeMapSvg } from './visuals';

type Projected = Record<string, unknown>;

/** The agency types a report may be addressed to: those that hold or act on intelligence (not the hub itself, not its administration). */
export const RECIPIENT_TYPES: readonly AgencyType[] = AGENCY_TYPES.filter((t) => t !== 'HUB_ANALYST' && t !== 'HUB_ADMIN');
const SERVICE = 'products';

export const reportTable: SubjectTable = {
  subject: 'IntelligenceReport',
  table: 'products.reports',
  alias: 'r',
  columns: `r.id, r.owner_agency_id AS "ownerAgencyId", r.marking, CASE WHEN r.withdrawn_at IS NULL THEN 'PUBLISHED' ELSE 'WITHDRAWN' END AS status,
    r.version_count AS "versionCount", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.audience_agency_types AS "audienceAgencyTypes",
    r.audience_agency_ids::text[] AS "audienceAgencyIds", r.audience_group_ids::text[] AS "audienceGroupIds", r.withdrawn_at AS "withdrawnAt",
    r.withdrawal_reason AS "withdrawalReason"`,
  attributes: (ctx, params) => ({ inAudience: () => inAudience(ctx, 'r', params), ownerAgencyId: () => 'r.owner_agency_id' }),
  map: (row) =>
    ({
      __typename: 'IntelligenceReport',
      ...row,
      audienceAgencies: (row.audienceAgencyIds as string[]).map((id) => ref('Agency', id)),
    }) as PolicyRecord,
};

export const versionTable: SubjectTable = {
  subject: 'IntelligenceReportVersion',
  table: 'products.report_versions',
  alias: 'v',
  columns: `v.id, v.report_id AS "reportId", v.owner_agency_id AS "ownerAgencyId", v.version, v.title, v.summary, v.key_judgements AS "keyJudgements", v.body,
    v.linked_case_ids::text[] AS "linkedCaseIds", v.linked_route_ids::text[] AS "linkedRouteIds", v.linked_typology_ids::text[] AS "linkedTypologyIds",
    v.hotspot_location_ids::text[] AS "hotspotLocationIds", v.network_seed_ids::text[] AS "networkSeedIds", v.period_start::text AS "periodStart",
    v.period_end::text AS "periodEnd", v.exploitation_type AS "exploitationType", v.published_at AS "publishedAt"`,
  attributes: (ctx, params) => ({
    inAudience: () => `EXISTS (SELECT 1 FROM products.reports r WHERE r.id = v.report_id AND ${inAudience(ctx, 'r', params)})`,
  }),
  map: (row) =>
    ({
      __typename: 'IntelligenceReportVersion',
      ...row,
      hotspotLocations: (row.hotspotLocationIds as string[]).map((id) => ref('Location', id)),
      // Asked of their owners per reader (linkedRecordsOf) where the field policy lets them through.
      linkedCases: true,
      linkedRoutes: true,
      linkedTypologies: true,
      // Rendered on demand from the stored snapshot (visualsOf, pdfOf) where the field policy lets them through.
      visuals: true,
      pdf: true,
    }) as PolicyRecord,
};

export const getReport = (ctx: RequestContext, id: string) => getVisible(ctx, reportTable, id);

/**
 * The caller's feed: the reports addressed to it, latest version first (hub analysts: every report;
 * with `withdrawn`, the withdrawn ones, which no recipient reads any more).
 */
const SORT: Record<ReportSortField, { field: string; column: string }> = {
  UPDATED_AT: { field: 'updatedAt', column: 'r.updated_at' },
  CREATED_AT: { field: 'createdAt', column: 'r.created_at' },
  VERSION_COUNT: { field: 'versionCount', column: 'r.version_count' },
};

export async function intelligenceFeed(
  ctx: RequestContext,
  args: { since?: string | null; withdrawn?: boolean | null; audienceAgencyType?: string | null; order?: ReportOrder | null },
  page: PageArgs,
) {
  const window = pageWindow(page);
  const since = args.since ? new Date(args.since) : null;
  if (since && Number.isNaN(since.getTime())) throw badInput('since', 'must be an ISO 8601 date and time');
  const type = args.audienceAgencyType;
  const { rows, ...rest } = await selectPage(ctx, reportTable, window, {
    where: (p) => [
      args.withdrawn ? 'r.withdrawn_at IS NOT NULL' : 'r.withdrawn_at IS NULL',
      ...(since ? [`r.updated_at > ${p.add(since)}`] : []),
      ...(type ? [`${p.add(type)} = ANY(r.audience_agency_types)`] : []),
    ],
    // Who else a report went to is the hub's: filtering on it is refused to everyone who may not read it.
    filterFields: [...(since ? ['updatedAt'] : []), ...(type ? ['audienceAgencyTypes'] : [])],
    sort: args.order ? { ...SORT[args.order.field], direction: args.order.direction } : undefined,
    orderBy: 'r.updated_at DESC, r.id',
  });
  return toPage(projectAll(ctx, rows), rest, window);
}

/** A report's versions, newest first, through the version policy (readers see them while the report reaches them). */
export async function versionsOf(ctx: RequestContext, report: object): Promise<Projected[]> {
  return projectAll(ctx, await visibleLoader(ctx, versionTable, 'report_id', 'v.version DESC').load(rawOf<{ id: string }>(report).id));
}

export async function latestOf(ctx: RequestContext, report: object): Promise<Projected | null> {
  return (await versionsOf(ctx, report))[0] ?? null;
}

// ---- visuals ---------------------------------------------------------------------------------

interface Rendering {
  agencyType: AgencyType;
  periodStart: string;
  periodEnd: string;
  routeMapSvg: string;
  networkSvg: string;
  routes: MapRoute[];
  hotspots: MapHotspot[];
  /** The entities whose values the network chart shows. */
  labelledEntityIds: string[];
}

/**
 * The visuals of a version as one agency type of its audience reads them: evaluated by a reader of
 * that type with nothing of its own (policies/actor.ts `audienceActor`: no agency's records, groups,
 * grants or purpose; VIEWER), through the owners' own services (routes: `routeMapData`, the same
 * aggregates, reach and disclosure control as `routeAggregates` and `hotspots`; entities:
 * `networkChartData`, the same walk as `network`), on a session of its own under row-level security
 * as that reader. So what every agency of the type may see, and nothing the author sees beyond it.
 */
async function renderFor(ctx: RequestContext, agencyType: AgencyType, content: ValidContent): Promise<Rendering> {
  return readAs(ctx, audienceActor(agencyType), SERVICE, async (reader) => {
    const k = loadConfig().kAnonymity;
    const data = await routeMapData(reader, {
      periodFrom: content.periodStart,
      periodTo: content.periodEnd,
      exploitationType: (content.exploitationType ?? undefined) as ExploitationType | undefined,
    });
    const named = new Set(content.hotspotLocationNames);
    const hotspots = named.size ? data.hotspots.filter((h) => h.location && named.has(h.location.name)) : data.hotspots;
    const seeds = content.networkSeedIds.length ? content.networkSeedIds : content.linkedCaseIds;
    const chart = await networkChartData(reader, seeds);
    return {
      agencyType,
      periodStart: data.periodFrom,
      periodEnd: data.periodTo,
      routeMapSvg: routeMapSvg(data.routes, hotspots, k),
      networkSvg: networkChartSvg(chart.nodes, chart.edges),
      routes: data.routes,
      hotspots,
      labelledEntityIds: chart.nodes.filter((n) => n.valueShown).map((n) => n.id),
    };
  });
}

/**
 * A version's visuals for each agency type that may read it: its audience's types, those of its
 * named agencies, and every recipient type when it names a sharing group (whose members may be of
 * any type, and may change).
 */
export async function renderingsFor(ctx: RequestContext, audience: ValidAudience, namedTypes: AgencyType[], content: ValidContent): Promise<Rendering[]> {
  const types = new Set<AgencyType>([...audience.agencyTypes, ...namedTypes]);
  if (audience.groupIds.length) for (const t of RECIPIENT_TYPES) types.add(t);
  const renderings: Rendering[] = [];
  for (const t of RECIPIENT_TYPES.filter((r) => types.has(r))) renderings.push(await renderFor(ctx, t, content));
  return renderings;
}

export async function insertRenderings(tx: Sql, ctx: RequestContext, versionId: string, renderings: Rendering[]): Promise<void> {
  for (const r of renderings) {
    await tx.query(
      `INSERT INTO products.report_visuals (version_id, owner_agency_id, agency_type, route_map_svg, network_svg, hotspots, routes, period_start, period_end,
                                            labelled_entity_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid[])`,
      [
        versionId,
        ctx.actor.agencyId,
        r.agencyType,
        r.routeMapSvg,
        r.networkSvg,
        JSON.stringify(r.hotspots),
        JSON.stringify(r.routes),
        r.periodStart,
        r.periodEnd,
        r.labelledEntityIds,
      ],
    );
  }
}

interface StoredRendering {
  agencyType: string;
  periodStart: string;
  periodEnd: string;
  routeMapSvg: string;
  networkSvg: string;
  hotspots: MapHotspot[];
  routes: MapRoute[];
  k: number;
  /** The entities whose values its network chart shows. */
  labelledEntityIds: string[];
}

/**
 * A version's stored renderings the caller reads: its own agency type's (row-level security also
 * holds every other type's back); the hub's analysts read every one. One statement per batch of
 * versions (a feed's page asks for many).
 */
function storedRenderings(ctx: RequestContext, versionId: string): Promise<StoredRendering[]> {
  const loader = ctx.loader(
    'products:renderings',
    () =>
      new DataLoader<string, StoredRendering[]>(async (versionIds) => {
        const hub = ctx.actor.agencyType === 'HUB_ANALYST';
        const params = new SqlParams([versionIds]);
        const rows = await ctx.db.query<Omit<StoredRendering, 'k'> & { versionId: string }>(
          `SELECT version_id::text AS "versionId", agency_type AS "agencyType", period_start::text AS "periodStart", period_end::text AS "periodEnd",
             route_map_svg AS "routeMapSvg", network_svg AS "networkSvg", hotspots, routes, labelled_entity_ids::text[] AS "labelledEntityIds"
           FROM products.report_visuals WHERE version_id = ANY($1::uuid[]) ${hub ? '' : `AND agency_type = ${params.add(ctx.actor.agencyType)}`}
           ORDER BY array_position(${params.add(RECIPIENT_TYPES)}::text[], agency_type)`,
          params.values,
        );
        const k = loadConfig().kAnonymity;
        return versionIds.map((id) => rows.filter((r) => r.versionId === id).map(({ versionId: _v, ...r }) => ({ ...r, k })));
      }),
  );
  return loader.load(versionId);
}

/**
 * A reader's consultation of a version's visuals or PDF: one CONSULT (and DISCLOSE to the reader's
 * agency) on the audit trail, committed before the answer leaves like every consultation
 * (kernel/subgraph.ts): the visuals may carry identifiers, and the hub learns who read what.
 */
function noteConsulted(ctx: RequestContext, version: Projected, fields: string[], renderings: readonly StoredRendering[]): void {
  const raw = rawOf<{ id: string; ownerAgencyId: string }>(version);
  ctx.consulted.note('IntelligenceReportVersion', raw.id, raw.ownerAgencyId, fields);
  // The identifier values its network chart shows, as reading them through `network` records them.
  for (const r of renderings) for (const id of r.labelledEntityIds) ctx.consulted.note('Entity', id, null, ['value']);
}

/**
 * The linked cases, routes and typologies of a version, as references: only those that reach the
 * caller, asked of each record's own subgraph. A reference's id would otherwise reach every reader of
 * the product, answered here without the owner (the gateway asks the owner only for other fields).
 */
export async function linkedRecordsOf(ctx: RequestContext, version: Projected, kind: 'Case' | 'Route' | 'Typology'): Promise<unknown> {
  const [field, column] = (
    { Case: ['linkedCases', 'linkedCaseIds'], Route: ['linkedRoutes', 'linkedRouteIds'], Typology: ['linkedTypologies', 'linkedTypologyIds'] } as const
  )[kind];
  if (version[field] === REDACTED) return REDACTED;
  const ids = rawOf<Record<string, string[]>>(version)[column] ?? [];
  if (ids.length === 0) return [];
  const visible =
    kind === 'Case' ? new Set((await visibleCases(ctx, ids)).keys()) : kind === 'Route' ? await visibleRouteIds(ctx, ids) : await visibleTypologyIds(ctx, ids);
  return ids.filter((id) => visible.has(id.toLowerCase())).map((id) => ref(kind, id));
}

/** The `visuals` field: REDACTED stays REDACTED (the field guard turns it into FORBIDDEN_FIELD). */
export async function visualsOf(ctx: RequestContext, version: Projected): Promise<unknown> {
  if (version.visuals === REDACTED) return REDACTED;
  const renderings = await storedRenderings(ctx, version.id as string);
  if (renderings.length) noteConsulted(ctx, version, ['visuals', ...renderings.map((r) => `agencyType:${r.agencyType}`)], renderings);
  return renderings;
}

/**
 * The `pdf` field: the version as the caller's agency type was shown it (hub analysts: `agencyType`,
 * default the first rendered), built from the stored rendering, so what was published is what is
 * read. A download is a consultation on the audit trail like any other.
 */
export async function pdfOf(ctx: RequestContext, version: Projected, agencyType: AgencyType | undefined): Promise<unknown> {
  if (version.pdf === REDACTED) return REDACTED;
  const renderings = await storedRenderings(ctx, version.id as string);
  const rendering = renderings.find((r) => !agencyType || r.agencyType === agencyType);
  if (!rendering) return null;
  const [report] = await visibleLoader(ctx, reportTable, 'id').load(version.reportId as string);
  if (!report) return null;
  const pdf = await reportPdf({
    title: version.title as string,
    marking: report.marking as string,
    version: version.version as number,
    publishedAt: new Date(version.publishedAt as string).toISOString(),
    summary: version.summary as string,
    keyJudgements: version.keyJudgements as string[],
    body: version.body as string,
    periodStart: rendering.periodStart,
    periodEnd: rendering.periodEnd,
    agencyType: rendering.agencyType,
    routeMapSvg: rendering.routeMapSvg,
    networkSvg: rendering.networkSvg,
    hotspots: rendering.hotspots,
    k: rendering.k,
  });
  noteConsulted(ctx, version, ['pdf', `agencyType:${rendering.agencyType}`], [rendering]);
  return pdf.toString('base64');
}

// ---- writes ----------------------------------------------------------------------------------

export interface ValidAudience {
  agencyTypes: AgencyType[];
  groupIds: string[];
  agencyIds: string[];
}

export interface ValidContent {
  title: string;
  summary: string;
  keyJudgements: string[];
  body: string;
  linkedCaseIds: string[];
  linkedRouteIds: string[];
  linkedTypologyIds: string[];
  hotspotLocationIds: string[];
  /** The names of the hotspot places (resolved as the author reads the gazetteer, which every type reads). */
  hotspotLocationNames: string[];
  networkSeedIds: string[];
  periodStart: string;
  periodEnd: string;
  exploitationType: string | null;
}

function ids(field: string, values: string[] | undefined, max = 50): string[] {
  const list = values ?? [];
  if (list.length > max) throw badInput(field, `at most ${max} ids`);
  list.forEach((v, i) => {
    if (!isUuid(v)) throw badInput(`${field}[${i}]`, 'must be an id');
  });
  return [...new Set(list.map((v) => v.toLowerCase()))];
}

async function validAudience(ctx: RequestContext, a: ReportAudienceInput): Promise<{ audience: ValidAudience; namedTypes: AgencyType[] }> {
  const agencyTypes = [...new Set(a.agencyTypes ?? [])];
  agencyTypes.forEach((t, i) => {
    if (!(RECIPIENT_TYPES as readonly string[]).includes(t)) throw badInput(`input.audience.agencyTypes[${i}]`, `must be one of ${RECIPIENT_TYPES.join(', ')}`);
  });
  const audience: ValidAudience = {
    agencyTypes: agencyTypes as AgencyType[],
    groupIds: ids('input.audience.groupIds', a.groupIds),
    agencyIds: ids('input.audience.agencyIds', a.agencyIds),
  };
  if (!audience.agencyTypes.length && !audience.groupIds.length && !audience.agencyIds.length) {
    throw badInput('input.audience', 'name at least one agency type, sharing group or agency');
  }
  const groups = await existingSharingGroupIds(ctx, audience.groupIds);
  audience.groupIds.forEach((id, i) => {
    if (!groups.has(id)) throw badInput(`input.audience.groupIds[${i}]`, 'must be a sharing group of the directory');
  });
  const found = await visibleAgencies(ctx, audience.agencyIds);
  const namedTypes: AgencyType[] = [];
  audience.agencyIds.forEach((id, i) => {
    const type = found.get(id)?.type as AgencyType | undefined;
    if (!type || !RECIPIENT_TYPES.includes(type)) throw badInput(`input.audience.agencyIds[${i}]`, 'must be a recipient agency of the directory');
    namedTypes.push(type);
  });
  return { audience, namedTypes };
}

async function validContent(ctx: RequestContext, c: ReportContentInput): Promise<ValidContent> {
  const keyJudgements = (c.keyJudgements ?? []).map((j, i) => text(`input.content.keyJudgements[${i}]`, j, { max: 1000, required: true })!);
  if (keyJudgements.length > 20) throw badInput('input.content.keyJudgements', 'at most 20');
  const periodStart = isoDate('input.content.periodStart', c.periodStart)!;
  const periodEnd = isoDate('input.content.periodEnd', c.periodEnd)!;
  period('input.content.periodEnd', periodStart, periodEnd);
  const hotspotLocationIds = ids('input.content.hotspotLocationIds', c.hotspotLocationIds);
  const hotspotLocationNames: string[] = [];
  for (const [i, id] of hotspotLocationIds.entries()) {
    const place = await getLocation(ctx, id).catch(() => {
      throw badInput(`input.content.hotspotLocationIds[${i}]`, 'must be a place of the gazetteer');
    });
    hotspotLocationNames.push(place.name as string);
  }
  return {
    title: text('input.content.title', c.title, { max: 300, required: true })!,
    summary: text('input.content.summary', c.summary, { max: 5000, required: true })!,
    keyJudgements,
    body: text('input.content.body', c.body, { max: 100000, required: true })!,
    linkedCaseIds: ids('input.content.linkedCaseIds', c.linkedCaseIds),
    linkedRouteIds: ids('input.content.linkedRouteIds', c.linkedRouteIds),
    linkedTypologyIds: ids('input.content.linkedTypologyIds', c.linkedTypologyIds),
    hotspotLocationIds,
    hotspotLocationNames,
    networkSeedIds: ids('input.content.networkSeedIds', c.networkSeedIds),
    periodStart,
    periodEnd,
    exploitationType: c.exploitationType ?? null,
  };
}

export async function insertVersion(
  tx: Sql,
  ctx: RequestContext,
  reportId: string,
  version: number,
  c: ValidContent,
  key: string,
  hash: string,
): Promise<string> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO products.report_versions (report_id, owner_agency_id, version, title, summary, key_judgements, body, linked_case_ids, linked_route_ids,
       linked_typology_ids, hotspot_location_ids, network_seed_ids, period_start, period_end, exploitation_type, published_by_user_id, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
    [
      reportId,
      ctx.actor.agencyId,
      version,
      c.title,
      c.summary,
      c.keyJudgements,
      c.body,
      c.linkedCaseIds,
      c.linkedRouteIds,
      c.linkedTypologyIds,
      c.hotspotLocationIds,
      c.networkSeedIds,
      c.periodStart,
      c.periodEnd,
      c.exploitationType,
      ctx.actor.userId,
      key,
      hash,
    ],
  );
  return row!.id;
}

function contentFields(c: ValidContent): string[] {
  const { hotspotLocationNames: _names, ...rest } = c;
  return writtenFields(rest);
}

/**
 * A hub analyst publishes a report: its first version, with its visuals rendered for each agency type
 * of its audience (renderFor), in one transaction with its audit events (COLLECT of the report and
 * of the version; DISCLOSE to the agencies it names). Idempotent on the client's key.
 */
export async function publishReport(ctx: RequestContext, input: PublishReportInput): Promise<Projected> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  assertCanCreate(ctx, { __typename: 'IntelligenceReport', ownerAgencyId: ctx.actor.agencyId });
  if (!(PRODUCT_MARKINGS as readonly string[]).includes(input.marking)) throw badInput('input.marking', `must be one of ${PRODUCT_MARKINGS.join(', ')}`);
  const { audience, namedTypes } = await validAudience(ctx, input.audience);
  const content = await validContent(ctx, input.content);
  const hash = requestHash(input);
  const id = await submitOnce(ctx, {
    table: 'products.reports',
    subject: 'intelligence report',
    key,
    hash,
    insert: async (tx) => {
      const renderings = await renderingsFor(ctx, audience, namedTypes, content);
      const [report] = await tx.query<{ id: string }>(
        `INSERT INTO products.reports (owner_agency_id, author_user_id, marking, audience_agency_types, audience_agency_ids, audience_group_ids, idempotency_key, request_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [ctx.actor.agencyId, ctx.actor.userId, input.marking, audience.agencyTypes, audience.agencyIds, audience.groupIds, key, hash],
      );
      const versionId = await insertVersion(tx, ctx, report!.id, 1, content, key, hash);
      await insertRenderings(tx, ctx, versionId, renderings);
      const owner = ctx.actor.agencyId;
      const events: AuditEventInput[] = [
        { action: 'COLLECT', subjectType: 'IntelligenceReport', subjectId: report!.id, recordOwnerAgencyId: owner, fields: ['marking', 'audience'] },
        {
          action: 'COLLECT',
          subjectType: 'IntelligenceReportVersion',
          subjectId: versionId,
          recordOwnerAgencyId: owner,
          fields: [...contentFields(content), 'visuals'],
        },
      ];
      if (audience.agencyIds.length) {
        events.push({
          action: 'DISCLOSE',
          subjectType: 'IntelligenceReport',
          subjectId: report!.id,
          recordOwnerAgencyId: owner,
          recipients: audience.agencyIds,
        });
      }
      await appendAudit(tx, ctx, events);
      return report!.id;
    },
  });
  ctx.log.info({ op: 'publishIntelligenceReport', reportId: id }, 'intelligence report published');
  return getReport(ctx, id);
}

/**
 * A new version of a report: the earlier ones are kept (history), readers read the latest. Its
 * visuals are rendered afresh for the report's audience. Idempotent on the client's key.
 */
export async function reviseReport(ctx: RequestContext, id: string, input: ReviseReportInput): Promise<Projected> {
  const key = requiredIdempotencyKey('input.idempotencyKey', input.idempotencyKey);
  const report = await findVisible(ctx, reportTable, id);
  assertCanChange(ctx, 'update', report, 'IntelligenceReport');
  const hash = requestHash({ ...input, reportId: id } as { idempotencyKey: string });
  const content = await validContent(ctx, input.content);
  const audience: ValidAudience = {
    agencyTypes: report.audienceAgencyTypes as AgencyType[],
    agencyIds: report.audienceAgencyIds as string[],
    groupIds: report.audienceGroupIds as string[],
  };
  await submitOnce(ctx, {
    table: 'products.report_versions',
    subject: 'report version',
    key,
    hash,
    insert: async (tx) => {
      if (report.withdrawnAt) throw conflict('The report was withdrawn: it takes no new version', { field: 'id' });
      const named = await visibleAgencies(ctx, audience.agencyIds);
      const namedTypes = [...named.values()].map((a) => a.type as AgencyType);
      const renderings = await renderingsFor(ctx, audience, namedTypes, content);
      const [bumped] = await tx.query<{ version_count: number }>(
        `UPDATE products.reports SET version_count = version_count + 1, updated_at = now() WHERE id = $1 AND withdrawn_at IS NULL RETURNING version_count`,
        [id],
      );
      if (!bumped) throw conflict('The report was withdrawn: it takes no new version', { field: 'id' });
      const versionId = await insertVersion(tx, ctx, id, bumped.version_count, content, key, hash);
      await insertRenderings(tx, ctx, versionId, renderings);
      await appendAudit(tx, ctx, [
        { action: 'ALTER', subjectType: 'IntelligenceReport', subjectId: id, recordOwnerAgencyId: report.ownerAgencyId as string, fields: ['versionCount'] },
        {
          action: 'COLLECT',
          subjectType: 'IntelligenceReportVersion',
          subjectId: versionId,
          recordOwnerAgencyId: report.ownerAgencyId as string,
          fields: [...contentFields(content), 'visuals'],
        },
      ]);
      return versionId;
    },
  });
  visibleLoader(ctx, reportTable, 'id').clear(id);
  visibleLoader(ctx, versionTable, 'report_id', 'v.version DESC').clear(id);
  ctx.log.info({ op: 'reviseIntelligenceReport', reportId: id }, 'intelligence report revised');
  return getReport(ctx, id);
}

/** Withdrawal: no recipient reads the report any more (its feed, by id, or by reference); the hub keeps it. Withdrawing it again changes nothing. */
export async function withdrawReport(ctx: RequestContext, id: string, reason: string): Promise<Projected> {
  const why = text('reason', reason, { max: 2000, required: true })!;
  const report = await findVisible(ctx, reportTable, id);
  assertCanChange(ctx, 'withdraw', report, 'IntelligenceReport');
  if (report.withdrawnAt) return getReport(ctx, id);
  await ctx.db.transaction(async (tx) => {
    const [changed] = await tx.query<{ id: string }>(
      `UPDATE products.reports SET withdrawn_at = now(), withdrawn_by_user_id = $2, withdrawal_reason = $3 WHERE id = $1 AND withdrawn_at IS NULL RETURNING id`,
      [id, ctx.actor.userId, why],
    );
    if (!changed) return;
    await appendAudit(tx, ctx, [
      {
        action: 'ALTER',
        subjectType: 'IntelligenceReport',
        subjectId: id,
        recordOwnerAgencyId: report.ownerAgencyId as string,
        fields: ['withdrawnAt', 'withdrawalReason'],
      },
    ]);
  });
  visibleLoader(ctx, reportTable, 'id').clear(id);
  ctx.log.info({ op: 'withdrawIntelligenceReport', reportId: id }, 'intelligence report withdrawn');
  return getReport(ctx, id);
}
