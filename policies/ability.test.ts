/**
 * Contributions (create / update / withdraw) per agency type and role, as the services ask them:
 * `ability.can(action, { __typename, ownerAgencyId, ... })` on the record to be written.
 */
import { createMongoAbility } from '@casl/ability';
import { defineAbilityFor } from './ability';
import { AGENCY_TYPES, type Actor, type AgencyType, type Role, ROLES } from './actor';
import { fieldPlan } from './enforce';
import { GOVERNANCE_SUBJECTS, type PolicyRecord, SUBJECTS, type SubjectType } from './subjects';

/** Records with an owner agency; governance subjects have their own parties and role rules (governance.test.ts). */
const RECORD_SUBJECTS = SUBJECTS.filter((s) => !GOVERNANCE_SUBJECTS.includes(s));

const OWN_AGENCY = 'agency-own';
const OTHER_AGENCY = 'agency-other';
const WRITES = ['create', 'update', 'withdraw'] as const;
type Write = (typeof WRITES)[number];

function actor(agencyType: AgencyType, role: Role = 'CONTRIBUTOR'): Actor {
  return { userId: 'user-self', agencyId: OWN_AGENCY, agencyType, role, groupIds: [] };
}

const recordOf = (subject: SubjectType, ownerAgencyId: string | undefined): PolicyRecord => ({ __typename: subject, ownerAgencyId, id: 'record-1' });

/** What a persona may do to each subject, own record vs another agency's: { create: { own, other }, ... }. */
function writesOn(agencyType: AgencyType, role: Role, subject: SubjectType) {
  const ability = defineAbilityFor(actor(agencyType, role));
  const result = {} as Record<Write, { own: boolean; other: boolean }>;
  for (const action of WRITES) {
    result[action] = {
      own: ability.can(action, recordOf(subject, OWN_AGENCY)),
      other: ability.can(action, recordOf(subject, OTHER_AGENCY)),
    };
  }
  return result;
}

/** The intent per agency type, written out: subjects it may write only when it owns the record, and subjects it may write whoever owns them. */
interface WriteIntent {
  ownOnly: Partial<Record<Write, SubjectType[]>>;
  any?: Partial<Record<Write, SubjectType[]>>;
}

const INTENT: Record<AgencyType, WriteIntent> = {
  LAW_ENFORCEMENT: {
    ownOnly: {
      create: ['Case', 'TraffickingEvent', 'Person', 'ReferralStage', 'Observation', 'Link'],
      update: ['Case', 'TraffickingEvent', 'Person', 'Observation', 'Link'],
    },
  },
  FINANCIAL_INSTITUTION: {
    ownOnly: {
      create: ['Observation', 'Link', 'Typology', 'TransactionReport'],
      update: ['Observation', 'Link', 'Typology', 'TransactionReport'],
    },
  },
  NGO: {
    ownOnly: {
      create: ['Case', 'TraffickingEvent', 'Person', 'ReferralStage', 'Observation', 'Link', 'Narrative'],
      update: ['Case', 'TraffickingEvent', 'Person', 'Observation', 'Link', 'Narrative'],
      withdraw: ['Narrative'],
    },
  },
  // Notifications are the frontline's only writes, owned by notifier rather than owner (policies/intake.test.ts).
  FRONTLINE: { ownOnly: {} },
  HUB_ANALYST: {
    ownOnly: {
      create: ['Observation', 'Link', 'Route', 'Campaign', 'IntelligenceReport', 'Advert', 'AdvertLead'],
      update: ['Observation', 'Link', 'Route', 'Campaign', 'IntelligenceReport', 'Advert', 'AdvertLead'],
      withdraw: ['IntelligenceReport'],
    },
  },
  HUB_ADMIN: {
    ownOnly: {},
    any: {
      create: ['Agency', 'User', 'TrustedIssuer'],
      update: ['Agency', 'User', 'TrustedIssuer'],
    },
  },
};

