import { defineAbilityFor } from './ability';
import { ACTIONS, type PolicyRecord, SUBJECT_FIELDS, SUBJECTS, type SubjectType } from './subjects';
import { AGENCY_TYPES, type Actor, type AgencyType, publicActor, ROLES, type Role } from './actor';

const OWN = 'agency-own';
const OTHER = 'agency-other';
const actor = (agencyType: AgencyType, role: Role = 'CONTRIBUTOR'): Actor => ({ userId: 'user-self', agencyId: OWN, agencyType, role, groupIds: [] });
const rec = (subject: SubjectType, attrs: Record<string, unknown> = {}): PolicyRecord => ({ __typename: subject, id: 'r1', ...attrs });
const readable = (a: Actor, r: PolicyRecord) => SUBJECT_FIELDS[r.__typename].filter((f) => defineAbilityFor(a).can('read', r, f));
const notification = (notifier: string, destination: string) => rec('Notification', { notifierAgencyId: notifier, destinationAgencyId: destination });

describe('the anonymous public', () => {
  const ability = defineAbilityFor(publicActor());

  test('files and adds to a public report, and reads only a receipt', () => {
    const allowed: string[] = [];
    for (const subject of SUBJECTS) {
      for (const action of ACTIONS) {
        for (const field of action === 'read' ? SUBJECT_FIELDS[subject] : [undefined]) {
          if (ability.can(action, rec(subject, { ownerAgencyId: publicActor().agencyId, agencyId: publicActor().agencyId }), field)) {
            allowed.push(`${action} ${subject}${field ? `.${field}` : ''}`);
          }
        }
      }
    }
    expect(allowed.sort()).toEqual(
      ['create PublicReport', 'update PublicReport', ...SUBJECT_FIELDS.PublicReportReceipt.map((f) => `read PublicReportReceipt.${f}`)].sort(),
    );
  });
});

describe('PublicReport', () => {
  test.each(ROLES)('a HUB_ANALYST %s reads every field, the contact details included', (role) => {
    expect(readable(actor('HUB_ANALYST', role), rec('PublicReport'))).toEqual([...SUBJECT_FIELDS.PublicReport]);
  });

  test.each(AGENCY_TYPES.filter((t) => t !== 'HUB_ANALYST'))('%s reads no field of it, nor of a receipt, and files none', (t) => {
    for (const role of ROLES) {
      expect(readable(actor(t, role), rec('PublicReport'))).toEqual([]);
      expect(readable(actor(t, role), rec('PublicReportReceipt'))).toEqual([]);
      expect(defineAbilityFor(actor(t, role)).can('create', 'PublicReport')).toBe(false);
    }
  });
});

describe('Notification', () => {
  test('FRONTLINE notifies as its own agency and reads what it notified, never another notifier’s', () => {
    const a = defineAbilityFor(actor('FRONTLINE'));
    expect(a.can('create', notification(OWN, OTHER))).toBe(true);
    expect(a.can('create', notification(OTHER, OTHER))).toBe(false);
    expect(readable(actor('FRONTLINE'), notification(OWN, OTHER))).toEqual([...SUBJECT_FIELDS.Notification]);
    expect(readable(actor('FRONTLINE'), notification(OTHER, OWN))).toEqual([]);
    expect(a.can('update', notification(OWN, OTHER))).toBe(false);
  });

  test('a FRONTLINE VIEWER reads what its agency notified and notifies nothing', () => {
    expect(readable(actor('FRONTLINE', 'VIEWER'), notification(OWN, OTHER))).toEqual([...SUBJECT_FIELDS.Notification]);
    expect(defineAbilityFor(actor('FRONTLINE', 'VIEWER')).can('create', notification(OWN, OTHER))).toBe(false);
  });

  test.each(['NGO', 'LAW_ENFORCEMENT'] as const)('%s, as the destination, reads and moves on the referrals made to it, and no other', (t) => {
    const a = defineAbilityFor(actor(t));
    expect(readable(actor(t), notification(OTHER, OWN))).toEqual([...SUBJECT_FIELDS.Notification]);
    expect(a.can('update', notification(OTHER, OWN))).toBe(true);
    expect(readable(actor(t), notification(OTHER, OTHER))).toEqual([]);
    expect(a.can('update', notification(OTHER, OTHER))).toBe(false);
    expect(a.can('create', notification(OWN, OTHER))).toBe(false);
  });

  test.each(['FINANCIAL_INSTITUTION', 'HUB_ANALYST', 'HUB_ADMIN'] as const)('%s reads, makes and changes none', (t) => {
    for (const role of ROLES) {
      for (const n of [notification(OWN, OWN), notification(OTHER, OWN), notification(OWN, OTHER)]) {
        expect(readable(actor(t, role), n)).toEqual([]);
        for (const action of ['create', 'update'] as const) expect(defineAbilityFor(actor(t, role)).can(action, n)).toBe(false);
      }
    }
  });
});

describe('Triage', () => {
  const decision = (agency: string) => rec('TriageDecision', { agencyId: agency });

  test.each(ROLES)('a HUB_ANALYST %s reads every field of a triage item, and its own agency’s decisions only', (role) => {
    expect(readable(actor('HUB_ANALYST', role), rec('TriageItem'))).toEqual([...SUBJECT_FIELDS.TriageItem]);
    expect(readable(actor('HUB_ANALYST', role), decision(OWN))).toEqual([...SUBJECT_FIELDS.TriageDecision]);
    expect(readable(actor('HUB_ANALYST', role), decision(OTHER))).toEqual([]);
  });

  test('a HUB_ANALYST contributor or supervisor decides for its own agency; a viewer does not', () => {
    for (const role of ['CONTRIBUTOR', 'SUPERVISOR'] as const) {
      expect(defineAbilityFor(actor('HUB_ANALYST', role)).can('create', decision(OWN))).toBe(true);
      expect(defineAbilityFor(actor('HUB_ANALYST', role)).can('create', decision(OTHER))).toBe(false);
    }
    expect(defineAbilityFor(actor('HUB_ANALYST', 'VIEWER')).can('create', decision(OWN))).toBe(false);
  });

  test('the hub opens a case only as a triage decision on a public report, owned by itself', () => {
    const a = defineAbilityFor(actor('HUB_ANALYST'));
    expect(a.can('create', rec('Case', { ownerAgencyId: OWN, fromPublicReport: true }))).toBe(true);
    expect(a.can('create', rec('Case', { ownerAgencyId: OWN }))).toBe(false);
    expect(a.can('create', rec('Case', { ownerAgencyId: OTHER, fromPublicReport: true }))).toBe(false);
    expect(defineAbilityFor(actor('HUB_ANALYST', 'VIEWER')).can('create', rec('Case', { ownerAgencyId: OWN, fromPublicReport: true }))).toBe(false);
  });

  test.each(AGENCY_TYPES.filter((t) => t !== 'HUB_ANALYST'))('%s reads no triage item or decision, and decides nothing', (t) => {
    for (const role of ROLES) {
      expect(readable(actor(t, role), rec('TriageItem'))).toEqual([]);
      expect(readable(actor(t, role), decision(OWN))).toEqual([]);
      expect(defineAbilityFor(actor(t, role)).can('create', decision(OWN))).toBe(false);
    }
  });

  test('the anonymous public reads no triage item and decides nothing', () => {
    const a = defineAbilityFor(publicActor());
    expect(SUBJECT_FIELDS.TriageItem.filter((f) => a.can('read', rec('TriageItem'), f))).toEqual([]);
    expect(a.can('create', decision(publicActor().agencyId))).toBe(false);
  });
});
