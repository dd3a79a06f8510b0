import { SqlParams } from '../../policies/sql';
import { ACTIONS, type PolicyRecord, SUBJECTS } from '../../policies/subjects';
import { loadConfig } from '../kernel/config';
import { appendAudit, type AuditAction, type AuditEventInput } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, conflict, notFound } from '../kernel/errors';
import { assertUuid } from '../kernel/marked-record';
import { mayAny, projectAll, projectOne } from '../kernel/policy';
import { selectVisible, type SubjectTable, visibleByIds, visibleLoader } from '../kernel/repository';
import { isUuid, text } from '../kernel/validate';
import type { RegisterAgencyInput, RegisterTrustedIssuerInput, RegisterUserInput } from './agency.type';
import { assertIssuerUrl, discoverJwksUri } from './discovery';
import { identityChanged } from './identity.repository';

const agencyTable: SubjectTable = {
  subject: 'Agency',
  table: 'agencies.agencies',
  alias: 'a',
  columns: `a.id, a.slug, a.name, a.type, a.country, a.accepts_access_requests AS "acceptsAccessRequests"`,
  attributes: () => ({ id: () => 'a.id' }),
  map: (row) => Object.assign(row, { __typename: 'Agency' as const }) as PolicyRecord,
};

const userTable: SubjectTable = {
  subject: 'User',
  table: 'agencies.users',
  alias: 'u',
  columns: `u.id, u.agency_id AS "agencyId", u.subject, u.display_name AS "displayName", u.role, u.active`,
  attributes: () => ({ id: () => 'u.id' }),
  map: (row) => Object.assign(row, { __typename: 'User' as const }) as PolicyRecord,
};

const issuerTable: SubjectTable = {
  subject: 'TrustedIssuer',
  table: 'agencies.trusted_issuers',
  alias: 't',
  columns: `t.id, t.agency_id AS "agencyId", t.issuer, t.audience, t.algorithms, t.jwks::text AS jwks, t.jwks_uri AS "jwksUri"`,
  attributes: () => ({ id: () => 't.id' }),
  map: (row) => Object.assign(row, { __typename: 'TrustedIssuer' as const }) as PolicyRecord,
};

export async function getAgency(ctx: RequestContext, id: string) {
  const [row] = isUuid(id) ? await visibleLoader(ctx, agencyTable, 'id').load(id) : [];
  if (!row) throw notFound('Agency');
  return projectOne(ctx, row);
}

/** Agencies by id through the Agency policy, for another subgraph's export (services/agencies/api.ts); unknown ids are absent. */
export const visibleAgencies = (ctx: RequestContext, ids: readonly string[]) => visibleByIds(ctx, agencyTable, ids);

export async function listAgencies(ctx: RequestContext) {
  return projectAll(ctx, (await selectVisible(ctx, agencyTable, { orderBy: 'a.type, a.name' })).rows);
}

export async function me(ctx: RequestContext) {
  const [row] = await visibleLoader(ctx, userTable, 'id').load(ctx.actor.userId);
  if (!row) throw notFound('User');
  return projectOne(ctx, row);
}

/** The (action, subject type) pairs some rule of the caller's grants, whatever the record: type level only. */
export function permissions(ctx: RequestContext): Array<{ action: string; subject: string }> {
  return SUBJECTS.flatMap((subject) => ACTIONS.filter((action) => mayAny(ctx, action, subject)).map((action) => ({ action, subject })));
}

export async function usersOfAgency(ctx: RequestContext, agencyId: string) {
  return projectAll(ctx, await visibleLoader(ctx, userTable, 'agency_id', 'u.display_name').load(agencyId));
}

export async function issuersOfAgency(ctx: RequestContext, agencyId: string) {
  return projectAll(ctx, await visibleLoader(ctx, issuerTable, 'agency_id', 't.issuer').load(agencyId));
}

/** An event about a directory record (an agency, its users, its issuers), owned by the agency it belongs to. */
function directoryEvent(action: AuditAction, subjectType: string, subjectId: string, agencyId: string, fields: string[]): AuditEventInput {
  return { action, subjectType, subjectId, recordOwnerAgencyId: agencyId, fields };
}

async function insertOrConflict<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict(`${what} already exists`);
    if ((err as { code?: string }).code === '23503') throw badInput('input.agencyId', 'no such agency');
    throw err;
  }
}

export async function registerAgency(ctx: RequestContext, input: RegisterAgencyInput) {
  if (!/^[a-z0-9-]{2,60}$/.test(input.slug)) throw badInput('input.slug', 'must be 2-60 lower-case letters, digits or dashes');
  text('input.name', input.name, { max: 200, required: true });
  if (!/^[A-Z]{2}$/.test(input.country)) throw badInput('input.country', 'must be an ISO 3166-1 alpha-2 code');
  const id = await insertOrConflict('An agency with this slug', () =>
    ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>(
        'INSERT INTO agencies.agencies (slug, name, type, country, accepts_access_requests) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [input.slug, input.name.trim(), input.type, input.country, input.acceptsAccessRequests],
      );
      await appendAudit(tx, ctx, [directoryEvent('COLLECT', 'Agency', row!.id, row!.id, ['slug', 'name', 'type', 'country', 'acceptsAccessRequests'])]);
      return row!.id;
    }),
  );
  return getAgency(ctx, id);
}

