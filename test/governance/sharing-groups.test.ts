import { startTestHub, type TestHub } from '../support/hub';
import { caseReachAs, caseSummaryAs, HUB_START_MS, ok, refused, sleep } from './support';

/**
 * Issue 4: sharing groups (such as "Midlands partnership") to which AMBER records can be shared. The
 * hub's administrators manage them; every agency lists the groups it belongs to. The gateway caches a
 * user's group list for at most 5 seconds (gateway/identity.ts), so a change reaches users who asked
 * in the last 5 seconds once that has passed, and every other user at once.
 */

// The integration project's testTimeout is not applied to project configs; hub round trips add up.
jest.setTimeout(60_000);

let hub: TestHub;
const agency = (slug: string) => hub.demo.agencies[slug]!.id;
const midlandsGroup = () => hub.demo.groups['midlands-partnership']!;
const GATEWAY_USER_CACHE_MS = 5_000;

const GROUPS = `{ sharingGroups { id slug name members { slug } } }`;
const CREATE = `mutation($slug: String!, $name: String!) { createSharingGroup(slug: $slug, name: $name) { id slug name members { slug } } }`;
const ADD = `mutation($g: ID!, $a: ID!) { addGroupMember(groupId: $g, agencyId: $a) { id slug members { slug } } }`;
const REMOVE = `mutation($g: ID!, $a: ID!) { removeGroupMember(groupId: $g, agencyId: $a) { id slug members { slug } } }`;

interface Group {
  id: string;
  slug: string;
  name: string;
  members: Array<{ slug: string }>;
}

const groupsOf = async (persona: string) => ok(await hub.gql<{ sharingGroups: Group[] }>(persona, GROUPS)).sharingGroups;

beforeAll(async () => {
  hub = await startTestHub('in-process');
}, HUB_START_MS);
afterAll(() => hub.stop(), HUB_START_MS);

describe('listing', () => {
  test('each agency lists the groups it belongs to, with their members; the administrators list all', async () => {
    for (const persona of ['safe-passage', 'safe-passage:VIEWER', 'albion-bank', 'west-midlands-police:SUPERVISOR']) {
      const groups = await groupsOf(persona);
      expect(groups.map((g) => g.slug)).toEqual(['midlands-partnership']);
      expect(groups[0]!.members.map((m) => m.slug).sort()).toEqual(['albion-bank', 'safe-passage', 'west-midlands-police']);
    }
    for (const persona of ['met-police', 'politia-romana', 'tessera-hub', 'lumina-ro']) expect(await groupsOf(persona)).toEqual([]);
    expect((await groupsOf('tessera-admin:VIEWER')).map((g) => g.slug)).toEqual(['midlands-partnership']);
  });
});

