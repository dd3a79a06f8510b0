/**
 * Record-level rules as SQL: compileConditions (rule conditions → predicate), reachSql (TLP,
 * ownership, sharing, grants), visibleRowsSql (both, per subject) and policyAttributeColumns.
 *
 * Reach needs a database to execute, so it is checked structurally here. The agency-type part of
 * visibleRowsSql only uses the small grammar compileConditions emits, so the tests below evaluate
 * it (three-valued, like Postgres) and compare the rows it lets through with CASL's answer on the
 * same record: a list must return exactly the rows whose fields projection can show.
 */
import { createMongoAbility } from '@casl/ability';
import fc from 'fast-check';
import { type AppAbility, defineAbilityFor } from './ability';
import { AGENCY_TYPES, type Actor, type AgencyType, MARKINGS, type Role } from './actor';
import { fieldReadableSql, policyAttributeColumns, visibleRowsSql } from './enforce';
import { reachSql, viaGrantSql } from './reach';
import { type AttributeSql, compileConditions, SqlParams } from './sql';
import { GOVERNANCE_SUBJECTS, isMarkedSubject, MARKED_SUBJECTS, type PolicyRecord, SUBJECTS, type SubjectType } from './subjects';

const OWN_AGENCY = 'agency-own';
const OTHER_AGENCY = 'agency-other';
const SELF = 'user-self';
const GRANTS = 'intel.grants';

function actor(agencyType: AgencyType, role: Role = 'CONTRIBUTOR'): Actor {
  return { userId: SELF, agencyId: OWN_AGENCY, agencyType, role, groupIds: ['group-midlands', 'group-north'] };
}

/** Every attribute a rule uses, as the column `t.<name>` (the evaluator reads it from the row by name). */
const ATTRIBUTE_NAMES = [
  'ownerAgencyId',
  'notifierAgencyId',
  'destinationAgencyId',
  'partnerAgencyId',
  'platformPartner',
  'role',
  'viaGrant',
  'linkedToOwnReport',
  'kind',
  'marking',
  'consentLawEnforcement',
  'consentHub',
  'id',
  // governance subjects
  'requesterAgencyId',
  'targetAgencyId',
  'grantorAgencyId',
  'granteeAgencyId',
  'agencyId',
  'includesOwnAgency',
  'actorUserId',
  'actorAgencyId',
  'recordOwnerAgencyId',
  'disclosedToOwnAgency',
  'agencyType',
  // intelligence products
  'inAudience',
];
const ATTRIBUTES: AttributeSql = Object.fromEntries(ATTRIBUTE_NAMES.map((a) => [a, () => `t.${a}`]));

// ---------------------------------------------------------------------------------------------
// A three-valued evaluator for the predicate grammar compileConditions emits:
//   TRUE | FALSE | x = y | x = ANY(y) | x IS DISTINCT FROM y | x IS NULL | x IS NOT NULL
//   | (e) IS FALSE | (e) IS NOT TRUE | NOT e | e AND e | e OR e | (e),
//   where x is `t.<attribute>` and y is `$n`.
// Anything else throws, which also asserts the compiled SQL stays inside that grammar.
// ---------------------------------------------------------------------------------------------
type SqlValue = unknown; // null is SQL NULL
type Evaluate = (row: Record<string, unknown>, params: readonly unknown[]) => SqlValue;

const and3 = (a: SqlValue, b: SqlValue) => (a === false || b === false ? false : a === null || b === null ? null : true);
const or3 = (a: SqlValue, b: SqlValue) => (a === true || b === true ? true : a === null || b === null ? null : false);
const not3 = (a: SqlValue) => (a === null ? null : !a);
const eq3 = (a: SqlValue, b: SqlValue) => (a === null || b === null ? null : a === b);
const any3 = (a: SqlValue, list: SqlValue) => {
  if (a === null || list === null) return null;
  const items = list as unknown[];
  return items.includes(a) ? true : items.includes(null) ? null : false;
};