function expected(agencyType: AgencyType, subject: SubjectType) {
  const { ownOnly, any = {} } = INTENT[agencyType];
  const result = {} as Record<Write, { own: boolean; other: boolean }>;
  for (const action of WRITES) {
    const anyOwner = (any[action] ?? []).includes(subject);
    result[action] = { own: anyOwner || (ownOnly[action] ?? []).includes(subject), other: anyOwner };
  }
  return result;
}

describe.each(AGENCY_TYPES)('%s contributions', (agencyType) => {
  test.each(RECORD_SUBJECTS)('%s: create / update / withdraw, own record vs another agency’s', (subject) => {
    expect(writesOn(agencyType, 'CONTRIBUTOR', subject)).toEqual(expected(agencyType, subject));
  });

  test('a SUPERVISOR contributes exactly as a CONTRIBUTOR does', () => {
    for (const subject of RECORD_SUBJECTS) {
      expect({ subject, writes: writesOn(agencyType, 'SUPERVISOR', subject) }).toEqual({ subject, writes: expected(agencyType, subject) });
    }
  });

  test('a VIEWER creates, updates and withdraws nothing, not even its own agency’s records', () => {
    const ability = defineAbilityFor(actor(agencyType, 'VIEWER'));
    const allowed: string[] = [];
    for (const subject of SUBJECTS) {
      for (const action of WRITES) {
        for (const owner of [OWN_AGENCY, OTHER_AGENCY]) {
          if (ability.can(action, recordOf(subject, owner))) allowed.push(`${action} ${subject} (${owner})`);
        }
      }
    }
    expect(allowed).toEqual([]);
  });

  test('a VIEWER reads exactly what a CONTRIBUTOR reads', () => {
    const viewer = defineAbilityFor(actor(agencyType, 'VIEWER'));
    const contributor = defineAbilityFor(actor(agencyType, 'CONTRIBUTOR'));
    for (const subject of RECORD_SUBJECTS) {
      expect({ subject, plan: fieldPlan(viewer, subject) }).toEqual({ subject, plan: fieldPlan(contributor, subject) });
    }
  });
});

describe('ownership of new records', () => {
  test.each(['LAW_ENFORCEMENT', 'NGO'] as const)('%s cannot create a case without an owner, or owned by another agency', (agencyType) => {
    const ability = defineAbilityFor(actor(agencyType));
    expect(ability.can('create', recordOf('Case', undefined))).toBe(false);
    expect(ability.can('create', recordOf('Case', OTHER_AGENCY))).toBe(false);
    expect(ability.can('create', recordOf('Case', OWN_AGENCY))).toBe(true);
  });

  test('FINANCIAL_INSTITUTION cannot file a transaction report in another bank’s name', () => {
    const ability = defineAbilityFor(actor('FINANCIAL_INSTITUTION'));
    expect(ability.can('create', recordOf('TransactionReport', OTHER_AGENCY))).toBe(false);
    expect(ability.can('create', recordOf('TransactionReport', OWN_AGENCY))).toBe(true);
  });
});

describe('defineAbilityFor refuses actors it does not know', () => {
  test('an unknown agency type throws', () => {
    expect(() => defineAbilityFor({ ...actor('NGO'), agencyType: 'POLICE' as AgencyType })).toThrow('Unknown agency type: POLICE');
    expect(() => defineAbilityFor({ ...actor('NGO'), agencyType: undefined as unknown as AgencyType })).toThrow(/Unknown agency type/);
  });

  test('an unknown role throws', () => {
    expect(() => defineAbilityFor({ ...actor('NGO'), role: 'ADMIN' as Role })).toThrow('Unknown role: ADMIN');
    expect(() => defineAbilityFor({ ...actor('NGO'), role: 'viewer' as Role })).toThrow(/Unknown role/);
  });
});