describe('managing', () => {
  let north: Group;

  test('the administrators create a group and add members; adding twice changes nothing', async () => {
    north = ok(
      await hub.gql<{ createSharingGroup: Group }>('tessera-admin', CREATE, { slug: 'north-east-partnership', name: '  North East partnership ' }),
    ).createSharingGroup;
    expect(north).toMatchObject({ slug: 'north-east-partnership', name: 'North East partnership', members: [] });
    ok(await hub.gql('tessera-admin', ADD, { g: north.id, a: agency('met-police') }));
    const added = ok(await hub.gql<{ addGroupMember: Group }>('tessera-admin:SUPERVISOR', ADD, { g: north.id, a: agency('lumina-ro') })).addGroupMember;
    expect(added.members.map((m) => m.slug).sort()).toEqual(['lumina-ro', 'met-police']);
    const again = ok(await hub.gql<{ addGroupMember: Group }>('tessera-admin', ADD, { g: north.id, a: agency('lumina-ro') })).addGroupMember;
    expect(again.members).toHaveLength(2);
    expect((await groupsOf('met-police:VIEWER')).map((g) => g.slug)).toEqual(['north-east-partnership']);
    expect((await groupsOf('tessera-admin')).map((g) => g.slug).sort()).toEqual(['midlands-partnership', 'north-east-partnership']);
  });

  test.each([
    ['a duplicate slug', () => hub.gql('tessera-admin', CREATE, { slug: 'midlands-partnership', name: 'Again' }), 'CONFLICT', undefined],
    ['a malformed slug', () => hub.gql('tessera-admin', CREATE, { slug: 'Not A Slug', name: 'x' }), 'BAD_USER_INPUT', 'slug'],
    ['a blank name', () => hub.gql('tessera-admin', CREATE, { slug: 'blank-name', name: '  ' }), 'BAD_USER_INPUT', 'name'],
    ['an unknown group', () => hub.gql('tessera-admin', ADD, { g: '00000000-0000-4000-8000-000000000000', a: agency('met-police') }), 'NOT_FOUND', undefined],
    ['an unknown agency', () => hub.gql('tessera-admin', ADD, { g: midlandsGroup(), a: '00000000-0000-4000-8000-000000000000' }), 'BAD_USER_INPUT', 'agencyId'],
    [
      "the hub's administration as a member",
      () => hub.gql('tessera-admin', ADD, { g: midlandsGroup(), a: agency('tessera-admin') }),
      'BAD_USER_INPUT',
      'agencyId',
    ],
    [
      'removing an agency that is not a member',
      () => hub.gql('tessera-admin', REMOVE, { g: midlandsGroup(), a: agency('politia-romana') }),
      'BAD_USER_INPUT',
      'agencyId',
    ],
  ])('refuses %s', async (_what, send, code, field) => {
    refused(await send(), code, field);
  });

  test.each(['tessera-admin:VIEWER', 'tessera-hub:SUPERVISOR', 'west-midlands-police:SUPERVISOR', 'safe-passage'])(
    '%s may not manage groups (FORBIDDEN)',
    async (persona) => {
      refused(await hub.gql(persona, CREATE, { slug: 'rogue-group', name: 'Rogue' }), 'FORBIDDEN');
      refused(await hub.gql(persona, ADD, { g: midlandsGroup(), a: agency('met-police') }), 'FORBIDDEN');
      refused(await hub.gql(persona, REMOVE, { g: midlandsGroup(), a: agency('albion-bank') }), 'FORBIDDEN');
    },
  );
});

describe('membership decides who an AMBER group record reaches', () => {
  test("a removed member loses the group's AMBER records: at once for users not cached, within 5 s for those who just asked", async () => {
    const midlands = hub.demo.ids['case:midlands']!;
    const started = Date.now();
    expect(await caseSummaryAs(hub, 'safe-passage', midlands)).toMatch(/^Brothels in Leicester/);

    const after = ok(await hub.gql<{ removeGroupMember: Group }>('tessera-admin', REMOVE, { g: midlandsGroup(), a: agency('safe-passage') })).removeGroupMember;
    expect(after.members.map((m) => m.slug).sort()).toEqual(['albion-bank', 'west-midlands-police']);
    const [row] = await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM agencies.sharing_group_members WHERE group_id = $1 AND agency_id = $2', [
      midlandsGroup(),
      agency('safe-passage'),
    ]);
    expect(Number(row!.n)).toBe(0);

    // A user of the agency the gateway has not cached yet: the group is gone for them straight away.
    expect(await caseSummaryAs(hub, 'safe-passage:SUPERVISOR', midlands)).toBe('NOT_FOUND');
    expect(await groupsOf('safe-passage:SUPERVISOR')).toEqual([]);

    // The user who read it a moment ago may still carry the group for the rest of the cache's life.
    await sleep(Math.max(0, started + GATEWAY_USER_CACHE_MS + 300 - Date.now()));
    expect(await caseSummaryAs(hub, 'safe-passage', midlands)).toBe('NOT_FOUND');
    // The remaining members still read it.
    expect(await caseReachAs(hub, 'albion-bank', midlands)).toBe('REACHED');
  }, 30_000);

  test("an added member gains the group's AMBER records", async () => {
    const midlands = hub.demo.ids['case:midlands']!;
    expect(await caseSummaryAs(hub, 'politia-romana:SUPERVISOR', midlands)).toBe('NOT_FOUND');
    const started = Date.now();
    ok(await hub.gql('tessera-admin', ADD, { g: midlandsGroup(), a: agency('politia-romana') }));
    await sleep(Math.max(0, started + GATEWAY_USER_CACHE_MS + 300 - Date.now()));
    expect(await caseSummaryAs(hub, 'politia-romana:SUPERVISOR', midlands)).toMatch(/^Brothels in Leicester/);
    expect(await caseSummaryAs(hub, 'politia-romana:VIEWER', midlands)).toMatch(/^Brothels in Leicester/);
  }, 30_000);
});
