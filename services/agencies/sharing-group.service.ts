import DataLoader from 'dataloader';
import { SqlParams } from '../../policies/sql';
import { appendAudit, type AuditEventInput } from '../kernel/audit';
import type { RequestContext } from '../kernel/context';
import { badInput, conflict, notFound } from '../kernel/errors';
import { isUuid, text } from '../kernel/validate';
import { assertMay } from './governance.access';

/**
 * Sharing groups (such as "Midlands partnership"): AMBER records shared with a group reach its
 * members. The hub's administrators create groups and change their members; every agency sees the
 * groups it belongs to (with their members, so it knows whom it shares with). A member's users carry
 * its groups in their actor token, read by the gateway at most 5 seconds earlier (gateway/identity.ts),
 * so a change reaches every record within that time.
 */

interface GroupRow {
  id: string;
  slug: string;
  name: string;
}

const toGroup = (row: GroupRow) => ({ ...row });

/** Groups the caller may see: all for the administrators, else those its agency belongs to. */
function visibleGroupsWhere(ctx: RequestContext, alias: string, params: SqlParams): string {
  if (ctx.actor.agencyType === 'HUB_ADMIN') return 'TRUE';
  return `EXISTS (SELECT 1 FROM agencies.sharing_group_members m WHERE m.group_id = ${alias}.id AND m.agency_id = ${params.add(ctx.actor.agencyId)})`;
}

export async function listSharingGroups(ctx: RequestContext) {
  const params = new SqlParams();
  const rows = await ctx.db.query<GroupRow>(`SELECT g.id, g.slug, g.name FROM agencies.sharing_groups g WHERE ${visibleGroupsWhere(ctx, 'g', params)} ORDER BY g.name, g.id`, params.values);
  return rows.map(toGroup);
}

export async function getSharingGroup(ctx: RequestContext, id: string) {
  if (!isUuid(id)) throw notFound('SharingGroup');
  const params = new SqlParams([id]);
  const [row] = await ctx.db.query<GroupRow>(`SELECT g.id, g.slug, g.name FROM agencies.sharing_groups g WHERE g.id = $1 AND ${visibleGroupsWhere(ctx, 'g', params)}`, params.values);
  if (!row) throw notFound('SharingGroup');
  return toGroup(row);
}

/** `SharingGroup.members`: one statement per batch of groups (only groups the caller sees get here). */
export function membersOf(ctx: RequestContext, group: { id: string }) {
  const loader = ctx.loader('SharingGroup.members', () =>
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
  assertMay(ctx.actor, 'manageSharingGroups');
  if (!/^[a-z0-9-]{2,60}$/.test(slug)) throw badInput('slug', 'must be 2-60 lower-case letters, digits or dashes');
  const n = text('name', name, { max: 200, required: true })!;
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const [created] = await tx.query<GroupRow>('INSERT INTO agencies.sharing_groups (slug, name) VALUES ($1, $2) RETURNING id, slug, name', [slug, n]);
      await appendAudit(tx, ctx, [groupEvent('COLLECT', created!.id, ['slug', 'name'])]);
      return created;
    });
    ctx.log.info({ op: 'createSharingGroup', groupId: row!.id }, 'sharing group created');
    return toGroup(row!);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw conflict('A sharing group with this slug already exists');
    throw err;
  }
}

/** Adds an agency to a group (adding a member again changes nothing). Its AMBER group records reach it within 5 s. */
export async function addGroupMember(ctx: RequestContext, groupId: string, agencyId: string) {
  assertMay(ctx.actor, 'manageSharingGroups');
  const group = await getSharingGroup(ctx, groupId);
  if (!isUuid(agencyId)) throw badInput('agencyId', 'no such agency');
  const [agency] = await ctx.db.query<{ type: string }>('SELECT type FROM agencies.agencies WHERE id = $1', [agencyId]);
  if (!agency) throw badInput('agencyId', 'no such agency');
  if (agency.type === 'HUB_ADMIN') throw badInput('agencyId', "the hub's administration reads no intelligence and joins no sharing group");
  await ctx.db.transaction(async (tx) => {
    const added = await tx.query('INSERT INTO agencies.sharing_group_members (group_id, agency_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING agency_id', [group.id, agencyId]);
    if (added.length) await appendAudit(tx, ctx, [groupEvent('ALTER', group.id, ['members'], agencyId)]);
  });
  ctx.log.info({ op: 'addGroupMember', groupId: group.id, memberAgencyId: agencyId }, 'sharing group member added');
  return group;
}

/** Removes an agency from a group: the group's AMBER records stop reaching it within 5 s. */
export async function removeGroupMember(ctx: RequestContext, groupId: string, agencyId: string) {
  assertMay(ctx.actor, 'manageSharingGroups');
  const group = await getSharingGroup(ctx, groupId);
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
  return group;
}
