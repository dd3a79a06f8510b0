import { defineAbilityFor } from './ability';
import { AGENCY_TYPES, type Actor, type AgencyType } from './actor';
import type { AppAbility } from './rules';
import { ACTIONS, SUBJECT_FIELDS, SUBJECTS, type SubjectType } from './subjects';

const OWN_AGENCY = '00000000-0000-4000-8000-00000000a9e1';
const SELF = '00000000-0000-4000-8000-0000000005e1';

function representative(agencyType: AgencyType): Actor {
  return { userId: SELF, agencyId: OWN_AGENCY, agencyType, role: 'CONTRIBUTOR', groupIds: [] };
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
  if (allows.some((r) => !r.conditions)) return 'yes';
  return `if ${allows.map((r) => describeConditions(r.conditions as Record<string, unknown>)).join(' or ')}`;
}

/**
 * The access matrix (agency type × subject × field × action) generated from the rules themselves,
 * so the document cannot drift from the code: a test regenerates it and compares.
 */
export function accessMatrixMarkdown(): string {
  const abilities = AGENCY_TYPES.map((t) => [t, defineAbilityFor(representative(t))] as const);
  const out: string[] = [
    '# Access matrix',
    '',
    'Generated from `policies/` by `npm run docs:access-matrix`; a test fails when this file and the rules disagree.',
    'Layer 1 only (agency type and role CONTRIBUTOR): a record must also reach the caller by TLP marking,',
    'ownership, sharing or grant (`policies/reach.ts`). VIEWER users have the same reads and no create/update/withdraw.',
    '`owner` means the record is owned by the caller\'s agency; other conditions name record attributes.',
    '',
  ];
  const header = `| field | ${AGENCY_TYPES.join(' | ')} |`;
  const rule = `|---|${AGENCY_TYPES.map(() => '---').join('|')}|`;
  for (const subject of SUBJECTS) {
    out.push(`## ${subject}`, '', header, rule);
    for (const field of SUBJECT_FIELDS[subject]) {
      out.push(`| read \`${field}\` | ${abilities.map(([, a]) => cell(a, 'read', subject, field)).join(' | ')} |`);
    }
    for (const action of ACTIONS.filter((a) => a !== 'read')) {
      out.push(`| **${action}** | ${abilities.map(([, a]) => cell(a, action, subject)).join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
