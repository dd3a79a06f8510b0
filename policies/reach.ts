import type { Actor } from './actor';
import type { SqlParams } from './sql';

/**
 * Layers 2 and 3 of the access model as one SQL predicate over a marked row `alias`:
 * - RED reaches only the named users (and the contributor);
 * - CLEAR and GREEN reach every member agency;
 * - AMBER_STRICT reaches the owner agency only;
 * - AMBER reaches the owner agency and those it shared the record with, directly or by group;
 * - an unexpired, unrevoked grant lets its grantee agency in (never for RED).
 * Every list, loader and reference resolution of a marked subject filters through this.
 */
export function reachSql(actor: Actor, alias: string, grantsTable: string, params: SqlParams): string {
  return reachSqlFor({ agency: params.add(actor.agencyId), user: params.add(actor.userId), groups: params.add(actor.groupIds) }, alias, grantsTable);
}

/** SQL expressions that stand for the actor: query parameters, or session settings in RLS policies. */
export interface ActorRefs {
  agency: string;
  user: string;
  groups: string;
}

/** The one definition of reach; `reachSql` binds it to parameters, row-level security to settings. */
export function reachSqlFor(refs: ActorRefs, alias: string, grantsTable: string): string {
  const { agency, user, groups } = refs;
  return `(CASE WHEN ${alias}.marking = 'RED'
      THEN (${alias}.contributor_user_id = ${user} OR ${user} = ANY(${alias}.red_recipient_user_ids))
      ELSE (${alias}.marking IN ('CLEAR', 'GREEN')
        OR ${alias}.owner_agency_id = ${agency}
        OR (${alias}.marking = 'AMBER' AND (${agency} = ANY(${alias}.shared_with_agency_ids) OR ${alias}.shared_with_group_ids && ${groups}::uuid[]))
        OR ${viaGrantSql(alias, grantsTable, agency)})
    END)`;
}

/** Whether an active grant lets the actor's agency reach the row; also a policy attribute (`viaGrant`). */
export function viaGrantSql(alias: string, grantsTable: string, agencyParam: string): string {
  return `EXISTS (SELECT 1 FROM ${grantsTable} g WHERE g.record_id = ${alias}.id AND g.grantee_agency_id = ${agencyParam}
      AND g.revoked_at IS NULL AND g.expires_at > now())`;
}

/**
 * Whether a published report (`alias`, an audience row) is addressed to the actor: its agency type,
 * its agency or one of its sharing groups is in the audience, and it is not withdrawn. The one
 * definition of a report's readers (the hub's analysts aside): `audienceSql` binds it to
 * parameters for the `inAudience` policy attribute, row-level security to session settings.
 */
export function audienceSqlFor(refs: Pick<ActorRefs, 'agency' | 'groups'> & { agencyType: string }, alias: string): string {
  return `(${alias}.withdrawn_at IS NULL AND (${refs.agencyType} = ANY(${alias}.audience_agency_types) OR ${refs.agency} = ANY(${alias}.audience_agency_ids)
      OR ${alias}.audience_group_ids && ${refs.groups}::uuid[]))`;
}

export function audienceSql(actor: Actor, alias: string, params: SqlParams): string {
  return audienceSqlFor(
    { agency: `${params.add(actor.agencyId)}::uuid`, groups: params.add(actor.groupIds), agencyType: `${params.add(actor.agencyType)}::text` },
    alias,
  );
}