describe("a victim's identity needs a stated purpose", () => {
  const IDENTITY = ['fullName', 'dateOfBirth', 'contact', 'documents'];
  const person = (role: string): PolicyRecord => ({ __typename: 'Person', id: 'p-1', ownerAgencyId: OWN_AGENCY, role });
  const readable = (a: Actor, role: string) => IDENTITY.filter((f) => defineAbilityFor(a).can('read', person(role), f));

  test.each<AgencyType>(['LAW_ENFORCEMENT', 'NGO'])('%s reads its own victim only with a purpose, its own suspect without', (type) => {
    expect(readable(actor(type), 'VICTIM')).toEqual([]);
    expect(readable({ ...actor(type), purpose: 'safeguarding visit' }, 'VICTIM')).toEqual(IDENTITY);
    expect(readable(actor(type), 'SUSPECT')).toEqual(IDENTITY);
  });

  test('the withholding rule names its reason, which the API answers as PURPOSE_REQUIRED', () => {
    const rule = defineAbilityFor(actor('LAW_ENFORCEMENT')).relevantRuleFor('read', person('VICTIM'), 'fullName');
    expect(rule?.inverted).toBe(true);
    expect(rule?.reason).toBe('PURPOSE_REQUIRED');
  });

  test('a purpose opens nothing an agency type may not read', () => {
    const withPurpose = (type: AgencyType): Actor => ({ ...actor(type), purpose: 'screening' });
    expect(readable(withPurpose('FINANCIAL_INSTITUTION'), 'VICTIM')).toEqual([]);
    expect(readable(withPurpose('HUB_ANALYST'), 'VICTIM')).toEqual([]);
    expect(readable(withPurpose('HUB_ADMIN'), 'VICTIM')).toEqual([]);
  });
});

/**
 * The SQL side of enforcement (policies/enforce.ts) composes a subject's rules as "some allow, and no
 * deny", while CASL, which projects fields, takes the first matching rule in priority order (the
 * later a rule is declared, the higher). The two agree only if every deny outranks every allow it
 * overlaps: declared after it. Checked here for every agency type and role, with and without a
 * stated purpose, so that a rule declared in the other order fails here rather than making a list
 * and its projection disagree.
 */
describe('every deny is declared after the allows it overlaps', () => {
  type Rule = ReturnType<typeof defineAbilityFor>['rules'][number];
  const ANY = ['all', 'manage'];
  const overlap = (a: unknown, b: unknown) => {
    if (a === undefined || b === undefined) return true;
    const [as, bs] = [([] as unknown[]).concat(a), ([] as unknown[]).concat(b)];
    return [...as, ...bs].some((x) => ANY.includes(x as string)) || as.some((x) => bs.includes(x));
  };
  /** Allows declared after a deny they overlap (action, subject and fields): they outrank it in CASL. */
  const outranking = (rules: readonly Rule[]) =>
    rules.flatMap((deny, i) =>
      deny.inverted
        ? rules
            .slice(i + 1)
            .filter(
              (allow) => !allow.inverted && overlap(allow.action, deny.action) && overlap(allow.subject, deny.subject) && overlap(allow.fields, deny.fields),
            )
            .map((allow) => `${JSON.stringify(allow)} after ${JSON.stringify(deny)}`)
        : [],
    );

  test.each(AGENCY_TYPES.flatMap((agencyType) => ROLES.flatMap((role) => [undefined, 'investigation'].map((purpose) => [agencyType, role, purpose] as const))))(
    '%s %s, purpose %s',
    (agencyType, role, purpose) => {
      const ability = defineAbilityFor({ userId: 'u', agencyId: 'a', agencyType, role, groupIds: [], ...(purpose ? { purpose } : {}) });
      expect(outranking(ability.rules)).toEqual([]);
    },
  );

  test('finds an allow declared after a deny it overlaps', () => {
    const deny = { action: 'read', subject: 'Person', fields: ['fullName'], inverted: true, conditions: { role: 'VICTIM' } };
    const allow = { action: 'read', subject: 'Person', fields: ['fullName', 'pseudonym'] };
    expect(outranking(createMongoAbility([deny, allow]).rules as Rule[])).toHaveLength(1);
    expect(outranking(createMongoAbility([allow, deny]).rules as Rule[])).toEqual([]);
  });
});