export async function registerUser(ctx: RequestContext, input: RegisterUserInput) {
  assertUuid('input.agencyId', input.agencyId);
  text('input.subject', input.subject, { max: 200, required: true });
  text('input.displayName', input.displayName, { max: 200, required: true });
  const id = await insertOrConflict('A user with this subject in this agency', () =>
    ctx.db.transaction(async (tx) => {
      const [row] = await tx.query<{ id: string }>('INSERT INTO agencies.users (agency_id, subject, display_name, role) VALUES ($1, $2, $3, $4) RETURNING id', [
        input.agencyId,
        input.subject,
        input.displayName.trim(),
        input.role,
      ]);
      await appendAudit(tx, ctx, [directoryEvent('COLLECT', 'User', row!.id, input.agencyId, ['agency', 'subject', 'displayName', 'role'])]);
      return row!.id;
    }),
  );
  const [user] = await visibleLoader(ctx, userTable, 'id').load(id);
  return projectOne(ctx, user!);
}

/**
 * Deactivating a user refuses their tokens from the next request on in the gateway of this process
 * (told once the change commits, before the answer leaves); a gateway in another process caches
 * users for at most USER_CACHE_TTL_MS.
 */
export async function setUserActive(ctx: RequestContext, id: string, active: boolean) {
  if (!isUuid(id)) throw notFound('User');
  const params = new SqlParams([active, id]);
  const changed = await ctx.db.transaction(async (tx) => {
    // A bare UPDATE ... RETURNING comes back from TypeORM as [rows, count]: read it through a CTE.
    // The old value is read in the same statement, so setting the value a user already has is no change and no event.
    const [row] = await tx.query<{ agencyId: string; was: boolean }>(
      `WITH old AS (SELECT id, active FROM agencies.users WHERE id = $2 FOR UPDATE),
         u AS (UPDATE agencies.users x SET active = $1 FROM old WHERE x.id = old.id RETURNING x.agency_id, old.active AS was)
       SELECT agency_id AS "agencyId", was FROM u`,
      params.values,
    );
    if (row && row.was !== active) await appendAudit(tx, ctx, [directoryEvent('ALTER', 'User', id, row.agencyId, ['active'])]);
    return row;
  });
  if (!changed) throw notFound('User');
  if (changed.was !== active) ctx.db.afterCommit(() => identityChanged('users'));
  const loader = visibleLoader(ctx, userTable, 'id');
  loader.clear(id);
  const [user] = await loader.load(id);
  return projectOne(ctx, user!);
}

const ALLOWED_ALGORITHMS = new Set(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA']);
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

export async function registerTrustedIssuer(ctx: RequestContext, input: RegisterTrustedIssuerInput) {
  assertUuid('input.agencyId', input.agencyId);
  const allowHttp = loadConfig().development;
  try {
    assertIssuerUrl(input.issuer, allowHttp);
  } catch (err) {
    throw badInput('input.issuer', (err as Error).message);
  }
  text('input.audience', input.audience, { max: 200, required: true });
  if (input.algorithms.length === 0 || input.algorithms.some((a) => !ALLOWED_ALGORITHMS.has(a))) {
    throw badInput('input.algorithms', `must be a non-empty subset of ${[...ALLOWED_ALGORITHMS].join(', ')} (no HS*, no none)`);
  }
  // Static keys, or (none given) the issuer's jwks_uri found by OpenID discovery, read by the gateway as the keys rotate.
  let jwks: { keys: Record<string, unknown>[] } | null = null;
  let jwksUri: string | null = null;
  if (input.jwks == null) {
    try {
      jwksUri = await discoverJwksUri(input.issuer, { allowHttp });
    } catch (err) {
      throw badInput('input.issuer', (err as Error).message);
    }
  } else {
    let parsed: { keys?: Record<string, unknown>[] } | null;
    try {
      parsed = JSON.parse(input.jwks) as typeof parsed;
    } catch {
      throw badInput('input.jwks', 'must be a JSON Web Key Set');
    }
    const keys = parsed?.keys;
    if (!Array.isArray(keys) || keys.length === 0) throw badInput('input.jwks', 'must hold at least one key');
    if (keys.some((k) => PRIVATE_JWK_MEMBERS.some((m) => m in k))) throw badInput('input.jwks', 'must hold public keys only');
    jwks = { keys };
  }
  const maxLifetime = input.maxTokenLifetimeSeconds;
  if (maxLifetime != null && !(Number.isInteger(maxLifetime) && maxLifetime >= 60 && maxLifetime <= 604_800)) {
    throw badInput('input.maxTokenLifetimeSeconds', 'must be between 60 (a minute) and 604800 (seven days)');
  }
  const id = await insertOrConflict('This issuer', () =>
    ctx.db.transaction(async (tx) => {
      // Without a maximum lifetime the column's default applies (the migration's: 24 hours).
      const lifetime =
        input.maxTokenLifetimeSeconds == null ? { column: '', value: [] } : { column: ', max_token_lifetime_seconds', value: [input.maxTokenLifetimeSeconds] };
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO agencies.trusted_issuers (agency_id, issuer, audience, algorithms, jwks, jwks_uri${lifetime.column})
         VALUES ($1, $2, $3, $4, $5, $6${lifetime.value.length ? ', $7' : ''}) RETURNING id`,
        [input.agencyId, input.issuer, input.audience, input.algorithms, jwks && JSON.stringify(jwks), jwksUri, ...lifetime.value],
      );
      await appendAudit(tx, ctx, [
        directoryEvent('COLLECT', 'TrustedIssuer', row!.id, input.agencyId, [
          'agency',
          'issuer',
          'audience',
          'algorithms',
          jwks ? 'jwks' : 'jwksUri',
          'maxTokenLifetimeSeconds',
        ]),
      ]);
      return row!.id;
    }),
  );
  ctx.db.afterCommit(() => identityChanged('issuers'));
  const [issuer] = await visibleLoader(ctx, issuerTable, 'id').load(id);
  return projectOne(ctx, issuer!);
}
