import { defineAbilityFor, PURPOSE_REQUIRED } from './ability';
import { ACTOR_TYPES, type Actor, type ActorType, ROLES, type Role } from './actor';
import type { AppAbility } from './rules';
import { ACTIONS, SUBJECT_FIELDS, SUBJECTS, type SubjectType } from './subjects';

const OWN_AGENCY = '00000000-0000-4000-8000-00000000a9e1';
const SELF = '00000000-0000-4000-8000-0000000005e1';

function representative(agencyType: ActorType, role: Role): Actor {
  return { userId: SELF, agencyId: OWN_AGENCY, agencyType, role, groupIds: [] };
}

function describeValue(v: unknown): string {
  if (v === OWN_AGENCY) return 'own agency';
  if (v === SELF) return 'self';
  if (Array.isArray(v)) return v.map(describeValue).join('/');
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([op, val]) => `${op === '$ne' ? '≠' : op === '$in' ? 'in' : op === '$nin' ? 'not in' : op} ${describeValue(val)}`)
      .join(', ');
  }
  return String(v);
}

function describeConditions(c: Record<string, unknown>): string {
  return Object.entries(c)
    .map(([k, v]) => (k === 'ownerAgencyId' && v === OWN_AGENCY ? 'owner' : typeof v === 'object' ? `${k} ${describeValue(v)}` : `${k}=${describeValue(v)}`))
    .join(' & ');
}

/** 'yes', '—', or 'if …' listing the conditions under which some rule allows it. */
function cell(ability: AppAbility, action: (typeof ACTIONS)[number], subject: SubjectType, field?: string): string {
  const rules = ability.rulesFor(action, subject, field);
  const allows = rules.filter((r) => !r.inverted);
  if (allows.length === 0 || rules.some((r) => r.inverted && !r.conditions)) return '—';
  // An exception is shown only where some allowing rule could match the rows it excepts.
  const disjoint = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    Object.entries(b).some(([k, v]) => typeof v !== 'object' && k in a && typeof a[k] !== 'object' && a[k] !== v);
  const unless = rules
    .filter((r) => r.inverted && r.conditions)
    .filter((r) => allows.some((a) => !a.conditions || !disjoint(a.conditions as Record<string, unknown>, r.conditions as Record<string, unknown>)))
    .map((r) => `, except if ${describeConditions(r.conditions as Record<string, unknown>)}${r.reason === PURPOSE_REQUIRED ? ' and no purpose is stated' : ''}`)
    .join('');
  if (allows.some((r) => !r.conditions)) return `yes${unless}`;
  return `if ${allows.map((r) => describeConditions(r.conditions as Record<string, unknown>)).join(' or ')}${unless}`;
}

/**
 * One cell for every role when they agree, else each group of roles with its own answer
 * ("VIEWER, CONTRIBUTOR: if …; SUPERVISOR: yes"). VIEWERs never write, so write rows compare the others.
 */
function roleCell(byRole: ReadonlyMap<Role, AppAbility>, action: (typeof ACTIONS)[number], subject: SubjectType, field?: string): string {
  const roles = action === 'read' ? ROLES : ROLES.filter((r) => r !== 'VIEWER');
  const answers = new Map<string, Role[]>();
  for (const role of roles) {
    const c = cell(byRole.get(role)!, action, subject, field);
    answers.set(c, [...(answers.get(c) ?? []), role]);
  }
  if (answers.size === 1) return [...answers.keys()][0]!;
  return [...answers].map(([c, rs]) => `${rs.join(', ')}: ${c}`).join('; ');
}

/**
 * The access matrix (agency type × subject × field × action) generated from the rules themselves,
 * so the document cannot drift from the code: a test regenerates it and compares.
 */
export function accessMatrixMarkdown(): string {
  const abilities = ACTOR_TYPES.map((t) => [t, new Map(ROLES.map((role) => [role, defineAbilityFor(representative(t, role))]))] as const);
  const out: string[] = [
    '# Access matrix',
    '',
    'Generated from `policies/` by `npm run docs:access-matrix`; a test fails when this file and the rules disagree.',
    'Layer 1 only (agency type and role): a record must also reach the caller by TLP marking, ownership, sharing',
    'or grant (`policies/reach.ts`). A cell holds one answer for every role, or one per group of roles where they',
    'differ. VIEWER users never create, update or withdraw; write rows compare CONTRIBUTOR and SUPERVISOR.',
    "`owner` means the record is owned by the caller's agency; other conditions name record attributes.",
    'PUBLIC is the anonymous member of the public (no agency, no account), allowed only the public intake fields.',
    '',
  ];
  const header = `| field | ${ACTOR_TYPES.join(' | ')} |`;
  const rule = `|---|${ACTOR_TYPES.map(() => '---').join('|')}|`;
  for (const subject of SUBJECTS) {
    out.push(`## ${subject}`, '', header, rule);
    for (const field of SUBJECT_FIELDS[subject]) {
      out.push(`| read \`${field}\` | ${abilities.map(([, a]) => roleCell(a, 'read', subject, field)).join(' | ')} |`);
    }
    for (const action of ACTIONS.filter((a) => a !== 'read')) {
      out.push(`| **${action}** | ${abilities.map(([, a]) => roleCell(a, action, subject)).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
