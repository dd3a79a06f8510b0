import { fieldReadableSql, REDACTED } from '../../policies/enforce';
import { SqlParams } from '../../policies/sql';
import type { PolicyRecord } from '../../policies/subjects';
import { caseOwnedBySql } from '../cases/api';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { mayReadOthersRows, projectOne, visibleWhere } from '../kernel/policy';
import { selectVisible, visibleLoader } from '../kernel/repository';
import { entityTable, linkTable, observationTable, observationTableAs } from './entity.repository';
import type { CorrelationAlertType } from './network.type';

export const MAX_CORRELATIONS = 500;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function since(value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null;
  const d = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(d.getTime()))
    throw badInput('since', 'must be an ISO 8601 date or date-time, e.g. 2026-03-01 or 2026-03-01T09:00:00Z');
  return d;
}

/**
 * SQL condition on `anchor` (an observation): a statement the caller's agency made from a case it
 * owns, that itself reaches this user (a RED case statement a colleague was not named on anchors
 * nothing for them) and whose source it may read: what ties an entity to one of the agency's cases.
 */
function anchorSql(ctx: RequestContext, params: SqlParams): string {
  const t = observationTableAs('anchor');
  const attributes = t.attributes(ctx, params);
  const visible = visibleWhere(ctx, 'Observation', { alias: 'anchor', attributes, grantsTable: t.grantsTable }, params);
  const readable = ['sourceType', 'sourceId', 'ownerAgency']
    .map((f) => `(${fieldReadableSql(ctx.ability, 'Observation', f, attributes, params)})`)
    .join(' AND ');
  const me = params.add(ctx.actor.agencyId);
  return `anchor.source_type = 'CASE' AND anchor.owner_agency_id = ${me} AND ${caseOwnedBySql('anchor.source_id', me)}
        AND (${visible}) AND ${readable}`;
}

/** SQL for the ids of the caller's agency's cases that observed `entityColumn` (`anchorSql`). */
function ownCasesObserving(ctx: RequestContext, params: SqlParams, entityColumn: string): string {
  return `ARRAY(SELECT DISTINCT anchor.source_id::text FROM ${observationTableAs('anchor').table} anchor
      WHERE anchor.entity_id = ${entityColumn} AND ${anchorSql(ctx, params)})`;
}

/** Whether any entity is tied to one of the caller's agency's cases (else no statement can be an alert). */
async function anyAnchor(ctx: RequestContext): Promise<boolean> {
  const params = new SqlParams();
  const rows = await ctx.db.query(`SELECT 1 FROM ${observationTableAs('anchor').table} anchor WHERE ${anchorSql(ctx, params)} LIMIT 1`, params.values);
  return rows.length > 0;
}

const contributor = (record: Record<string, unknown>) =>
  record.ownerAgency && record.ownerAgency !== REDACTED ? (record.ownerAgency as { __typename: 'Agency'; id: string }) : null;
const readable = <T>(value: unknown): T | null => (value === REDACTED || value === undefined ? null : (value as T));

/**
 * "What's new on my cases": statements other agencies contributed after `since` (observations of,
 * and links to or from, an entity that one of the caller's agency's cases observed), one alert per
 * statement, entity and own case. Only statements that are visible rows for the caller (TLP reach
 * AND its agency type's read rule); one that does not reach the caller is no alert, hit/no-hit is
 * how to learn of it. The creation-time and other-agency filters apply only where the caller may
 * read createdAt and ownerAgency. A probe for an anchor, two statements (observations, links), one for the entities.
 */
