/**
 * The advert feed's rules (policies/agency-types/): per agency type and role, exactly which fields of
 * an advert and of a lead it reads, and who writes them. Field names are spelled out here on purpose
 * (not imported from subjects.ts): moving a field into a group a rule shares makes these fail.
 */
import { defineAbilityFor } from './ability';
import { AGENCY_TYPES, type Actor, type AgencyType, publicActor, ROLES, type Role } from './actor';
import { type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from './subjects';

const OWN = 'agency-own';
const OTHER = 'agency-other';
const actor = (agencyType: AgencyType, role: Role = 'CONTRIBUTOR'): Actor => ({ userId: 'user-self', agencyId: OWN, agencyType, role, groupIds: [] });
const rec = (subject: SubjectType, attrs: Record<string, unknown> = {}): PolicyRecord => ({
  __typename: subject,
  id: 'r1',
  ownerAgencyId: OTHER,
  marking: 'GREEN',
  ...attrs,
});
const readable = (a: Actor, r: PolicyRecord) => SUBJECT_FIELDS[r.__typename].filter((f) => defineAbilityFor(a).can('read', r, f)).sort();

const META = [
  'id',
  'marking',
  'sourceEvaluation',
  'intelligenceAssessment',
  'handlingCode',
  'handlingConditions',
  'ownerAgency',
  'createdAt',
  'updatedAt',
  'reviewDue',
];
const ADVERT_ALL = [
  ...META,
  'site',
  'firstSeen',
  'lastSeen',
  'location',
  'city',
  'collector',
  'indicators',
  'advertRef',
  'url',
  'phones',
  'handles',
  'text',
  'imageHashes',
].sort();
const LEAD_OVERVIEW = [...META, 'kind', 'score', 'indicators', 'cities', 'advertCount', 'firstSeen', 'lastSeen', 'explanation'].sort();
const LEAD_ALL = [...LEAD_OVERVIEW, 'adverts', 'phones', 'imageHashes', 'movements'].sort();

/** What each agency type reads of the hub's adverts and leads, whatever its role. */
const READS: Record<AgencyType, { advert: string[]; lead: string[] }> = {
  LAW_ENFORCEMENT: { advert: ADVERT_ALL, lead: LEAD_ALL },
  HUB_ANALYST: { advert: ADVERT_ALL, lead: LEAD_ALL },
  // Patterns for outreach, never what identifies the people advertised.
  NGO: { advert: [], lead: LEAD_OVERVIEW },
  // Identifiers only as hit/no-hit answers (the hub's observations of its adverts' phones count as a hit).
  FINANCIAL_INSTITUTION: { advert: [], lead: [] },
  FRONTLINE: { advert: [], lead: [] },
  HUB_ADMIN: { advert: [], lead: [] },
};

describe.each(AGENCY_TYPES)('%s', (agencyType) => {
  test.each(ROLES)('a %s reads exactly the intended fields of an advert and of a lead', (role) => {
    expect({ advert: readable(actor(agencyType, role), rec('Advert')), lead: readable(actor(agencyType, role), rec('AdvertLead')) }).toEqual(READS[agencyType]);
  });

  test('ingests adverts and computes leads only as the hub analysts, as its own agency', () => {
    const mayWrite = agencyType === 'HUB_ANALYST';
    for (const role of ROLES) {
      const ability = defineAbilityFor(actor(agencyType, role));
      for (const subject of ['Advert', 'AdvertLead'] as const) {
        expect({ role, subject, own: ability.can('create', rec(subject, { ownerAgencyId: OWN })) }).toEqual({
          role,
          subject,
          own: mayWrite && role !== 'VIEWER',
        });
        expect({ role, subject, other: ability.can('create', rec(subject)) }).toEqual({ role, subject, other: false });
      }
    }
  });
});

test('the anonymous public reads and writes nothing of the advert feed', () => {
  const a = defineAbilityFor(publicActor());
  expect(readable(publicActor(), rec('Advert'))).toEqual([]);
  expect(readable(publicActor(), rec('AdvertLead'))).toEqual([]);
  expect(a.can('create', rec('Advert', { ownerAgencyId: publicActor().agencyId }))).toBe(false);
});
