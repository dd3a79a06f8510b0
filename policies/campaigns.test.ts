import { defineAbilityFor } from './ability';
import { AGENCY_TYPES, type Actor, type AgencyType, publicActor, ROLES, type Role } from './actor';
import { ACTIONS, type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from './subjects';

/**
 * Prevention campaigns: the hub's analysts run them (exact counts behind the areas, indicators),
 * the partner NGO reads its campaigns and their areas (counts under disclosure control) and records
 * reach; every other agency type sees and does nothing. Each rule has a test here that fails
 * without it.
 */
const OWN = 'agency-own';
const OTHER = 'agency-other';
const actor = (agencyType: AgencyType, role: Role = 'CONTRIBUTOR'): Actor => ({ userId: 'user-self', agencyId: OWN, agencyType, role, groupIds: [] });
const rec = (subject: SubjectType, attrs: Record<string, unknown> = {}): PolicyRecord => ({ __typename: subject, id: 'r1', ...attrs });
const readable = (a: Actor, r: PolicyRecord) => SUBJECT_FIELDS[r.__typename].filter((f) => defineAbilityFor(a).can('read', r, f));
const campaign = (owner: string, partner: string | null) => rec('Campaign', { ownerAgencyId: owner, partnerAgencyId: partner });
const reach = (owner: string, partner: string | null) =>
  rec('CampaignReach', { ownerAgencyId: owner, partnerAgencyId: partner, platformPartner: partner === null });
const SUBJECTS_OF_CAMPAIGNS: SubjectType[] = ['Campaign', 'CampaignArea', 'CampaignReach', 'CampaignIndicator'];
const withoutExact = (s: SubjectType) => SUBJECT_FIELDS[s].filter((f) => f !== 'exactCounts');

describe('HUB_ANALYST', () => {
  test.each(ROLES)('a %s reads its agency’s campaigns and their reach, not another agency’s', (role) => {
    expect(readable(actor('HUB_ANALYST', role), campaign(OWN, OTHER))).toEqual([...SUBJECT_FIELDS.Campaign]);
    expect(readable(actor('HUB_ANALYST', role), campaign(OTHER, OWN))).toEqual([]);
    expect(readable(actor('HUB_ANALYST', role), reach(OWN, OTHER))).toEqual([...SUBJECT_FIELDS.CampaignReach]);
    expect(readable(actor('HUB_ANALYST', role), reach(OTHER, null))).toEqual([]);
  });

  test('reads candidate areas and indicators with exact counts', () => {
    expect(readable(actor('HUB_ANALYST'), rec('CampaignArea'))).toEqual([...SUBJECT_FIELDS.CampaignArea]);
    expect(readable(actor('HUB_ANALYST'), rec('CampaignIndicator'))).toEqual([...SUBJECT_FIELDS.CampaignIndicator]);
  });

  test('creates and changes its own campaigns; records reach only for a platform without an account', () => {
    const a = defineAbilityFor(actor('HUB_ANALYST'));
    expect(a.can('create', campaign(OWN, OTHER))).toBe(true);
    expect(a.can('update', campaign(OWN, OTHER))).toBe(true);
    expect(a.can('create', campaign(OTHER, null))).toBe(false);
    expect(a.can('update', campaign(OTHER, OWN))).toBe(false);
    expect(a.can('withdraw', campaign(OWN, OTHER))).toBe(false);
    expect(a.can('create', reach(OWN, null))).toBe(true);
    expect(a.can('create', reach(OWN, OTHER))).toBe(false);
    expect(a.can('create', reach(OTHER, null))).toBe(false);
  });

  test('a VIEWER reads and writes nothing', () => {
    const a = defineAbilityFor(actor('HUB_ANALYST', 'VIEWER'));
    expect(a.can('create', campaign(OWN, OTHER))).toBe(false);
    expect(a.can('update', campaign(OWN, OTHER))).toBe(false);
    expect(a.can('create', reach(OWN, null))).toBe(false);
  });
});

describe('NGO', () => {
  test.each(ROLES)('a %s reads the campaigns its agency is the partner of, and their reach; not others’', (role) => {
    expect(readable(actor('NGO', role), campaign(OTHER, OWN))).toEqual([...SUBJECT_FIELDS.Campaign]);
    expect(readable(actor('NGO', role), campaign(OTHER, OTHER))).toEqual([]);
    expect(readable(actor('NGO', role), campaign(OWN, null))).toEqual([]);
    expect(readable(actor('NGO', role), reach(OTHER, OWN))).toEqual([...SUBJECT_FIELDS.CampaignReach]);
    expect(readable(actor('NGO', role), reach(OTHER, OTHER))).toEqual([]);
  });

  test('reads target areas without exact counts, and no indicator', () => {
    expect(readable(actor('NGO'), rec('CampaignArea'))).toEqual(withoutExact('CampaignArea'));
    expect(readable(actor('NGO'), rec('CampaignIndicator'))).toEqual([]);
  });

  test('records reach for its own campaigns only (not as a VIEWER); never creates or changes a campaign', () => {
    const a = defineAbilityFor(actor('NGO'));
    expect(a.can('create', reach(OTHER, OWN))).toBe(true);
    expect(a.can('create', reach(OTHER, OTHER))).toBe(false);
    expect(defineAbilityFor(actor('NGO', 'VIEWER')).can('create', reach(OTHER, OWN))).toBe(false);
    for (const action of ['create', 'update'] as const) {
      expect(a.can(action, campaign(OTHER, OWN))).toBe(false);
      expect(a.can(action, campaign(OWN, OWN))).toBe(false);
    }
  });
});

describe.each(AGENCY_TYPES.filter((t) => t !== 'HUB_ANALYST' && t !== 'NGO'))('%s', (t) => {
  test('reads, makes and changes nothing of campaigns, as partner or owner', () => {
    for (const role of ROLES) {
      const a = defineAbilityFor(actor(t, role));
      for (const r of [campaign(OWN, OWN), campaign(OTHER, OWN), reach(OWN, OWN), reach(OTHER, OWN), rec('CampaignArea'), rec('CampaignIndicator')]) {
        expect(readable(actor(t, role), r)).toEqual([]);
        for (const action of ACTIONS.filter((x) => x !== 'read')) expect(a.can(action, r)).toBe(false);
      }
    }
  });
});

test('the anonymous public reaches nothing of campaigns', () => {
  for (const s of SUBJECTS_OF_CAMPAIGNS) {
    for (const action of ACTIONS) expect(defineAbilityFor(publicActor()).can(action, s)).toBe(false);
  }
});