export async function correlations(ctx: RequestContext, sinceArg: string | null | undefined, first: number): Promise<CorrelationAlertType[]> {
  const after = since(sinceArg);
  if (!Number.isInteger(first) || first < 1 || first > MAX_CORRELATIONS) throw badInput('first', `must be between 1 and ${MAX_CORRELATIONS}`);

  // The statements are read newest first until enough are alerts: where none can be, that would be
  // every statement the caller reads. None can be when the agency's cases observed nothing, or when
  // its agency type reads no other agency's statements (banks, NGOs).
  const readsOthers = { observations: mayReadOthersRows(ctx, 'Observation'), links: mayReadOthersRows(ctx, 'Link') };
  if ((!readsOthers.observations && !readsOthers.links) || !(await anyAnchor(ctx))) return [];
  const none = { rows: [] as PolicyRecord[] };
  const oParams = new SqlParams();
  const oCases = ownCasesObserving(ctx, oParams, 'o.entity_id');
  const observations = !readsOthers.observations
    ? none
    : await selectVisible(ctx, observationTable, {
        params: oParams,
        filterFields: ['ownerAgency', 'createdAt'],
        extraColumns: `${oCases} AS "__cases"`,
        where: (p) => [`o.owner_agency_id <> ${p.add(ctx.actor.agencyId)}`, ...(after ? [`o.created_at > ${p.add(after)}`] : []), `cardinality(${oCases}) > 0`],
        orderBy: 'o.created_at DESC, o.id',
        limit: first,
      });

  const lParams = new SqlParams();
  const fromCases = ownCasesObserving(ctx, lParams, 'l.from_entity_id');
  const toCases = ownCasesObserving(ctx, lParams, 'l.to_entity_id');
  const links = !readsOthers.links
    ? none
    : await selectVisible(ctx, linkTable, {
        params: lParams,
        filterFields: ['ownerAgency', 'createdAt'],
        extraColumns: `${fromCases} AS "__fromCases", ${toCases} AS "__toCases"`,
        where: (p) => [
          `l.owner_agency_id <> ${p.add(ctx.actor.agencyId)}`,
          ...(after ? [`l.created_at > ${p.add(after)}`] : []),
          `cardinality(${fromCases}) + cardinality(${toCases}) > 0`,
        ],
        orderBy: 'l.created_at DESC, l.id',
        limit: first,
      });

  type Pending = Omit<CorrelationAlertType, 'entity'> & { entityId: string };
  const pending: Pending[] = [];
  for (const row of observations.rows) {
    const o = projectOne(ctx, row);
    for (const caseId of (row.__cases as string[]) ?? []) {
      pending.push({
        id: row.id as string,
        kind: 'OBSERVATION',
        entityId: row.entityId as string,
        case: { __typename: 'Case', id: caseId },
        observedAt: readable<Date>(o.observedAt),
        createdAt: readable<Date>(o.createdAt),
        source: o,
        link: null,
        contributorAgency: contributor(o),
      });
    }
  }
  for (const row of links.rows) {
    const l = projectOne(ctx, row);
    for (const [entityId, caseIds] of [
      [row.fromEntityId, row.__fromCases],
      [row.toEntityId, row.__toCases],
    ] as Array<[string | null, string[] | null]>) {
      if (!entityId) continue;
      for (const caseId of caseIds ?? []) {
        pending.push({
          id: row.id as string,
          kind: 'LINK',
          entityId,
          case: { __typename: 'Case', id: caseId },
          observedAt: null,
          createdAt: readable<Date>(l.createdAt),
          source: null,
          link: l,
          contributorAgency: contributor(l),
        });
      }
    }
  }

  // The entity of each alert through the Entity policy (one statement); one that does not reach the caller is no alert.
  const entities = visibleLoader(ctx, entityTable, 'id');
  const loaded = await entities.loadMany([...new Set(pending.map((p) => p.entityId))]);
  const byId = new Map<string, PolicyRecord>();
  for (const rows of loaded) if (Array.isArray(rows) && rows[0]) byId.set(rows[0].id as string, rows[0]);
  const time = (p: Pending) => (p.createdAt instanceof Date ? p.createdAt.getTime() : 0);
  return pending
    .filter((p) => byId.has(p.entityId))
    .sort((a, b) => time(b) - time(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, first)
    .map(({ entityId, ...p }) => ({ ...p, entity: projectOne(ctx, byId.get(entityId)!) }));
}
