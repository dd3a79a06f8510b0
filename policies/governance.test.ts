/**
 * Governance subjects (access requests and grants, sharing groups, retention, audit events,
 * hit/no-hit) per agency type and role, as a user experiences them: `project(ability, record)` for
 * reads, `ability.can(action, record)` for changes, on concrete records. Every `can(...)` line of
 * policies/agency-types/ about these subjects has a row here that fails when it is removed or its
 * condition dropped. Field names are spelled out on purpose (see rules.test.ts).
 */
import { defineAbilityFor } from './ability';
import { AGENCY_TYPES, type Actor, type AgencyType, type Role } from './actor';
import { project, REDACTED } from './enforce';
import { type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from './subjects';

const OWN = 'agency-own';
const OTHER = 'agency-other';
const THIRD = 'agency-third';
const SELF = 'user-self';
const COLLEAGUE = 'user-colleague';

const MEMBER_TYPES = ['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST'] as const;

function actor(agencyType: AgencyType, role: Role): Actor {
  return { userId: SELF, agencyId: OWN, agencyType, role, groupIds: [] };
}

function record(subject: SubjectType, attrs: Record<string, unknown>): PolicyRecord {
  const r: PolicyRecord = { __typename: subject };
  for (const field of SUBJECT_FIELDS[subject]) r[field] = `${subject}.${field} value`;
  return Object.assign(r, attrs);
}

/** The fields of the record the persona reads (not REDACTED), sorted. */
function reads(agencyType: AgencyType, role: Role, rec: PolicyRecord): string[] {
  const out = project(defineAbilityFor(actor(agencyType, role)), rec);
  return Object.keys(out)
    .filter((k) => k !== '__typename' && out[k] !== REDACTED)
    .sort();
}
const may = (agencyType: AgencyType, role: Role, action: 'create' | 'update', rec: PolicyRecord) => defineAbilityFor(actor(agencyType, role)).can(action, rec);
const sorted = (fields: string[]) => [...fields].sort();

const REQUEST = ['id', 'identifier', 'purpose', 'status', 'createdAt', 'decidedAt', 'refusalReason'];
const GRANT = ['id', 'requestId', 'subjectType', 'recordId', 'purpose', 'expiresAt', 'revokedAt', 'createdAt', 'active'];
const GROUP = ['id', 'slug', 'name'];
const DUE = ['subjectType', 'id', 'marking', 'reviewDue', 'retentionClass', 'reviewPeriodYears', 'createdAt'];
const REVIEW = [
  'id',
  'subjectType',
  'recordId',
  'decision',
  'reason',
  'reviewedByUserId',
  'reviewedAt',
  'previousReviewDue',
  'nextReviewDue',
  'erasedRecordCount',
];
const EVENT = [
  'seq',
  'at',
  'action',
  'actorUserId',
  'actorAgency',
  'subjectType',
  'subjectId',
  'recordOwnerAgency',
  'recipients',
  'purpose',
  'fields',
  'records',
  'requestId',
  'prevHash',
  'hash',
];
const HIT = ['kind', 'value', 'known', 'holderCount', 'contactableAgencies'];
const INTEREST = ['kind', 'value', 'queries', 'askedBy'];
const ASKERS = ['agencyType', 'queries'];
/** One agency type's requests about an identifier `holder` holds. */
const askers = (holder: string, agencyType: string) => record('HitNoHitAskers', { agencyId: holder, agencyType });

const request = (requesterAgencyId: string, targetAgencyId: string) => record('AccessRequest', { requesterAgencyId, targetAgencyId });
const grant = (grantorAgencyId: string, granteeAgencyId: string) => record('AccessGrant', { grantorAgencyId, granteeAgencyId });
const group = (includesOwnAgency: boolean) => record('SharingGroup', { includesOwnAgency });
const due = (ownerAgencyId: string) => record('ReviewableRecord', { ownerAgencyId });
const review = (agencyId: string) => record('RetentionReview', { agencyId });
/** Another agency's event about a third agency's record, unless the attributes say otherwise. */
const event = (a: Record<string, unknown> = {}) =>
  record('AuditEvent', { actorUserId: COLLEAGUE, actorAgencyId: OTHER, recordOwnerAgencyId: THIRD, disclosedToOwnAgency: false, ...a });

describe.each(MEMBER_TYPES)('%s', (t) => {
  describe.each(['CONTRIBUTOR', 'SUPERVISOR'] as const)('%s', (role) => {
    test('reads an access request it made, without the target’s candidate records', () => {
      expect(reads(t, role, request(OWN, OTHER))).toEqual(sorted(REQUEST));
    });
    test('reads an access request addressed to it, with its own candidate records', () => {
      expect(reads(t, role, request(OTHER, OWN))).toEqual(sorted([...REQUEST, 'candidates']));
    });
    test('reads nothing of a request between two other agencies', () => {
      expect(reads(t, role, request(OTHER, THIRD))).toEqual([]);
    });
    test('asks in its own name only; only a supervisor answers, and only requests addressed to it', () => {
      expect(may(t, role, 'create', request(OWN, OTHER))).toBe(true);
      expect(may(t, role, 'create', request(OTHER, THIRD))).toBe(false);
      expect(may(t, role, 'update', request(OTHER, OWN))).toBe(role === 'SUPERVISOR');
      expect(may(t, role, 'update', request(OWN, OTHER))).toBe(false);
    });
    test('reads grants it gave and grants it received, nothing of others', () => {
      expect(reads(t, role, grant(OWN, OTHER))).toEqual(sorted(GRANT));
      expect(reads(t, role, grant(OTHER, OWN))).toEqual(sorted(GRANT));
      expect(reads(t, role, grant(OTHER, THIRD))).toEqual([]);
    });
    test('revokes only grants it gave', () => {
      expect(may(t, role, 'update', grant(OWN, OTHER))).toBe(true);
      expect(may(t, role, 'update', grant(OTHER, OWN))).toBe(false);
    });
    test('reads its own records due for review and its own reviews, nothing of another agency’s', () => {
      expect(reads(t, role, due(OWN))).toEqual(sorted(DUE));
      expect(reads(t, role, due(OTHER))).toEqual([]);
      expect(reads(t, role, review(OWN))).toEqual(sorted(REVIEW));
      expect(reads(t, role, review(OTHER))).toEqual([]);
    });
    test('sees how often its own identifiers were asked about, by agency type; police asking only if it is police itself', () => {
      expect(reads(t, role, record('HitNoHitInterest', { agencyId: OWN }))).toEqual(sorted(INTEREST));
      expect(reads(t, role, record('HitNoHitInterest', { agencyId: OTHER }))).toEqual([]);
      for (const asker of ['FINANCIAL_INSTITUTION', 'NGO', 'HUB_ANALYST']) {
        expect({ asker, reads: reads(t, role, askers(OWN, asker)) }).toEqual({ asker, reads: sorted(ASKERS) });
        expect({ asker, reads: reads(t, role, askers(OTHER, asker)) }).toEqual({ asker, reads: [] });
      }
      expect(reads(t, role, askers(OWN, 'LAW_ENFORCEMENT'))).toEqual(t === 'LAW_ENFORCEMENT' ? sorted(ASKERS) : []);
      expect(reads(t, role, askers(OTHER, 'LAW_ENFORCEMENT'))).toEqual([]);
    });
    test('neither creates nor changes sharing groups', () => {
      expect(may(t, role, 'create', group(true))).toBe(false);
      expect(may(t, role, 'update', group(true))).toBe(false);
    });
  });

  describe.each(['VIEWER', 'CONTRIBUTOR', 'SUPERVISOR'] as const)('%s', (role) => {
    test('reads the sharing groups its agency belongs to, nothing of the others', () => {
      expect(reads(t, role, group(true))).toEqual(sorted(GROUP));
      expect(reads(t, role, group(false))).toEqual([]);
    });
    test('asks hit/no-hit', () => {
      expect(reads(t, role, record('HitNoHitResult', {}))).toEqual(sorted(HIT));
    });
  });

  test('a VIEWER reads no access request, grant or retention record, and asks, answers, revokes and reviews nothing', () => {
    for (const rec of [
      request(OWN, OTHER),
      request(OTHER, OWN),
      grant(OWN, OTHER),
      grant(OTHER, OWN),
      due(OWN),
      review(OWN),
      record('HitNoHitInterest', { agencyId: OWN }),
      askers(OWN, 'NGO'),
      askers(OWN, 'LAW_ENFORCEMENT'),
    ]) {
      expect({ subject: rec.__typename, reads: reads(t, 'VIEWER', rec) }).toEqual({ subject: rec.__typename, reads: [] });
    }
    expect(may(t, 'VIEWER', 'create', request(OWN, OTHER))).toBe(false);
    expect(may(t, 'VIEWER', 'update', request(OTHER, OWN))).toBe(false);
    expect(may(t, 'VIEWER', 'update', grant(OWN, OTHER))).toBe(false);
    expect(may(t, 'VIEWER', 'create', review(OWN))).toBe(false);
  });

  test('only a SUPERVISOR reviews, and only its own agency’s records', () => {
    expect(may(t, 'SUPERVISOR', 'create', review(OWN))).toBe(true);
    expect(may(t, 'SUPERVISOR', 'create', review(OTHER))).toBe(false);
    expect(may(t, 'CONTRIBUTOR', 'create', review(OWN))).toBe(false);
  });

  test.each(['VIEWER', 'CONTRIBUTOR'] as const)('a %s reads only the audit events it caused itself', (role) => {
    expect(reads(t, role, event({ actorUserId: SELF, actorAgencyId: OWN }))).toEqual(sorted(EVENT));
    // A colleague's event, on the agency's own record, disclosed to it: still not theirs.
    expect(reads(t, role, event({ actorAgencyId: OWN }))).toEqual([]);
    expect(reads(t, role, event({ recordOwnerAgencyId: OWN }))).toEqual([]);
    expect(reads(t, role, event({ disclosedToOwnAgency: true }))).toEqual([]);
  });
});

describe.each(['LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO'] as const)('%s SUPERVISOR: the audit trail of its agency', (t) => {
  test.each([
    ["a colleague's event", { actorAgencyId: OWN }],
    ["another agency's event on its agency's record", { recordOwnerAgencyId: OWN }],
    ['a disclosure to its agency', { disclosedToOwnAgency: true }],
  ])('reads %s', (_what, attrs) => {
    expect(reads(t, 'SUPERVISOR', event(attrs))).toEqual(sorted(EVENT));
  });
  test('reads nothing of an event that does not concern its agency', () => {
    expect(reads(t, 'SUPERVISOR', event())).toEqual([]);
  });
});

describe('HUB_ANALYST SUPERVISOR', () => {
  test("reads every agency's audit events", () => {
    expect(reads('HUB_ANALYST', 'SUPERVISOR', event())).toEqual(sorted(EVENT));
  });
});

describe('HUB_ADMIN', () => {
  test.each(['CONTRIBUTOR', 'SUPERVISOR'] as const)('a %s sees every sharing group and creates and changes them', (role) => {
    expect(reads('HUB_ADMIN', role, group(false))).toEqual(sorted(GROUP));
    expect(may('HUB_ADMIN', role, 'create', group(false))).toBe(true);
    expect(may('HUB_ADMIN', role, 'update', group(false))).toBe(true);
  });
  test('a VIEWER sees every sharing group and changes none', () => {
    expect(reads('HUB_ADMIN', 'VIEWER', group(false))).toEqual(sorted(GROUP));
    expect(may('HUB_ADMIN', 'VIEWER', 'create', group(false))).toBe(false);
    expect(may('HUB_ADMIN', 'VIEWER', 'update', group(false))).toBe(false);
  });
  test.each(['VIEWER', 'CONTRIBUTOR', 'SUPERVISOR'] as const)(
    'a %s reads no intelligence governance: requests, grants, retention, audit, hit/no-hit',
    (role) => {
      const recs = [
        request(OWN, OTHER),
        request(OTHER, OWN),
        grant(OWN, OTHER),
        due(OWN),
        review(OWN),
        event({ actorUserId: SELF, actorAgencyId: OWN }),
        record('HitNoHitResult', {}),
      ];
      for (const rec of recs) expect({ subject: rec.__typename, reads: reads('HUB_ADMIN', role, rec) }).toEqual({ subject: rec.__typename, reads: [] });
      expect(may('HUB_ADMIN', role, 'create', request(OWN, OTHER))).toBe(false);
      expect(may('HUB_ADMIN', role, 'create', review(OWN))).toBe(false);
    },
  );
});

describe('FRONTLINE', () => {
  test.each(['VIEWER', 'CONTRIBUTOR', 'SUPERVISOR'] as const)('a %s reads no governance but its own audit events, and asks nothing', (role) => {
    const recs = [request(OWN, OTHER), request(OTHER, OWN), grant(OWN, OTHER), due(OWN), review(OWN), record('HitNoHitResult', {}), group(true)];
    for (const rec of recs) expect({ subject: rec.__typename, reads: reads('FRONTLINE', role, rec) }).toEqual({ subject: rec.__typename, reads: [] });
    expect(reads('FRONTLINE', role, event({ actorUserId: SELF, actorAgencyId: OWN })).length).toBeGreaterThan(0);
    expect(may('FRONTLINE', role, 'create', request(OWN, OTHER))).toBe(false);
  });
});

describe('bulk screening', () => {
  const JOB = ['id', 'reference', 'status', 'chunkCount', 'identifierCount', 'knownCount', 'createdAt', 'closedAt'];
  const RESULT = ['chunk', 'index', 'kind', 'value', 'known', 'holderCount', 'contactableAgencies'];
  const job = (owner: string) => record('ScreeningJob', { ownerAgencyId: owner });
  const result = (owner: string) => record('ScreeningResult', { ownerAgencyId: owner });

  test.each(['VIEWER', 'CONTRIBUTOR', 'SUPERVISOR'] as const)('a bank %s reads its own jobs and their results, never another agency’s', (role) => {
    expect(reads('FINANCIAL_INSTITUTION', role, job(OWN))).toEqual(sorted(JOB));
    expect(reads('FINANCIAL_INSTITUTION', role, result(OWN))).toEqual(sorted(RESULT));
    expect(reads('FINANCIAL_INSTITUTION', role, job(OTHER))).toEqual([]);
    expect(reads('FINANCIAL_INSTITUTION', role, result(OTHER))).toEqual([]);
  });
  test.each(['CONTRIBUTOR', 'SUPERVISOR'] as const)('a bank %s creates and feeds its own jobs only', (role) => {
    expect(may('FINANCIAL_INSTITUTION', role, 'create', job(OWN))).toBe(true);
    expect(may('FINANCIAL_INSTITUTION', role, 'update', job(OWN))).toBe(true);
    expect(may('FINANCIAL_INSTITUTION', role, 'create', job(OTHER))).toBe(false);
    expect(may('FINANCIAL_INSTITUTION', role, 'update', job(OTHER))).toBe(false);
  });
  test('a bank VIEWER follows jobs but starts and feeds none', () => {
    expect(may('FINANCIAL_INSTITUTION', 'VIEWER', 'create', job(OWN))).toBe(false);
    expect(may('FINANCIAL_INSTITUTION', 'VIEWER', 'update', job(OWN))).toBe(false);
  });
  test.each(
    (['LAW_ENFORCEMENT', 'NGO', 'HUB_ANALYST', 'FRONTLINE', 'HUB_ADMIN'] as const).flatMap((t) =>
      (['VIEWER', 'SUPERVISOR'] as const).map((r) => [t, r] as const),
    ),
  )('%s %s has no screening jobs, not even its own (hit/no-hit is theirs)', (agencyType, role) => {
    expect(reads(agencyType, role, job(OWN))).toEqual([]);
    expect(reads(agencyType, role, result(OWN))).toEqual([]);
    expect(may(agencyType, role, 'create', job(OWN))).toBe(false);
    expect(may(agencyType, role, 'update', job(OWN))).toBe(false);
  });
});

test('every agency type is covered above', () => {
  expect([...MEMBER_TYPES, 'FRONTLINE', 'HUB_ADMIN'].sort()).toEqual([...AGENCY_TYPES].sort());
});
