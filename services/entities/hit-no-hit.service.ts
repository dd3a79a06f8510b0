import { SqlParams } from '../../policies/sql';
import type { RequestContext } from '../kernel/context';
import { badInput } from '../kernel/errors';
import { assertMayReadAny, projectAll, visibleWhere } from '../kernel/policy';
import type { EntityKind } from '../kernel/identifier';
import { observationTableAs } from './entity.repository';
import { type IdentifierInput, normaliseIdentifiers } from './observe';

export const MAX_HIT_NO_HIT = 1000;

export interface HitNoHit {
  kind: EntityKind;
  value: string;
  known: boolean;
  holderCount: number;
  contactableAgencies: Array<{ __typename: 'Agency'; id: string }>;
}

const O = observationTableAs('o');

/**
 * Hit/no-hit (access-model.md: the one explicit exception to "not for you looks like missing"): for
 * each identifier, whether the hub holds statements about it that the caller cannot see, how many
 * agencies hold them, and which of those accept access requests. Never what they say, never case
 * ids, markings or dates. An identifier nobody holds and one whose every statement the caller can
 * already see get the same answer, in the same shape.
 *
 * One statement for the whole request. The caller's own visibility is the Observation rule itself
 * (reach AND the agency type's read rule, the same SQL as every list), negated.
 */
export async function hitNoHit(ctx: RequestContext, identifiers: IdentifierInput[]) {
  // Who may ask is the HitNoHitResult rule (hub administrators read no intelligence and ask nothing).
  assertMayReadAny(ctx, 'HitNoHitResult', 'Your agency may not query identifiers');
  if (identifiers.length > MAX_HIT_NO_HIT) throw badInput('identifiers', `at most ${MAX_HIT_NO_HIT} per request`);
  const asked = normaliseIdentifiers(ctx.actor, identifiers, 'identifiers');
  if (asked.length === 0) return [];
  const key = (k: string, v: string) => `${k}\u0000${v}`;
  const distinct = [...new Map(asked.map((i) => [key(i.kind, i.value), i])).values()];

  const kinds = distinct.map((i) => i.kind);
  const values = distinct.map((i) => i.value);
  // One statement. What the caller already sees is the Observation rule itself (reach AND the agency
  // type's read rule, the same SQL as every list), run as the caller under row-level security; who
  // holds the rest, counts and nameable agencies only, comes from the one function that may look
  // past it (migrations/entities/…-identifier-holders.ts).
  const params = new SqlParams([kinds, values]);
  const visible = visibleWhere(ctx, 'Observation', { alias: 'o', attributes: O.attributes(ctx, params), grantsTable: O.grantsTable }, params);
  const rows = await ctx.db.query<{ kind: string; value: string; holders: number; contactable: string[] }>(
    `WITH seen AS (
       SELECT o.id FROM entities.entities en JOIN entities.observations o ON o.entity_id = en.id
        WHERE (en.kind, en.value) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND coalesce((${visible}), false))
     SELECT kind, value, holders, contactable FROM entities.identifier_holders($1::text[], $2::text[], ARRAY(SELECT id FROM seen))`,
    params.values,
  );
  const byKey = new Map(rows.map((r) => [key(r.kind, r.value), r]));
  ctx.log.info({ op: 'hitNoHit', identifiers: asked.length, hits: rows.length }, 'hit/no-hit');
  return projectAll(
    ctx,
    asked.map((i) => {
      const hit = byKey.get(key(i.kind, i.value));
      return {
        __typename: 'HitNoHitResult' as const,
        kind: i.kind,
        value: i.value,
        known: hit !== undefined,
        holderCount: hit?.holders ?? 0,
        contactableAgencies: [...(hit?.contactable ?? [])].sort().map((id) => ({ __typename: 'Agency' as const, id })),
      } satisfies HitNoHit & { __typename: 'HitNoHitResult' };
    }),
  );
}
