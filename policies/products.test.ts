import { defineAbilityFor } from './ability';
import { type Actor, type AgencyType, publicActor, ROLES, type Role } from './actor';
import { type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from './subjects';

const OWN = 'agency-own';
const OTHER = 'agency-other';
const actor = (agencyType: AgencyType, role: Role = 'CONTRIBUTOR'): Actor => ({ userId: 'user-self', agencyId: OWN, agencyType, role, groupIds: [] });
const rec = (subject: SubjectType, attrs: Record<string, unknown> = {}): PolicyRecord => ({ __typename: subject, id: 'r1', ...attrs });
const readable = (a: Actor, r: PolicyRecord) => SUBJECT_FIELDS[r.__typename].filter((f) => defineAbilityFor(a).can('read', r, f));

const RECIPIENTS = ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'FRONTLINE'] as const;
// Spelled out, not imported: moving a field into the recipients' group must fail here.
const REPORT_FOR_RECIPIENTS = ['id', 'marking', 'status', 'versionCount', 'createdAt', 'updatedAt'];
const VERSION_FOR_RECIPIENTS = [
  'id',
  'reportId',
  'version',
  'title',
  'summary',
  'keyJudgements',
  'body',
  'linkedCases',
  'linkedRoutes',
  'linkedTypologies',
  'hotspotLocations',
  'periodStart',
  'periodEnd',
  'exploitationType',
  'publishedAt',
  'visuals',
  'pdf',
];

describe('IntelligenceReport and its versions', () => {
  test.each(ROLES)('a HUB_ANALYST %s reads every field of every report and version, the audience and the network seeds included', (role) => {
    expect(readable(actor('HUB_ANALYST', role), rec('IntelligenceReport', { ownerAgencyId: OTHER }))).toEqual([...SUBJECT_FIELDS.IntelligenceReport]);
    expect(readable(actor('HUB_ANALYST', role), rec('IntelligenceReportVersion'))).toEqual([...SUBJECT_FIELDS.IntelligenceReportVersion]);
  });

  test('a HUB_ANALYST publishes, revises and withdraws its own agency’s reports, and a VIEWER none', () => {
    for (const role of ['CONTRIBUTOR', 'SUPERVISOR'] as const) {
      const a = defineAbilityFor(actor('HUB_ANALYST', role));
      for (const action of ['create', 'update', 'withdraw'] as const) {
        expect(a.can(action, rec('IntelligenceReport', { ownerAgencyId: OWN }))).toBe(true);
        expect(a.can(action, rec('IntelligenceReport', { ownerAgencyId: OTHER }))).toBe(false);
      }
    }
    for (const action of ['create', 'update', 'withdraw'] as const) {
      expect(defineAbilityFor(actor('HUB_ANALYST', 'VIEWER')).can(action, rec('IntelligenceReport', { ownerAgencyId: OWN }))).toBe(false);
    }
  });

  test.each(RECIPIENTS)('%s reads a report and its versions in its audience only, never the audience or the network seeds', (t) => {
    for (const role of ROLES) {
      expect(readable(actor(t, role), rec('IntelligenceReport', { inAudience: true }))).toEqual(REPORT_FOR_RECIPIENTS);
      expect(readable(actor(t, role), rec('IntelligenceReport', { inAudience: false }))).toEqual([]);
      expect(readable(actor(t, role), rec('IntelligenceReportVersion', { inAudience: true }))).toEqual(VERSION_FOR_RECIPIENTS);
      expect(readable(actor(t, role), rec('IntelligenceReportVersion', { inAudience: false }))).toEqual([]);
      for (const action of ['create', 'update', 'withdraw'] as const) {
        expect(defineAbilityFor(actor(t, role)).can(action, rec('IntelligenceReport', { ownerAgencyId: OWN, inAudience: true }))).toBe(false);
      }
    }
  });

  test('HUB_ADMIN and the public read and write none', () => {
    for (const a of [actor('HUB_ADMIN'), publicActor()]) {
      for (const subject of ['IntelligenceReport', 'IntelligenceReportVersion', 'ReportFeedback', 'ReportFeedbackSummary'] as const) {
        expect(readable(a, rec(subject, { inAudience: true, agencyId: a.agencyId, ownerAgencyId: a.agencyId }))).toEqual([]);
      }
      expect(defineAbilityFor(a).can('create', 'IntelligenceReport')).toBe(false);
      expect(defineAbilityFor(a).can('create', 'ReportFeedback')).toBe(false);
    }
  });
});

describe('ReportFeedback and its sums', () => {
  test.each(RECIPIENTS)('%s records and reads its own agency’s feedback only; its VIEWERs read it and record none', (t) => {
    const a = defineAbilityFor(actor(t));
    expect(a.can('create', rec('ReportFeedback', { agencyId: OWN }))).toBe(true);
    expect(a.can('create', rec('ReportFeedback', { agencyId: OTHER }))).toBe(false);
    expect(readable(actor(t), rec('ReportFeedback', { agencyId: OWN }))).toEqual([...SUBJECT_FIELDS.ReportFeedback]);
    expect(readable(actor(t), rec('ReportFeedback', { agencyId: OTHER }))).toEqual([]);
    expect(readable(actor(t, 'VIEWER'), rec('ReportFeedback', { agencyId: OWN }))).toEqual([...SUBJECT_FIELDS.ReportFeedback]);
    expect(defineAbilityFor(actor(t, 'VIEWER')).can('create', rec('ReportFeedback', { agencyId: OWN }))).toBe(false);
    expect(readable(actor(t), rec('ReportFeedbackSummary'))).toEqual([]);
  });

  test('the hub’s analysts read the sums, and no agency’s own feedback', () => {
    for (const role of ROLES) {
      expect(readable(actor('HUB_ANALYST', role), rec('ReportFeedbackSummary'))).toEqual([...SUBJECT_FIELDS.ReportFeedbackSummary]);
      expect(readable(actor('HUB_ANALYST', role), rec('ReportFeedback', { agencyId: OTHER }))).toEqual([]);
    }
    expect(defineAbilityFor(actor('HUB_ANALYST')).can('create', rec('ReportFeedback', { agencyId: OWN }))).toBe(false);
  });
});
