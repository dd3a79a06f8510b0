/**
 * Layer 1 (agency type × field) as a user experiences it: `project(ability, record)` on concrete
 * records. Every row names a situation, a record, fields, and whether the persona reads their values
 * or gets REDACTED. Records default to the least privileged situation (another agency's record, no
 * grant, no link to an own report, no consent) and each row adds the one attribute that should open
 * (or must not open) a field, so every `can(...)` line in `policies/agency-types/` has a row that
 * fails when the line is removed or its condition dropped.
 *
 * Field names are spelled out here on purpose (not imported from subjects.ts), so moving a field into
 * a more widely shared group in subjects.ts makes these tests fail.
 */
import { defineAbilityFor } from './ability';
import type { Actor, AgencyType } from './actor';
import { project, REDACTED } from './enforce';
import { type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from './subjects';

const OWN_AGENCY = 'agency-own';
const OTHER_AGENCY = 'agency-other';
const SELF = 'user-self';
const COLLEAGUE = 'user-colleague';

function actor(agencyType: AgencyType): Actor {
  // With a stated purpose: without one a victim's identity is withheld too (ability.test.ts).
  return { userId: SELF, agencyId: OWN_AGENCY, agencyType, role: 'CONTRIBUTOR', groupIds: ['group-midlands'], purpose: 'case review' };
}

/** A record with a recognisable value in every field of its subject, then the given attributes. */
function record(subject: SubjectType, attrs: Record<string, unknown> = {}): PolicyRecord {
  const r: PolicyRecord = { __typename: subject };
  for (const field of SUBJECT_FIELDS[subject]) r[field] = `${subject}.${field} value`;
  return Object.assign(r, attrs);
}

const other = { ownerAgencyId: OTHER_AGENCY };
const own = { ownerAgencyId: OWN_AGENCY };

const aCase = (a = {}) => record('Case', { ...other, marking: 'AMBER', ...a });
const anEvent = (a = {}) => record('TraffickingEvent', { ...other, marking: 'AMBER', ...a });
const victim = (a = {}) => record('Person', { ...other, role: 'VICTIM', viaGrant: false, linkedToOwnReport: false, ...a });
const suspect = (a = {}) => record('Person', { ...other, role: 'SUSPECT', viaGrant: false, linkedToOwnReport: false, ...a });
const witness = (a = {}) => record('Person', { ...other, role: 'WITNESS', viaGrant: false, linkedToOwnReport: false, ...a });
const entity = (kind: string, a = {}) => record('Entity', { kind, linkedToOwnReport: false, ...a });
const observation = (a = {}) => record('Observation', { ...other, ...a });
const link = (a = {}) => record('Link', { ...other, ...a });
const location = () => record('Location');
const route = (a = {}) => record('Route', { ...other, ...a });
const hotspot = () => record('Hotspot');
const stage = (a = {}) => record('ReferralStage', { ...other, marking: 'AMBER', ...a });
const nrmStats = () => record('NrmStatistics');
const STAGE_ALL = ['caseId', 'personId', 'mechanism', 'stage', 'outcome', 'occurredOn'];
const NRM_COUNTS = [
  'quarter',
  'group',
  'referrals',
  'reasonableGroundsMedianWorkingDays',
  'conclusiveGroundsMedianDays',
  'waitingBeyondReferenceMedian',
  'countSuppressed',
];
const typology = (marking: string, a = {}) => record('Typology', { ...other, ...a, marking });
const txReport = (a = {}) => record('TransactionReport', { ...other, ...a });
const narrative = (a = {}) => record('Narrative', { ...other, consentLawEnforcement: false, consentHub: false, ...a });
const agency = () => record('Agency', { id: OTHER_AGENCY });
const ownUser = () => record('User', { id: SELF });
const colleague = () => record('User', { id: COLLEAGUE });
const issuer = () => record('TrustedIssuer');

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
const IDENTITY = ['fullName', 'dateOfBirth', 'contact', 'documents'];
const PROFILE = ['pseudonym', 'ageBand', 'gender', 'nationality'];
const CASE_TEXT = ['reference', 'summary', 'nrmStage'];
const AGENCY_ALL = ['id', 'slug', 'name', 'type', 'country', 'acceptsAccessRequests'];
const USER_ALL = ['id', 'subject', 'displayName', 'role', 'active'];
const ISSUER_ALL = ['id', 'issuer', 'audience', 'algorithms', 'jwks', 'jwksUri'];

/** [situation, record, fields, reads the value (true) or gets REDACTED (false)] */
type Row = [situation: string, record: PolicyRecord, fields: string[], reads: boolean];

function fieldTable(agencyType: AgencyType, rows: Row[]): void {
  const ability = defineAbilityFor(actor(agencyType));
  test.each(rows.map((row) => [row[0], row[2].join(', '), row[3] ? 'reads' : 'REDACTED', row] as const))(
    '%s: %s → %s',
    (_situation, _fields, _outcome, [, rec, fields, reads]) => {
      const out = project(ability, rec);
      for (const field of fields) {
        expect(SUBJECT_FIELDS[rec.__typename]).toContain(field); // a typo here would make the row vacuous
        expect({ field, value: out[field] }).toEqual({ field, value: reads ? rec[field] : REDACTED });
      }
    },
  );
}

/** Every subject field, for rows that assert a persona sees nothing of a record. */
const all = (subject: SubjectType) => [...SUBJECT_FIELDS[subject]];

describe('LAW_ENFORCEMENT', () => {
  fieldTable('LAW_ENFORCEMENT', [
    ['agency directory', agency(), AGENCY_ALL, true],
    ['own user record', ownUser(), USER_ALL, true],
    ["a colleague's user record", colleague(), USER_ALL, false],
    ['trusted issuers', issuer(), ISSUER_ALL, false],

    ["another agency's case overview", aCase(), ['status', 'exploitationTypes', 'periodStart', 'periodEnd', 'indicators', ...META], true],
    ["another agency's case text", aCase(), CASE_TEXT, true],
    ["another agency's event", anEvent(), ['type', 'occurredOn', 'location', 'description'], true],

    ["another agency's victim profile", victim(), ['caseId', 'role', ...PROFILE], true],
    ["another agency's victim identity", victim(), IDENTITY, false],
    ['victim identity on an own case', victim(own), IDENTITY, true],
    ['victim identity by grant', victim({ viaGrant: true }), IDENTITY, true],
    ["another agency's witness identity", witness(), IDENTITY, false],
    ["another agency's suspect identity", suspect(), IDENTITY, true],

    ['bank account value', entity('BANK_ACCOUNT'), ['value', 'maskedValue', 'kind'], true],
    ['phone value', entity('PHONE'), ['value'], true],
    ["another agency's observation", observation(), ['note', 'sourceId', 'observedAt'], true],
    ["another agency's link", link(), ['kind', 'fromPerson', 'toPerson'], true],
    ['location', location(), ['name', 'latitude', 'longitude'], true],
    ['route with exact counts', route(), ['victimCount', 'caseCount', 'exactCounts'], true],
    ['hotspot with exact counts', hotspot(), ['victimCount', 'caseCount', 'exactCounts'], true],
    ["another agency's victim's referral stage", stage(), [...STAGE_ALL, ...META], true],
    ['NRM statistics with exact counts', nrmStats(), [...NRM_COUNTS, 'exactCounts'], true],
    ['AMBER typology', typology('AMBER'), ['title', 'pattern', 'amountBands'], true],
    ["another agency's transaction report", txReport(), ['parties', 'amount', 'reportCode'], true],

    ['narrative overview without consent', narrative(), ['language', 'indicators', 'consentLawEnforcement', 'withdrawnAt'], true],
    ['narrative text without consent', narrative(), ['text'], false],
    ['narrative text with consent for the hub only', narrative({ consentHub: true }), ['text'], false],
    ['narrative text with consent for law enforcement', narrative({ consentLawEnforcement: true }), ['text'], true],
    ['own narrative text without consent', narrative({ ...own }), ['text'], false],
  ]);
});

describe('FINANCIAL_INSTITUTION', () => {
  fieldTable('FINANCIAL_INSTITUTION', [
    ['agency directory', agency(), AGENCY_ALL, true],
    ['own user record', ownUser(), USER_ALL, true],
    ["a colleague's user record", colleague(), USER_ALL, false],
    ['trusted issuers', issuer(), ISSUER_ALL, false],

    ['case overview', aCase(), ['status', 'exploitationTypes', 'periodStart', 'periodEnd', 'indicators', ...META], true],
    ['case reference, summary and NRM stage', aCase(), CASE_TEXT, false],
    ['event overview', anEvent(), ['type', 'occurredOn', 'location', 'caseId'], true],
    ['event description', anEvent(), ['description'], false],

    ['suspect linked to an own report: name and role', suspect({ linkedToOwnReport: true }), ['fullName', 'role', 'caseId', 'marking'], true],
    ['suspect linked to an own report: other details', suspect({ linkedToOwnReport: true }), ['dateOfBirth', 'contact', 'documents', ...PROFILE], false],
    ['suspect not linked to an own report', suspect(), ['fullName', 'role', 'id'], false],
    ['victim linked to an own report', victim({ linkedToOwnReport: true }), [...IDENTITY, ...PROFILE, 'role'], false],
    ['victim owned by the bank and granted', victim({ ...own, viaGrant: true, linkedToOwnReport: true }), [...IDENTITY, ...PROFILE], false],

    ['phone not linked to an own report', entity('PHONE'), ['id', 'kind', 'maskedValue', 'firstSeenAt'], true],
    ['phone value not linked to an own report', entity('PHONE'), ['value'], false],
    ['bank account value not linked to an own report', entity('BANK_ACCOUNT'), ['value'], false],
    ['bank account value linked to an own report', entity('BANK_ACCOUNT', { linkedToOwnReport: true }), ['value'], true],

    ['own observation', observation(own), ['note', 'sourceId', 'observedAt'], true],
    ["another agency's observation", observation(), ['note', 'sourceId', 'id'], false],
    ['own link', link(own), ['kind', 'fromPerson', 'toPerson'], true],
    ["another agency's link", link(), ['kind', 'fromPerson', 'toPerson', 'id'], false],

    ['location', location(), ['name', 'city', 'latitude'], true],
    ['route aggregates', route(), ['victimCount', 'caseCount', 'countSuppressed'], true],
    ['route exact counts', route(), ['exactCounts'], false],
    ['hotspot aggregates', hotspot(), ['victimCount', 'caseCount', 'countSuppressed'], true],
    ['hotspot exact counts', hotspot(), ['exactCounts'], false],
    ['NRM statistics', nrmStats(), NRM_COUNTS, true],
    ['NRM statistics exact counts', nrmStats(), ['exactCounts'], false],
    ["a victim's referral stages, even on its own record", stage(own), all('ReferralStage'), false],

    ["another agency's AMBER typology", typology('AMBER'), ['title', 'pattern', 'channels', 'amountBands'], true],
    ['own transaction report', txReport(own), ['parties', 'amount', 'reportCode', 'reason'], true],
    ["another bank's transaction report", txReport(), ['parties', 'amount', 'reportCode', 'id'], false],

    ['narrative with every consent, even its own', narrative({ ...own, consentLawEnforcement: true, consentHub: true }), all('Narrative'), false],
  ]);
});

describe('NGO', () => {
  fieldTable('NGO', [
    ['agency directory', agency(), AGENCY_ALL, true],
    ['own user record', ownUser(), USER_ALL, true],
    ["a colleague's user record", colleague(), USER_ALL, false],
    ['trusted issuers', issuer(), ISSUER_ALL, false],

    ["another agency's case overview and text", aCase(), ['status', 'indicators', ...CASE_TEXT], true],
    ["another agency's event", anEvent(), ['type', 'location', 'description'], true],

    ["another agency's victim profile", victim(), ['caseId', 'role', ...PROFILE], true],
    ["another agency's witness profile (only victims' profiles reach NGOs)", witness(), PROFILE, false],
    ["another agency's victim identity", victim(), IDENTITY, false],
    ["another agency's victim identity, even by grant", victim({ viaGrant: true }), IDENTITY, false],
    ['own victim identity', victim(own), IDENTITY, true],
    ["another agency's suspect", suspect({ viaGrant: true, linkedToOwnReport: true }), [...PROFILE, ...IDENTITY, 'role', 'id'], false],
    // Pinned current behaviour, a divergence from access-model.md (NGO × suspect is "—"): a suspect
    // record the NGO contributed itself is readable in full through the owner rule. See the report.
    ['suspect record the NGO contributed itself', suspect(own), [...PROFILE, ...IDENTITY], true],

    ['phone value', entity('PHONE'), ['value'], true],
    ['email value', entity('EMAIL'), ['value'], true],
    ['bank account overview', entity('BANK_ACCOUNT'), ['id', 'kind', 'maskedValue', 'firstSeenAt'], true],
    ['bank account value, even linked to an own report', entity('BANK_ACCOUNT', { linkedToOwnReport: true }), ['value'], false],

    ['own observation', observation(own), ['note', 'sourceId'], true],
    ["another agency's observation", observation(), ['note', 'sourceId', 'id'], false],
    ['own link', link(own), ['fromPerson', 'toPerson'], true],
    ["another agency's link", link(), ['fromPerson', 'toPerson', 'id'], false],

    ['location', location(), ['name', 'latitude'], true],
    ['route aggregates', route(), ['victimCount', 'caseCount'], true],
    ['route exact counts', route(), ['exactCounts'], false],
    ['hotspot aggregates', hotspot(), ['victimCount', 'caseCount'], true],
    ['hotspot exact counts', hotspot(), ['exactCounts'], false],
    ["another agency's victim's referral stage", stage(), [...STAGE_ALL, ...META], true],
    ['NRM statistics', nrmStats(), NRM_COUNTS, true],
    ['NRM statistics exact counts', nrmStats(), ['exactCounts'], false],

    ['CLEAR typology', typology('CLEAR'), ['title', 'pattern', 'indicators', 'channels', 'amountBands'], true],
    ['GREEN typology', typology('GREEN'), ['title', 'pattern', 'amountBands'], true],
    ['AMBER typology', typology('AMBER'), all('Typology'), false],
    ['AMBER_STRICT typology', typology('AMBER_STRICT'), all('Typology'), false],
    ['RED typology', typology('RED'), all('Typology'), false],
    ['transaction report, even its own', txReport(own), all('TransactionReport'), false],

    ["another agency's narrative overview", narrative(), ['language', 'indicators', 'consentHub', 'withdrawnAt'], true],
    ["another agency's narrative text, with every consent", narrative({ consentLawEnforcement: true, consentHub: true }), ['text'], false],
    ['own narrative text, without consent', narrative(own), ['text'], true],
  ]);
});

describe('HUB_ANALYST', () => {
  fieldTable('HUB_ANALYST', [
    ['agency directory', agency(), AGENCY_ALL, true],
    ['own user record', ownUser(), USER_ALL, true],
    ["a colleague's user record", colleague(), USER_ALL, false],
    ['trusted issuers', issuer(), ISSUER_ALL, false],

    ['case overview and text', aCase(), ['status', 'indicators', ...CASE_TEXT], true],
    ['event', anEvent(), ['type', 'description'], true],

    ['victim profile', victim(), ['caseId', 'role', ...PROFILE], true],
    ['victim identity', victim(), IDENTITY, false],
    ['victim identity by grant', victim({ viaGrant: true }), IDENTITY, false],
    ['victim identity on an own record', victim(own), IDENTITY, false],
    ['witness identity', witness(), IDENTITY, false],
    ['suspect identity', suspect(), IDENTITY, true],

    ['bank account value', entity('BANK_ACCOUNT'), ['value', 'maskedValue'], true],
    ["another agency's observation", observation(), ['note', 'sourceId'], true],
    ["another agency's link", link(), ['fromPerson', 'toPerson'], true],
    ['location', location(), ['name', 'latitude'], true],
    ['route with exact counts', route(), ['victimCount', 'exactCounts'], true],
    ['hotspot with exact counts', hotspot(), ['victimCount', 'exactCounts'], true],
    ["a victim's referral stage", stage(), [...STAGE_ALL, ...META], true],
    ['NRM statistics with exact counts', nrmStats(), [...NRM_COUNTS, 'exactCounts'], true],
    ['AMBER typology', typology('AMBER'), ['pattern', 'amountBands'], true],
    ["a bank's transaction report", txReport(), ['parties', 'amount'], true],

    ['narrative overview', narrative(), ['language', 'indicators', 'consentHub'], true],
    ['narrative text with consent for the hub', narrative({ consentHub: true }), ['text'], true],
    ['narrative text with consent for law enforcement only', narrative({ consentLawEnforcement: true }), ['text'], false],
  ]);
});

describe('HUB_ADMIN', () => {
  fieldTable('HUB_ADMIN', [
    ['agency directory', agency(), AGENCY_ALL, true],
    ['own user record', ownUser(), USER_ALL, true],
    ["any user's record", colleague(), USER_ALL, true],
    ['trusted issuers', issuer(), ISSUER_ALL, true],

    // Reads no intelligence at all, whatever the record's attributes.
    ['own CLEAR case', aCase({ ...own, marking: 'CLEAR' }), all('Case'), false],
    ['event', anEvent(own), all('TraffickingEvent'), false],
    ['own suspect, linked and granted', suspect({ ...own, viaGrant: true, linkedToOwnReport: true }), all('Person'), false],
    ['phone', entity('PHONE', { linkedToOwnReport: true }), all('Entity'), false],
    ['own observation', observation(own), all('Observation'), false],
    ['own link', link(own), all('Link'), false],
    ['location', location(), all('Location'), false],
    ['own route', route(own), all('Route'), false],
    ['hotspot', hotspot(), all('Hotspot'), false],
    ['own referral stage', stage(own), all('ReferralStage'), false],
    ['NRM statistics', nrmStats(), all('NrmStatistics'), false],
    ['CLEAR typology', typology('CLEAR', own), all('Typology'), false],
    ['own transaction report', txReport(own), all('TransactionReport'), false],
    ['own narrative with every consent', narrative({ ...own, consentLawEnforcement: true, consentHub: true }), all('Narrative'), false],
  ]);
});

/**
 * The exact set of fields a persona reads on the most sensitive records: a field added to a group
 * that a rule shares (subjects.ts) shows up here as a new readable field.
 */
describe('nothing beyond the intended fields', () => {
  const readable = (agencyType: AgencyType, rec: PolicyRecord) => {
    const out = project(defineAbilityFor(actor(agencyType)), rec);
    return Object.keys(out)
      .filter((k) => k !== '__typename' && out[k] !== REDACTED)
      .sort();
  };
  const sorted = (fields: string[]) => [...fields].sort();
  const DEIDENTIFIED_PERSON = sorted([...META, 'caseId', 'role', ...PROFILE]);

  test.each(['LAW_ENFORCEMENT', 'NGO', 'HUB_ANALYST'] as const)("%s reads only the de-identified profile of another agency's victim", (t) => {
    expect(readable(t, victim())).toEqual(DEIDENTIFIED_PERSON);
  });

  test('HUB_ANALYST reads only the de-identified profile of a victim, even an own or granted one', () => {
    expect(readable('HUB_ANALYST', victim({ ...own, viaGrant: true }))).toEqual(DEIDENTIFIED_PERSON);
  });

  test('FINANCIAL_INSTITUTION reads only the record metadata, case, role and name of a linked suspect', () => {
    expect(readable('FINANCIAL_INSTITUTION', suspect({ linkedToOwnReport: true }))).toEqual(sorted([...META, 'caseId', 'role', 'fullName']));
  });

  test.each(['FINANCIAL_INSTITUTION', 'HUB_ADMIN'] as const)('%s reads nothing of a victim', (t) => {
    expect(readable(t, victim({ ...own, viaGrant: true, linkedToOwnReport: true }))).toEqual([]);
  });

  test('FINANCIAL_INSTITUTION reads only the masked overview of an identifier not linked to its reports', () => {
    expect(readable('FINANCIAL_INSTITUTION', entity('PHONE'))).toEqual(sorted(['id', 'kind', 'maskedValue', 'firstSeenAt']));
  });

  test('NGO reads only the masked overview of a bank account', () => {
    expect(readable('NGO', entity('BANK_ACCOUNT', { linkedToOwnReport: true }))).toEqual(sorted(['id', 'kind', 'maskedValue', 'firstSeenAt']));
  });

  test.each(['LAW_ENFORCEMENT', 'NGO', 'HUB_ANALYST'] as const)("%s reads everything but the text of another agency's narrative without consent", (t) => {
    expect(readable(t, narrative())).toEqual(sorted(all('Narrative').filter((f) => f !== 'text')));
  });

  test('FINANCIAL_INSTITUTION reads no case text', () => {
    expect(readable('FINANCIAL_INSTITUTION', aCase())).toEqual(sorted([...META, 'status', 'exploitationTypes', 'periodStart', 'periodEnd', 'indicators']));
  });
});
