import DataLoader from 'dataloader';
import { appendAudit, type AuditEventInput } from '../kernel/audit';
import type { PolicyRecord } from '../../policies/subjects';
import type { RequestContext } from '../kernel/context';
import { badInput, conflict, notFound } from '../kernel/errors';
import { assertCanChange, assertCanCreate, projectAll, projectOne } from '../kernel/policy';
import { findVisible, selectVisible, type SubjectTable } from '../kernel/repository';
import { isUuid, text } from '../kernel/validate';
/**
 * Sharing groups (such as "Midlands partnership"): AMBER records shared with a group reach its
 * members. The hub's administrators create groups and change their members; every agency sees the
 * groups it belongs to (with their members, so it knows whom it shares with). A member's users carry
 * its groups in their actor token, read by the gateway at most 5 seconds earlier (gateway/identity.ts),
 * so a change reaches every record within that time.
 */

/**
 * Sharing groups as a policy subject: a group reaches its member agencies (and, with its members,
 * whom they share with); the hub's administrators see and manage all (policies/agency-types/).
 */
const sharingGroups: SubjectTable = {
  subject: 'SharingGroup',
  table: 'agencies.sharing_groups',
  alias: 'g',
  columns: 'g.id, g.slug, g.name',
  attributes: (ctx, params) => ({
    includesOwnAgency: () =>
      `EXISTS (SELECT 1 FROM agencies.sharing_group_members m WHERE m.group_id = g.id AND m.agency_id = ${params.add(ctx.actor.agencyId)})`,
  }),
  map: (row) => Object.assign(row, { __typename: 'SharingGroup' as const }) as PolicyRecord,
};

export async function listSharingGroups(ctx: RequestContext) {
  return projectAll(ctx, (await selectVisible(ctx, sharingGroups, { orderBy: 'g.name, g.id' })).rows);
}

export async function getSharingGroup(ctx: RequestContext, id: string) {
  const row = await findVisible(ctx, sharingGroups, id);
  if (!row) throw notFound('SharingGroup');
  return projectOne(ctx, row);
}

/** A group the caller may change: NOT_FOUND when it does not see it, FORBIDDEN when it may not change it. */
async function changeableGroup(ctx: RequestContext, id: string) {
  const row = await findVisible(ctx, sharingGroups, id);
  assertCanChange(ctx, 'update', row, 'SharingGroup');
  return row as PolicyRecord & { id: string };
}

/** `SharingGroup.members`: one statement per batch of groups (only groups the caller sees get here). */
export function membersOf(ctx: RequestContext, group: { id: string }) {
  const loader = ctx.loader(
    'SharingGroup.members',
    () =>
      new DataLoader<string, Array<{ id: string }>>(async (ids) => {
        const rows = await ctx.db.query<{ groupId: string; agencyId: string }>(
          `SELECT m.group_id AS "groupId", m.agency_id AS "agencyId" FROM agencies.sharing_group_members m
           JOIN agencies.agencies a ON a.id = m.agency_id
         WHERE m.group_id = ANY($1::uuid[]) ORDER BY a.name, a.id`,
          [ids],
        );
        return ids.map((id) => rows.filter((r) => r.groupId === id).map((r) => ({ id: r.agencyId })));
      }),
  );
  return loader.load(group.id);
}

/**
 * An event about a sharing group (the hub's, owned by no agency). A change of members names the
 * agency that joined or left as the recipient: the group's AMBER records reach it, or stop to.
 */
function groupEvent(action: 'COLLECT' | 'ALTER', groupId: string, fields: string[], memberAgencyId?: string): AuditEventInput {
  return { action, subjectType: 'SharingGroup', subjectId: groupId, recordOwnerAgencyId: null, fields, recipients: memberAgencyId ? [memberAgencyId] : [] };
}

export async function createSharingGroup(ctx: RequestContext, slug: string, name: string) {
  assertCanCreate(ctx, { __typename: 'SharingGroup' });
  if (!/^[a-z0-9-]{2,60}$/.test(slug)) throw badInput('slug', 'must be 2-60 lower-case letters, digits or dashes');
  const n = text('name', name, { max: 200, required: true })!;
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const [created] = await tx.query<{ id: string }>('INSERT INTO agencies.sharing_groups (slug, name) VALUES ($1, $2) RETURNING id', [slug, n]);
      await appendAudit(tx, ctx, [groupEvent('COLLECT', created!.id, ['slug', 'name'])]);
      return created;
    });
    ctx.log.info({ op: 'createSharingGroup', groupId: row!.id }, 'sharing group created');
    return getSharingGroup(ctx, row!.id);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict('A sharing group with this slug already exists');
    throw err;
  }
}

/** Adds an agency to a group (adding a member again changes nothing). Its AMBER group records reach it within 5 s. */
export async function addGroupMember(ctx: RequestContext, groupId: string, agencyId: string) {
  const group = await changeableGroup(ctx, groupId);
  if (!isUuid(agencyId)) throw badInput('agencyId', 'no such agency');
  const [agency] = await ctx.db.query<{ type: string }>('SELECT type FROM agencies.agencies WHERE id = $1', [agencyId]);
  if (!agency) throw badInput('agencyId', 'no such agency');
  if (agency.type === 'HUB_ADMIN') throw badInput('agencyId', "the hub's administration reads no intelligence and joins no sharing group");
  await ctx.db.transaction(async (tx) => {
    const added = await tx.query(
      'INSERT INTO agencies.sharing_group_members (group_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING agency_id',
      [group.id, agencyId],
    );
    if (added.length) await appendAudit(tx, ctx, [groupEvent('ALTER', group.id, ['members'], agencyId)]);
  });
  ctx.log.info({ op: 'addGroupMember', groupId: group.id, memberAgencyId: agencyId }, 'sharing group member added');
  return projectOne(ctx, group);
}

/** Removes an agency from a group: the group's AMBER records stop reaching it within 5 s. */
export async function removeGroupMember(ctx: RequestContext, groupId: string, agencyId: string) {
  const group = await changeableGroup(ctx, groupId);
  // (A bare DELETE ... RETURNING comes back from TypeORM as [rows, count]: count through a CTE.)
  const removed = isUuid(agencyId)
    ? await ctx.db.transaction(async (tx) => {
        const [d] = await tx.query<{ n: number }>(
          'WITH d AS (DELETE FROM agencies.sharing_group_members WHERE group_id = $1 AND agency_id = $2 RETURNING 1) SELECT count(*)::int AS n FROM d',
          [group.id, agencyId],
        );
        if (d?.n) await appendAudit(tx, ctx, [groupEvent('ALTER', group.id, ['members'], agencyId)]);
        return d?.n ?? 0;
      })
    : 0;
  if (!removed) throw badInput('agencyId', 'is not a member of this group');
  ctx.log.info({ op: 'removeGroupMember', groupId: group.id, memberAgencyId: agencyId }, 'sharing group member removed');
  return projectOne(ctx, group);
}

/**
 * Which of these ids are sharing groups of the directory (an audience names groups the hub's analysts
 * need not belong to): ids only, nothing of a group's name or members.
 */
export async function existingSharingGroupIds(ctx: RequestContext, ids: readonly string[]): Promise<Set<string>> {
  const wanted = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  if (!wanted.length) return new Set();
  const rows = await ctx.db.query<{ id: string }>('SELECT id::text FROM agencies.sharing_groups WHERE id = ANY($1::uuid[])', [wanted]);
  return new Set(rows.map((r) => r.id));
}