function parsePredicate(sql: string): Evaluate {
  const tokens = sql.match(/\$\d+|[A-Za-z_][A-Za-z0-9_.]*|[()=]|\S+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new Error(`expected ${expected ?? 'more'} at token ${i - 1} of: ${sql}`);
    return t;
  };
  const or = (): Evaluate => {
    let left = and();
    while (peek() === 'OR') {
      take();
      const [a, b] = [left, and()];
      left = (r, p) => or3(a(r, p), b(r, p));
    }
    return left;
  };
  const and = (): Evaluate => {
    let left = not();
    while (peek() === 'AND') {
      take();
      const [a, b] = [left, not()];
      left = (r, p) => and3(a(r, p), b(r, p));
    }
    return left;
  };
  const not = (): Evaluate => {
    if (peek() !== 'NOT') return comparison();
    take();
    const a = not();
    return (r, p) => not3(a(r, p));
  };
  const comparison = (): Evaluate => {
    const left = primary();
    if (peek() === '=') {
      take();
      if (peek() === 'ANY') {
        take();
        take('(');
        const list = primary();
        take(')');
        return (r, p) => any3(left(r, p), list(r, p));
      }
      const right = primary();
      return (r, p) => eq3(left(r, p), right(r, p));
    }
    if (peek() === 'IS') {
      take();
      const what = take();
      if (what === 'FALSE') return (r, p) => left(r, p) === false;
      if (what === 'NULL') return (r, p) => left(r, p) === null;
      if (what === 'NOT') {
        const then = take();
        if (then === 'TRUE') return (r, p) => left(r, p) !== true;
        if (then === 'NULL') return (r, p) => left(r, p) !== null;
        throw new Error(`unexpected IS NOT ${then} in: ${sql}`);
      }
      if (what === 'DISTINCT') {
        take('FROM');
        const right = primary();
        return (r, p) => left(r, p) !== right(r, p);
      }
      throw new Error(`unexpected IS ${what} in: ${sql}`);
    }
    return left;
  };
  const primary = (): Evaluate => {
    const t = take();
    if (t === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (t === 'TRUE') return () => true;
    if (t === 'FALSE') return () => false;
    if (/^\$\d+$/.test(t)) {
      const n = Number(t.slice(1));
      return (_r, p) => {
        if (n < 1 || n > p.length) throw new Error(`${t} has no value (${p.length} params)`);
        return p[n - 1] ?? null;
      };
    }
    const column = /^t\.([A-Za-z]+)$/.exec(t);
    if (column) return (r) => r[column[1]!] ?? null;
    throw new Error(`the evaluator does not understand "${t}" in: ${sql}`);
  };
  const evaluate = or();
  if (i !== tokens.length) throw new Error(`trailing "${tokens.slice(i).join(' ')}" in: ${sql}`);
  return evaluate;
}

/** Whether a compiled predicate lets this row through (WHERE keeps only TRUE). */
function passes(sql: string, params: SqlParams, row: Record<string, unknown>): boolean {
  return parsePredicate(sql)(row, params.values) === true;
}

const compile = (conditions: Record<string, unknown> | undefined, params = new SqlParams()) => ({
  sql: compileConditions(conditions, ATTRIBUTES, params),
  params,
});

// ---------------------------------------------------------------------------------------------

describe('SqlParams', () => {
  test('numbers placeholders in the order values are added, after any initial values', () => {
    const params = new SqlParams(['a', 'b']);
    expect(params.add('c')).toBe('$3');
    expect(params.add(['d'])).toBe('$4');
    expect(params.values).toEqual(['a', 'b', 'c', ['d']]);
  });
});

describe('compileConditions', () => {
  test('no conditions is TRUE and adds no parameter', () => {
    for (const c of [undefined, {}]) {
      const { sql, params } = compile(c);
      expect(sql).toBe('TRUE');
      expect(params.values).toEqual([]);
    }
  });

  test('equality binds the value as a parameter, never inline', () => {
    const { sql, params } = compile({ ownerAgencyId: "x' OR '1'='1" });
    expect(sql).toBe('t.ownerAgencyId = $1');
    expect(params.values).toEqual(["x' OR '1'='1"]);
    expect(passes(sql, params, { ownerAgencyId: "x' OR '1'='1" })).toBe(true);
    expect(passes(sql, params, { ownerAgencyId: OTHER_AGENCY })).toBe(false);
  });

  test('$eq is equality', () => {
    const { sql, params } = compile({ role: { $eq: 'SUSPECT' } });
    expect(sql).toBe('t.role = $1');
    expect(params.values).toEqual(['SUSPECT']);
  });

  test('true is the attribute itself, false is IS FALSE: NULL passes neither', () => {
    const yes = compile({ viaGrant: true });
    expect(yes.sql).toBe('(t.viaGrant)');
    expect(yes.params.values).toEqual([]);
    expect([true, false, null].map((v) => passes(yes.sql, yes.params, { viaGrant: v }))).toEqual([true, false, false]);

    const no = compile({ viaGrant: false });
    expect(no.sql).toBe('(t.viaGrant) IS FALSE');
    expect([true, false, null].map((v) => passes(no.sql, no.params, { viaGrant: v }))).toEqual([false, true, false]);
  });

  test('$ne is IS DISTINCT FROM, so a NULL attribute is "not equal" as in CASL', () => {
    const { sql, params } = compile({ role: { $ne: 'SUSPECT' } });
    expect(sql).toBe('t.role IS DISTINCT FROM $1');
    expect(params.values).toEqual(['SUSPECT']);
    expect(['VICTIM', 'SUSPECT', null].map((role) => passes(sql, params, { role }))).toEqual([true, false, true]);
  });

  test('$in is = ANY(array parameter), $nin the same not TRUE: a NULL attribute is in no list of values', () => {
    const inc = compile({ marking: { $in: ['CLEAR', 'GREEN'] } });
    expect(inc.sql).toBe('t.marking = ANY($1)');
    expect(inc.params.values).toEqual([['CLEAR', 'GREEN']]);
    expect([...MARKINGS, null].filter((marking) => passes(inc.sql, inc.params, { marking }))).toEqual(['CLEAR', 'GREEN']);

    const exc = compile({ marking: { $nin: ['CLEAR', 'GREEN'] } });
    expect(exc.sql).toBe('(t.marking = ANY($1)) IS NOT TRUE');
    expect(exc.params.values).toEqual([['CLEAR', 'GREEN']]);
    expect([...MARKINGS, null].filter((marking) => passes(exc.sql, exc.params, { marking }))).toEqual(['AMBER', 'AMBER_STRICT', 'RED', null]);
  });

  test('null is IS NULL, and a list that names null holds a NULL attribute, as in CASL', () => {
    expect(compile({ role: null }).sql).toBe('t.role IS NULL');
    expect(compile({ role: { $eq: null } }).sql).toBe('t.role IS NULL');
    const inc = compile({ role: { $in: ['VICTIM', null] } });
    expect(inc.sql).toBe('(t.role IS NULL OR t.role = ANY($1))');
    expect(inc.params.values).toEqual([['VICTIM']]);
    expect(['VICTIM', 'SUSPECT', null].map((role) => passes(inc.sql, inc.params, { role }))).toEqual([true, false, true]);
    const exc = compile({ role: { $nin: ['VICTIM', null] } });
    expect(exc.sql).toBe('t.role IS NOT NULL AND (t.role = ANY($1)) IS NOT TRUE');
    expect(['VICTIM', 'SUSPECT', null].map((role) => passes(exc.sql, exc.params, { role }))).toEqual([false, true, false]);
  });

  test('several attributes, and several operators on one attribute, are ANDed', () => {
    const { sql, params } = compile({ role: 'SUSPECT', linkedToOwnReport: true, kind: { $ne: 'PHONE', $nin: ['EMAIL'] } });
    expect(sql).toBe('t.role = $1 AND (t.linkedToOwnReport) AND t.kind IS DISTINCT FROM $2 AND (t.kind = ANY($3)) IS NOT TRUE');
    expect(params.values).toEqual(['SUSPECT', 'PHONE', ['EMAIL']]);
    expect(passes(sql, params, { role: 'SUSPECT', linkedToOwnReport: true, kind: 'BANK_ACCOUNT' })).toBe(true);
    expect(passes(sql, params, { role: 'SUSPECT', linkedToOwnReport: false, kind: 'BANK_ACCOUNT' })).toBe(false);
    expect(passes(sql, params, { role: 'SUSPECT', linkedToOwnReport: true, kind: 'EMAIL' })).toBe(false);
  });

  test('nested $or / $and keep their grouping, and parameters are numbered in order of appearance', () => {
    const conditions = {
      ownerAgencyId: OWN_AGENCY,
      $or: [{ role: 'SUSPECT' }, { $and: [{ viaGrant: true }, { marking: { $in: ['AMBER', 'RED'] } }] }, { id: 'p-9' }],
    };
    const { sql, params } = compile(conditions);
    expect(sql).toBe('t.ownerAgencyId = $1 AND ((t.role = $2) OR ((((t.viaGrant)) AND (t.marking = ANY($3)))) OR (t.id = $4))');
    expect(params.values).toEqual([OWN_AGENCY, 'SUSPECT', ['AMBER', 'RED'], 'p-9']);
    const base = { ownerAgencyId: OWN_AGENCY, role: 'VICTIM', viaGrant: false, marking: 'GREEN', id: 'p-1' };
    expect(passes(sql, params, base)).toBe(false);
    expect(passes(sql, params, { ...base, role: 'SUSPECT' })).toBe(true);
    expect(passes(sql, params, { ...base, viaGrant: true })).toBe(false);
    expect(passes(sql, params, { ...base, viaGrant: true, marking: 'RED' })).toBe(true);
    expect(passes(sql, params, { ...base, id: 'p-9' })).toBe(true);
    expect(passes(sql, params, { ...base, ownerAgencyId: OTHER_AGENCY, role: 'SUSPECT' })).toBe(false);
  });

  test('continues the numbering of parameters already in the statement', () => {
    const { sql, params } = compile({ ownerAgencyId: OWN_AGENCY }, new SqlParams(['x', 'y']));
    expect(sql).toBe('t.ownerAgencyId = $3');
    expect(params.values).toEqual(['x', 'y', OWN_AGENCY]);
  });

  test('an operator it cannot translate throws rather than dropping the rule', () => {
    expect(() => compile({ marking: { $gt: 'AMBER' } })).toThrow('Policy condition operator $gt on marking has no SQL translation');
    expect(() => compile({ $or: [{ role: { $regex: 'SUS' } }] })).toThrow(/\$regex on role/);
  });

  test('an array compared by equality throws (use $in)', () => {
    expect(() => compile({ marking: ['CLEAR', 'GREEN'] })).toThrow(/use \$in/);
  });

  test('an attribute without an SQL mapping throws, also inside $or', () => {
    expect(() => compile({ clearance: 'TOP' })).toThrow('Policy condition uses attribute "clearance" that has no SQL mapping');
    expect(() => compile({ $or: [{ role: 'SUSPECT' }, { clearance: 'TOP' }] })).toThrow(/"clearance"/);
  });

  test('evaluates only the attributes a condition uses', () => {
    const used = jest.fn(() => 't.role');
    const unused = jest.fn(() => 'expensive_subquery()');
    compileConditions({ role: 'SUSPECT' }, { role: used, linkedToOwnReport: unused }, new SqlParams());
    expect(used).toHaveBeenCalledTimes(1);
    expect(unused).not.toHaveBeenCalled();
  });
});

describe('reachSql (structure; executing it needs Postgres)', () => {
  const params = new SqlParams();
  const sql = reachSql(actor('NGO'), 'c', GRANTS, params).replace(/\s+/g, ' ');
  const [agency, user, groups] = ['$1', '$2', '$3'];
  const redBranch = /THEN \((.*?)\) ELSE/.exec(sql)?.[1] ?? '';
  const elseBranch = /ELSE (.*) END\)$/.exec(sql)?.[1] ?? '';

  test('binds the actor’s agency, user and groups as parameters', () => {
    expect(params.values).toEqual([OWN_AGENCY, SELF, ['group-midlands', 'group-north']]);
    expect(sql).not.toContain(OWN_AGENCY);
    expect(sql).not.toContain(SELF);
  });

  test('RED reaches only the contributor and the named recipients: no owner agency, sharing or grant', () => {
    expect(sql).toMatch(/^\(CASE WHEN c\.marking = 'RED' THEN/);
    expect(redBranch).toBe(`c.contributor_user_id = ${user} OR ${user} = ANY(c.red_recipient_user_ids)`);
    expect(redBranch).not.toContain(GRANTS);
    expect(redBranch).not.toContain(agency);
  });

  test('CLEAR and GREEN reach every agency; any other marking reaches the owner agency', () => {
    expect(elseBranch).toContain("c.marking IN ('CLEAR', 'GREEN')");
    expect(elseBranch).toContain(`OR c.owner_agency_id = ${agency}`);
  });

  test('only AMBER (not AMBER_STRICT) reaches agencies it was shared with, directly or through a sharing group', () => {
    expect(elseBranch).toContain(`OR (c.marking = 'AMBER' AND (${agency} = ANY(c.shared_with_agency_ids) OR c.shared_with_group_ids && ${groups}::uuid[]))`);
    expect(sql).not.toMatch(/AMBER_STRICT/);
  });

  test('a grant reaches the grantee agency for that record only while unrevoked and unexpired', () => {
    const grant = viaGrantSql('c', GRANTS, agency).replace(/\s+/g, ' ');
    expect(elseBranch.endsWith(`OR ${grant})`)).toBe(true);
    expect(grant).toContain(`FROM ${GRANTS} g`);
    expect(grant).toContain('g.record_id = c.id');
    expect(grant).toContain(`g.grantee_agency_id = ${agency}`);
    expect(grant).toContain('g.revoked_at IS NULL');
    expect(grant).toContain('g.expires_at > now()');
  });
});

describe('visibleRowsSql', () => {
  const opts = { alias: 't', attributes: ATTRIBUTES, grantsTable: GRANTS };

  /** Splits "<reach> AND <agency-type rules>" for a marked subject. */
  /** The reach predicate (marked subjects) and the agency-type part; the latter is TRUE when a rule is unconditional. */
  function split(sql: string) {
    const at = sql.indexOf('END) AND ');
    if (at >= 0) return { reach: sql.slice(0, at + 4), rules: sql.slice(at + 'END) AND '.length) };
    return sql.startsWith('(CASE WHEN') ? { reach: sql, rules: 'TRUE' } : { reach: '', rules: sql };
  }

  test('is FALSE for HUB_ADMIN on every intelligence subject, without touching SQL parameters or the grants table', () => {
    const ability = defineAbilityFor(actor('HUB_ADMIN'));
    for (const subject of ['Case', 'Person', 'Entity', 'Narrative', 'Typology', 'TransactionReport', 'Location'] as const) {
      const params = new SqlParams();
      expect(visibleRowsSql(actor('HUB_ADMIN'), ability, subject, { alias: 't', attributes: {} }, params)).toBe('FALSE');
      expect(params.values).toEqual([]);
    }
  });

  test('refuses a marked subject without its grants table (the reach rule cannot be dropped)', () => {
    const a = actor('LAW_ENFORCEMENT');
    for (const subject of MARKED_SUBJECTS) {
      expect(() => visibleRowsSql(a, defineAbilityFor(a), subject, { alias: 't', attributes: ATTRIBUTES }, new SqlParams())).toThrow(
        `${subject} is a marked subject: visibleRowsSql needs its grants table`,
      );
    }
  });

  test('ANDs the reach predicate in front of the agency-type rules of a marked subject', () => {
    const a = actor('LAW_ENFORCEMENT');
    const params = new SqlParams();
    const sql = visibleRowsSql(a, defineAbilityFor(a), 'Case', opts, params);
    const { reach, rules } = split(sql);
    expect(reach).toBe(reachSql(a, 't', GRANTS, new SqlParams()));
    expect(rules).toBe('TRUE');
    expect(params.values).toEqual([OWN_AGENCY, SELF, a.groupIds]);
  });

  test('an unmarked subject has no reach predicate and needs no grants table', () => {
    const a = actor('FINANCIAL_INSTITUTION');
    const params = new SqlParams();
    const sql = visibleRowsSql(a, defineAbilityFor(a), 'Entity', { alias: 't', attributes: ATTRIBUTES }, params);
    expect(sql).not.toContain('CASE WHEN');
    // The unconditional overview rule makes every row visible; the conditional one is not compiled.
    expect(sql).toBe('TRUE');
    expect(params.values).toEqual([]);
  });

  test('FINANCIAL_INSTITUTION sees only its own transaction reports: the owner condition binds its agency id', () => {
    const a = actor('FINANCIAL_INSTITUTION');
    const params = new SqlParams();
    const sql = visibleRowsSql(a, defineAbilityFor(a), 'TransactionReport', opts, params);
    const { reach, rules } = split(sql);
    expect(reach).toMatch(/^\(CASE WHEN t\.marking = 'RED'/);
    const placeholder = /^\(\(t\.ownerAgencyId = (\$\d+)\)\)$/.exec(rules)?.[1];
    expect(placeholder).toBeDefined();
    expect(params.values[Number(placeholder!.slice(1)) - 1]).toBe(OWN_AGENCY);
    expect(passes(rules, params, { ownerAgencyId: OWN_AGENCY })).toBe(true);
    expect(passes(rules, params, { ownerAgencyId: OTHER_AGENCY })).toBe(false);
  });

  test('FINANCIAL_INSTITUTION lists only suspects linked to its own reports', () => {
    const a = actor('FINANCIAL_INSTITUTION');
    const params = new SqlParams();
    const { rules } = split(visibleRowsSql(a, defineAbilityFor(a), 'Person', opts, params));
    const rows = [
      { role: 'SUSPECT', linkedToOwnReport: true },
      { role: 'SUSPECT', linkedToOwnReport: false },
      { role: 'VICTIM', linkedToOwnReport: true },
    ];
    expect(rows.map((r) => passes(rules, params, r))).toEqual([true, false, false]);
  });

  test('NGO lists only CLEAR and GREEN typologies', () => {
    const a = actor('NGO');
    const params = new SqlParams();
    const { rules } = split(visibleRowsSql(a, defineAbilityFor(a), 'Typology', opts, params));
    expect(MARKINGS.filter((marking) => passes(rules, params, { marking }))).toEqual(['CLEAR', 'GREEN']);
  });

  /**
   * The rows a list returns are exactly the records on which projection shows at least one field:
   * neither rows full of REDACTED (a leak of existence and of counts) nor rows silently missing.
   */
  describe.each(AGENCY_TYPES)('%s: the agency-type part agrees with CASL on every record', (agencyType) => {
    const attribute = <T>(...values: T[]) => fc.constantFrom<T | null>(...values, null);
    const rowArb = fc.record({
      ownerAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      role: attribute('VICTIM', 'SUSPECT', 'WITNESS', 'REPORTER'),
      viaGrant: attribute(true, false),
      linkedToOwnReport: attribute(true, false),
      kind: attribute('PHONE', 'EMAIL', 'BANK_ACCOUNT', 'SOCIAL_PROFILE'),
      marking: attribute(...MARKINGS),
      consentLawEnforcement: attribute(true, false),
      consentHub: attribute(true, false),
      id: attribute(SELF, 'user-colleague'),
      requesterAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      targetAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      grantorAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      granteeAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      agencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      includesOwnAgency: attribute(true, false),
      actorUserId: attribute(SELF, 'user-colleague'),
      actorAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      recordOwnerAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      disclosedToOwnAgency: attribute(true, false),
      agencyType: attribute('LAW_ENFORCEMENT', 'FINANCIAL_INSTITUTION', 'NGO'),
      notifierAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      destinationAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      partnerAgencyId: attribute(OWN_AGENCY, OTHER_AGENCY),
      platformPartner: attribute(true, false),
      inAudience: attribute(true, false),
    });

    // Governance rules depend on the role as well: every role for those subjects.
    const cases = [
      ...SUBJECTS.map((subject) => [subject, 'CONTRIBUTOR'] as const),
      ...GOVERNANCE_SUBJECTS.flatMap((subject) => (['VIEWER', 'SUPERVISOR'] as const).map((role) => [subject, role] as const)),
    ];
    test.each(cases)('%s (%s)', (subject: SubjectType, role: Role) => {
      const a = actor(agencyType, role);
      const ability = defineAbilityFor(a);
      const params = new SqlParams();
      const { reach, rules } = split(visibleRowsSql(a, ability, subject, opts, params));
      expect(reach !== '').toBe(isMarkedSubject(subject) && rules !== 'FALSE');
      const predicate = parsePredicate(rules);
      fc.assert(
        fc.property(rowArb, (row) => {
          const record: PolicyRecord = { __typename: subject, ...row };
          expect({ row, listed: predicate(row, params.values) === true }).toEqual({ row, listed: ability.can('read', record) });
        }),
        { numRuns: 400 },
      );
    });
  });

  /**
   * A deny applies where its condition is TRUE, as in CASL: an attribute that is NULL on a row
   * (a fact unknown there) neither matches an allow nor a deny, in SQL as in projection.
   */
  test('deny rules, on rows and on fields, agree with CASL where an attribute is NULL', () => {
    const ability = createMongoAbility(
      [
        { action: 'read', subject: 'Typology', conditions: { linkedToOwnReport: true } },
        { action: 'read', subject: 'Typology', conditions: { ownerAgencyId: OWN_AGENCY } },
        { action: 'read', subject: 'Typology', inverted: true, conditions: { viaGrant: true } },
        { action: 'read', subject: 'Typology', inverted: true, conditions: { role: 'SUSPECT' } },
        { action: 'read', subject: 'Typology', fields: ['pattern'], inverted: true, conditions: { consentHub: false } },
        { action: 'read', subject: 'Typology', fields: ['pattern'], inverted: true, conditions: { kind: 'PHONE' } },
      ],
      { detectSubjectType: (r) => (r as PolicyRecord).__typename },
    ) as unknown as AppAbility;
    const a = actor('NGO');
    const params = new SqlParams();
    const { rules } = split(visibleRowsSql(a, ability, 'Typology', opts, params));
    const pattern = fieldReadableSql(ability, 'Typology', 'pattern', ATTRIBUTES, params);
    const [listed, readable] = [parsePredicate(rules), parsePredicate(pattern)];
    const value = <T>(...values: T[]) => fc.constantFrom<T | null>(...values, null);
    fc.assert(
      fc.property(
        fc.record({
          linkedToOwnReport: value(true, false),
          ownerAgencyId: value(OWN_AGENCY, OTHER_AGENCY),
          viaGrant: value(true, false),
          role: value('SUSPECT', 'VICTIM'),
          consentHub: value(true, false),
          kind: value('PHONE', 'EMAIL'),
        }),
        (row) => {
          const record: PolicyRecord = { __typename: 'Typology', ...row };
          expect({ row, listed: listed(row, params.values) === true, pattern: readable(row, params.values) === true }).toEqual({
            row,
            listed: ability.can('read', record),
            pattern: ability.can('read', record, 'pattern'),
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  describe('every operator, where attributes are NULL', () => {
    const value = <T>(...values: T[]) => fc.constantFrom<T | null>(...values, null);
    /** Conditions of each form compileConditions accepts, over `role` (VICTIM, SUSPECT or NULL on a row). */
    const condition = fc.constantFrom<Record<string, unknown>>(
      { role: 'VICTIM' },
      { role: null },
      { role: { $eq: 'VICTIM' } },
      { role: { $eq: null } },
      { role: { $ne: 'VICTIM' } },
      { role: { $ne: null } },
      { role: { $in: ['VICTIM'] } },
      { role: { $in: ['VICTIM', null] } },
      { role: { $nin: ['VICTIM'] } },
      { role: { $nin: ['VICTIM', null] } },
      { viaGrant: true },
      { viaGrant: false },
    );

    /**
     * A list shows exactly the rows CASL can read, and a field is readable in SQL (what filters, searches
     * and sorts are confined to) exactly where CASL lets projection show it: whatever the operator, in an
     * allow or a deny, on a row whose attribute is NULL as on any other.
     */
    test('in allows and denies, on rows and on fields', () => {
      fc.assert(
        fc.property(
          condition,
          condition,
          condition,
          fc.record({ role: value('VICTIM', 'SUSPECT'), viaGrant: value(true, false) }),
          (allow, rowDeny, fieldDeny, row) => {
            const ability = createMongoAbility(
              [
                { action: 'read', subject: 'Typology', conditions: allow },
                { action: 'read', subject: 'Typology', inverted: true, conditions: rowDeny },
                { action: 'read', subject: 'Typology', fields: ['pattern'], inverted: true, conditions: fieldDeny },
              ],
              { detectSubjectType: (r) => (r as PolicyRecord).__typename },
            ) as unknown as AppAbility;
            const params = new SqlParams();
            const { rules } = split(visibleRowsSql(actor('NGO'), ability, 'Typology', opts, params));
            const pattern = fieldReadableSql(ability, 'Typology', 'pattern', ATTRIBUTES, params);
            const record: PolicyRecord = { __typename: 'Typology', ...row };
            expect({
              listed: parsePredicate(rules)(row, params.values) === true,
              pattern: parsePredicate(pattern)(row, params.values) === true,
            }).toEqual({ listed: ability.can('read', record), pattern: ability.can('read', record, 'pattern') });
          },
        ),
        { numRuns: 600 },
      );
    });
  });
});

describe('policyAttributeColumns', () => {
  const columnsFor = (agencyType: AgencyType, subject: SubjectType, attributes: AttributeSql = ATTRIBUTES) =>
    policyAttributeColumns(defineAbilityFor(actor(agencyType)), subject, attributes);

  test('selects each attribute the read rules use, once, under its own name', () => {
    expect(columnsFor('FINANCIAL_INSTITUTION', 'Entity')).toBe(', (t.linkedToOwnReport) AS "linkedToOwnReport"');
    const person = columnsFor('LAW_ENFORCEMENT', 'Person');
    expect(person.startsWith(', ')).toBe(true);
    expect(person.slice(2).split(', ').sort()).toEqual(['(t.ownerAgencyId) AS "ownerAgencyId"', '(t.role) AS "role"', '(t.viaGrant) AS "viaGrant"']);
    expect(columnsFor('NGO', 'Typology')).toBe(', (t.marking) AS "marking"');
    expect(columnsFor('HUB_ANALYST', 'Narrative')).toBe(', (t.consentHub) AS "consentHub"');
  });

  test('selects the attributes of deny rules on fields too, which projection evaluates', () => {
    const ability = createMongoAbility(
      [
        { action: 'read', subject: 'Person' },
        { action: 'read', subject: 'Person', fields: ['fullName'], inverted: true, conditions: { viaGrant: true } },
      ],
      { detectSubjectType: (r) => (r as PolicyRecord).__typename },
    ) as unknown as AppAbility;
    expect(policyAttributeColumns(ability, 'Person', ATTRIBUTES)).toBe(', (t.viaGrant) AS "viaGrant"');
  });

  test('is empty when no read rule has a condition', () => {
    expect(columnsFor('LAW_ENFORCEMENT', 'Case')).toBe('');
    expect(columnsFor('HUB_ADMIN', 'Case')).toBe('');
  });

  test('throws when a rule uses an attribute with no SQL mapping (projection would silently redact otherwise)', () => {
    expect(() => columnsFor('FINANCIAL_INSTITUTION', 'Entity', { kind: () => 't.kind' })).toThrow(
      'Policy condition uses attribute "linkedToOwnReport" that has no SQL mapping',
    );
  });
});
