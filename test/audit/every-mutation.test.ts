import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import { exportJWK, generateKeyPair } from 'jose';
import { OPRFClient } from '@cloudflare/voprf-ts';
import { verifyChain } from '../../services/audit/chain';
import { CRYPTO, oprfInput, SUITE } from '../../services/entities/private-screening.protocol';
import { isoWeekOf } from '../../services/routes/campaign.service';
import type { AuditAction } from '../../services/kernel/audit';
import { iban } from '../leaks/support';
import { PUBLIC_AGENCY_ID } from '../../policies/actor';
import { codes, postGraphQL, startTestHub, type TestHub } from '../support/hub';
import { solvedChallenge } from '../support/public';
import { ask, type AuditRow, eventsOf, failAuditFor, HANDLING } from './support';

/**
 * Every mutation of the composed schema writes its audit events in the transaction of its change.
 * The mutations are read from the checked-in supergraph, so a mutation added to any subgraph fails
 * here until it has a call in CALLS, with the events it must write. Each call runs twice: first with
 * the audit store failing (the mutation must fail and change nothing in any schema), then normally
 * (it must succeed and its events must be on the trail, with who acted and why).
 */

const SUPERGRAPH = path.join(__dirname, '../../schema/supergraph.graphql');

function mutationsOfSupergraph(): string[] {
  const doc = parse(fs.readFileSync(SUPERGRAPH, 'utf8'));
  const names: string[] = [];
  for (const d of doc.definitions) {
    if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Mutation') {
      names.push(...(d.fields ?? []).map((f) => f.name.value));
    }
  }
  return names;
}

type Vars = Record<string, unknown>;
type Data = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Call {
  persona: string;
  query: string;
  variables: () => Vars | Promise<Vars>;
  /** Events the call must write: [action, subject type]. */
  writes: Array<[AuditAction, string]>;
  /** Keeps what later calls need from the answer. */
  then?: (data: Data) => void;
}

let hub: TestHub;
const kept: Record<string, string> = {};
const ids = (key: string) => hub.demo.ids[key]!;
const agency = (slug: string) => hub.demo.agencies[slug]!.id;
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

/** One statement of setup through the API (not itself under test). */
async function must<T = Data>(persona: string, query: string, variables: Vars): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
  return r.data;
}

const REQUEST = `mutation($input: RequestAccessInput!) { requestAccess(input: $input) { id } }`;
const requestFrom = (requester: string, email: string) =>
  must<{ requestAccess: { id: string } }>(requester, REQUEST, {
    input: {
      toAgencyId: agency('politia-romana'),
      identifier: { kind: 'EMAIL', value: email },
      purpose: 'Every-mutation audit test: same identifier as our case',
    },
  });

const report = (n: number) => ({
  handling: HANDLING,
  reportCode: 'STR',
  reason: `Every-mutation audit report ${n}: structured cash deposits`,
  amount: 1200,
  currency: 'GBP',
  parties: [
    { name: `Audit subject ${n}`, significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: iban('GB', `ALBN6077${String(n).padStart(10, '0')}`) } },
  ],
});

const NARRATIVE_TEXT = 'Every-mutation audit narrative. She was told to call +44 7700 900654 every night and to hand over her passport.';

/** Calls made by the anonymous public: no token, no purpose, no request id of their own. */
const PUBLIC_PERSONA = 'public';

/** In the order they run: a call may use what an earlier one kept. */
const CALLS: Record<string, Call> = {
  registerAgency: {
    persona: 'tessera-admin',
    query: `mutation($input: RegisterAgencyInput!) { registerAgency(input: $input) { id } }`,
    variables: () => ({ input: { slug: 'audit-test-agency', name: 'Audit test agency', type: 'NGO', country: 'GB' } }),
    writes: [['COLLECT', 'Agency']],
    then: (d) => (kept.agency = d.registerAgency.id),
  },
  registerUser: {
    persona: 'tessera-admin',
    query: `mutation($input: RegisterUserInput!) { registerUser(input: $input) { id } }`,
    variables: () => ({ input: { agencyId: kept.agency, subject: 'audit-test-user', displayName: 'Audit test user', role: 'CONTRIBUTOR' } }),
    writes: [['COLLECT', 'User']],
    then: (d) => (kept.user = d.registerUser.id),
  },
  setUserActive: {
    persona: 'tessera-admin',
    query: `mutation($id: ID!) { setUserActive(id: $id, active: false) { id } }`,
    variables: () => ({ id: kept.user }),
    writes: [['ALTER', 'User']],
  },
  registerTrustedIssuer: {
    persona: 'tessera-admin',
    query: `mutation($input: RegisterTrustedIssuerInput!) { registerTrustedIssuer(input: $input) { id } }`,
    variables: async () => {
      const { publicKey } = await generateKeyPair('ES256', { extractable: true });
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'audit-test', alg: 'ES256' }] });
      return { input: { agencyId: kept.agency, issuer: 'https://idp.audit-test.example', audience: 'tessera', algorithms: ['ES256'], jwks } };
    },
    writes: [['COLLECT', 'TrustedIssuer']],
  },
  createSharingGroup: {
    persona: 'tessera-admin',
    query: `mutation { createSharingGroup(slug: "audit-test-group", name: "Audit test group") { id } }`,
    variables: () => ({}),
    writes: [['COLLECT', 'SharingGroup']],
    then: (d) => (kept.group = d.createSharingGroup.id),
  },
  addGroupMember: {
    persona: 'tessera-admin',
    query: `mutation($g: ID!, $a: ID!) { addGroupMember(groupId: $g, agencyId: $a) { id } }`,
    variables: () => ({ g: kept.group, a: agency('met-police') }),
    writes: [['ALTER', 'SharingGroup']],
  },
  removeGroupMember: {
    persona: 'tessera-admin',
    query: `mutation($g: ID!, $a: ID!) { removeGroupMember(groupId: $g, agencyId: $a) { id } }`,
    variables: () => ({ g: kept.group, a: agency('met-police') }),
    writes: [['ALTER', 'SharingGroup']],
  },
  requestAccess: {
    persona: 'met-police',
    query: REQUEST,
    variables: () => ({
      input: {
        toAgencyId: agency('politia-romana'),
        identifier: { kind: 'EMAIL', value: 'recrutare.demo@example.org' },
        purpose: 'Lanterna: same recruiter email as our case',
      },
    }),
    writes: [['COLLECT', 'AccessRequest']],
    then: (d) => (kept.request = d.requestAccess.id),
  },
  grantAccess: {
    persona: 'politia-romana:SUPERVISOR',
    query: `mutation($id: ID!, $r: [RecordRefInput!]!, $e: DateTimeISO!) { grantAccess(requestId: $id, records: $r, expiresAt: $e) { id grants { id } } }`,
    variables: () => ({ id: kept.request, r: [{ subjectType: 'Person', id: ids('person:iasi:V1') }], e: inDays(30) }),
    writes: [
      ['ALTER', 'AccessRequest'],
      ['DISCLOSE', 'Person'],
    ],
    then: (d) => (kept.grant = d.grantAccess.grants[0].id),
  },
  revokeGrant: {
    persona: 'politia-romana',
    query: `mutation($id: ID!) { revokeGrant(grantId: $id) { id } }`,
    variables: () => ({ id: kept.grant }),
    writes: [['ALTER', 'AccessGrant']],
  },
  refuseAccess: {
    persona: 'politia-romana:SUPERVISOR',
    query: `mutation($id: ID!) { refuseAccess(requestId: $id, reason: "No ground to share this one") { id } }`,
    variables: async () => ({ id: (await requestFrom('west-midlands-police', 'recrutare.demo@example.org')).requestAccess.id }),
    writes: [['ALTER', 'AccessRequest']],
  },
  reviewRecord: {
    persona: 'politia-romana:SUPERVISOR',
    query: `mutation($id: ID!) { reviewRecord(subjectType: Case, id: $id, decision: KEEP, reason: "Trial pending") { id } }`,
    variables: () => ({ id: ids('case:iasi') }),
    writes: [['ALTER', 'Case']],
  },
  openCase: {
    persona: 'met-police',
    query: `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`,
    variables: () => ({
      input: { handling: HANDLING, reference: 'AUDIT-EVERY-1', exploitationTypes: ['LABOUR'], persons: [{ role: 'VICTIM', pseudonym: 'AV1' }] },
    }),
    writes: [
      ['COLLECT', 'Case'],
      ['COLLECT', 'Person'],
    ],
    then: (d) => (kept.case = d.openCase.id),
  },
  updateCase: {
    persona: 'met-police',
    query: `mutation($id: ID!) { updateCase(id: $id, input: { status: REFERRED }) { id } }`,
    variables: () => ({ id: kept.case }),
    writes: [['ALTER', 'Case']],
  },
  addPerson: {
    persona: 'met-police',
    query: `mutation($id: ID!) { addPerson(caseId: $id, input: { role: SUSPECT, pseudonym: "AS1" }) { id } }`,
    variables: () => ({ id: kept.case }),
    writes: [['COLLECT', 'Person']],
    then: (d) => (kept.person = d.addPerson.id),
  },
  addTraffickingEvent: {
    persona: 'met-police',
    query: `mutation($id: ID!) { addTraffickingEvent(caseId: $id, input: { type: EXPLOITATION, occurredOn: "2026-02-01" }) { id } }`,
    variables: () => ({ id: kept.case }),
    writes: [['COLLECT', 'TraffickingEvent']],
  },
  recordReferralStage: {
    persona: 'met-police',
    query: `mutation($input: RecordReferralStageInput!) { recordReferralStage(input: $input) { id } }`,
    variables: () => ({
      input: { personId: ids('person:lanterna:V2'), mechanism: 'UK_NRM', stage: 'CONCLUSIVE_GROUNDS', outcome: 'POSITIVE', occurredOn: '2026-03-02' },
    }),
    writes: [
      ['COLLECT', 'ReferralStage'],
      ['ALTER', 'Person'],
    ],
  },
  addCaseEntity: {
    persona: 'met-police',
    query: `mutation($id: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $id, input: $input) { id } }`,
    variables: () => ({ id: kept.case, input: { kind: 'PHONE', value: '+447700900321', linkToPersonId: kept.person } }),
    writes: [
      ['COLLECT', 'Observation'],
      ['COLLECT', 'Link'],
    ],
  },
  contributeNarrative: {
    persona: 'safe-passage',
    query: `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { id proposals { id kind } } }`,
    variables: () => ({
      input: {
        caseId: ids('case:safe-passage'),
        language: 'EN',
        text: NARRATIVE_TEXT,
        consent: { lawEnforcement: true, hub: true, recordedBy: 'Every-mutation audit test' },
        handling: { ...HANDLING, marking: 'GREEN' },
        idempotencyKey: 'audit-every-narrative-1',
      },
    }),
    writes: [['COLLECT', 'Narrative']],
    then: (d) => {
      kept.narrative = d.contributeNarrative.id;
      kept.proposal = d.contributeNarrative.proposals.find((p: { kind: string }) => p.kind === 'IDENTIFIER').id;
    },
  },
  decideProposal: {
    persona: 'safe-passage',
    query: `mutation($id: ID!) { decideProposal(id: $id, decision: CONFIRM) { id status } }`,
    variables: () => ({ id: kept.proposal }),
    writes: [
      ['ALTER', 'NarrativeProposal'],
      ['COLLECT', 'Observation'],
      ['COLLECT', 'Observation'],
    ],
  },
  withdrawConsent: {
    persona: 'safe-passage',
    query: `mutation($id: ID!) { withdrawConsent(id: $id, reason: "The survivor withdrew consent") { id } }`,
    variables: () => ({ id: kept.narrative }),
    writes: [
      ['ERASE', 'Narrative'],
      ['ERASE', 'Observation'],
      ['ERASE', 'Entity'],
    ],
  },
  publishRoute: {
    persona: 'tessera-hub',
    query: `mutation($input: PublishRouteInput!) { publishRoute(input: $input) { id } }`,
    variables: () => ({
      input: {
        handling: { ...HANDLING, marking: 'GREEN' },
        originLocationId: hub.demo.locations.iasi,
        destinationLocationId: hub.demo.locations.london,
        exploitationTypes: ['SEXUAL'],
        victimCount: 2,
        caseCount: 1,
      },
    }),
    writes: [['COLLECT', 'Route']],
  },
  submitTypology: {
    persona: 'albion-bank',
    query: `mutation($input: SubmitTypologyInput!) { submitTypology(input: $input) { id } }`,
    variables: () => ({
      input: {
        handling: { ...HANDLING, marking: 'GREEN' },
        title: 'Audit test pattern',
        pattern: 'Many small deposits moved on quickly',
        idempotencyKey: 'audit-every-typology-1',
      },
    }),
    writes: [['COLLECT', 'Typology']],
  },
  submitTransactionReport: {
    persona: 'albion-bank',
    query: `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`,
    variables: () => ({ input: { ...report(1), idempotencyKey: 'audit-every-report-1' } }),
    writes: [['COLLECT', 'TransactionReport']],
  },
  submitTransactionReports: {
    persona: 'albion-bank',
    query: `mutation($input: SubmitTransactionReportsInput!) { submitTransactionReports(input: $input) { id } }`,
    variables: () => ({ input: { idempotencyKey: 'audit-every-batch-1', reports: [report(2), report(3)] } }),
    writes: [['COLLECT', 'TransactionReport']],
  },
  importTransactionReports: {
    persona: 'albion-bank',
    query: `mutation($input: ImportTransactionReportsInput!) { importTransactionReports(input: $input) { submission { id } } }`,
    variables: () => ({
      input: {
        idempotencyKey: 'audit-every-import-1',
        format: 'GOAML_XML',
        content: fs.readFileSync(path.join(__dirname, '../fixtures/goaml/sar-activity.xml'), 'utf8'),
        handling: HANDLING,
      },
    }),
    writes: [['COLLECT', 'TransactionReport']],
  },
  importAdverts: {
    persona: 'tessera-hub',
    query: `mutation($input: ImportAdvertsInput!) { importAdverts(input: $input) { id } }`,
    variables: () => ({
      input: {
        format: 'NDJSON',
        country: 'RO',
        content: JSON.stringify({ site: 'audit.example', advertId: 'A-1', firstSeen: '2026-05-01', phones: ['0733 000 111'], collector: 'audit collector' }),
        handling: HANDLING,
      },
    }),
    // One event per advert: its observations and links are written under it (docs/adverts.md).
    writes: [['COLLECT', 'Advert']],
  },
  computeAdvertLeads: {
    persona: 'tessera-hub',
    query: `mutation { computeAdvertLeads { networkCount } }`,
    variables: () => ({}),
    writes: [['COMBINE', 'AdvertLeadComputation']],
  },
  submitPublicReport: {
    persona: PUBLIC_PERSONA,
    query: `mutation($input: SubmitPublicReportInput!) { submitPublicReport(input: $input) { receiptCode } }`,
    variables: async () => ({
      input: {
        story: 'Every-mutation audit public report: lights on all night at the packing plant.',
        language: 'en',
        contact: 'audit.reporter@example.org',
        ...(await solvedChallenge(hub)),
      },
    }),
    writes: [['COLLECT', 'PublicReport']],
    then: (d) => (kept.receipt = d.submitPublicReport.receiptCode),
  },
  addToPublicReport: {
    persona: PUBLIC_PERSONA,
    query: `mutation($input: AddToPublicReportInput!) { addToPublicReport(input: $input) { additionCount } }`,
    variables: async () => ({ input: { receiptCode: kept.receipt, text: 'Every-mutation audit addition: a second van.', ...(await solvedChallenge(hub)) } }),
    writes: [['ALTER', 'PublicReport']],
  },
  notifyCase: {
    persona: 'spitalul-iasi',
    query: `mutation($input: NotifyCaseInput!) { notifyCase(input: $input) { id } }`,
    variables: () => ({
      input: {
        destinationAgencyId: agency('lumina-ro'),
        indicators: ['DEBT_BONDAGE'],
        summary: 'Every-mutation audit notification: a patient owes his employer for his travel.',
        idempotencyKey: 'every-mutation-notify-1',
      },
    }),
    writes: [
      ['COLLECT', 'Notification'],
      ['DISCLOSE', 'Notification'],
    ],
    then: (d) => (kept.notification = d.notifyCase.id),
  },
  updateNotificationStatus: {
    persona: 'lumina-ro',
    query: `mutation($id: ID!) { updateNotificationStatus(id: $id, status: ASSESSED, outcome: "Every-mutation audit outcome") { id } }`,
    variables: () => ({ id: kept.notification }),
    writes: [['ALTER', 'Notification']],
  },
  decideTriage: {
    persona: 'tessera-hub',
    query: `mutation($input: DecideTriageInput!) { decideTriage(input: $input) { id } }`,
    variables: () => ({
      input: {
        reportId: ids('publicReport:years-ago-leicester'),
        decision: 'OPEN_CASE',
        intelligenceAssessment: 'C',
        newCase: { exploitationTypes: ['SEXUAL'], summary: 'Every-mutation audit: a case opened from a public report.' },
      },
    }),
    writes: [
      ['COLLECT', 'Case'],
      ['COLLECT', 'TriageDecision'],
      ['ALTER', 'PublicReport'],
    ],
  },
  createCampaign: {
    persona: 'tessera-hub',
    query: `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
    variables: () => ({
      input: {
        name: 'Every-mutation audit campaign',
        goal: 'Audit of a campaign',
        partnerAgencyId: agency('lumina-ro'),
        languages: ['ro'],
        channels: ['SOCIAL_MEDIA'],
        startsOn: inDays(-10).slice(0, 10),
        endsOn: inDays(20).slice(0, 10),
        targetLocationIds: [hub.demo.locations.iasi],
        idempotencyKey: 'every-mutation-campaign-1',
      },
    }),
    writes: [
      ['COLLECT', 'Campaign'],
      ['DISCLOSE', 'Campaign'],
    ],
    then: (d) => (kept.campaign = d.createCampaign.id),
  },
  updateCampaign: {
    persona: 'tessera-hub',
    query: `mutation($id: ID!) { updateCampaign(id: $id, input: { goal: "Every-mutation audit: a changed goal" }) { id } }`,
    variables: () => ({ id: kept.campaign }),
    writes: [['ALTER', 'Campaign']],
  },
  recordCampaignReach: {
    persona: 'lumina-ro',
    query: `mutation($input: RecordCampaignReachInput!) { recordCampaignReach(input: $input) { id } }`,
    variables: () => ({
      input: { campaignId: kept.campaign, locationId: hub.demo.locations.iasi, isoWeek: isoWeekOf(inDays(0).slice(0, 10)), peopleReached: 10, partnerCalls: 1 },
    }),
    writes: [
      ['COLLECT', 'CampaignReach'],
      ['DISCLOSE', 'CampaignReach'],
    ],
  },
  createScreeningJob: {
    persona: 'albion-bank',
    query: `mutation($reference: String!) { createScreeningJob(reference: $reference) { id } }`,
    variables: () => ({ reference: 'audit-every-screening-1' }),
    writes: [['COLLECT', 'ScreeningJob']],
    then: (d) => (kept.screeningJob = d.createScreeningJob.id),
  },
  appendScreeningChunk: {
    persona: 'albion-bank',
    query: `mutation($jobId: ID!, $ids: [IdentifierInput!]!) { appendScreeningChunk(jobId: $jobId, chunk: 0, identifiers: $ids) { identifierCount } }`,
    variables: () => ({ jobId: kept.screeningJob, ids: [{ kind: 'PHONE', value: '+44 7700 900321' }] }),
    writes: [['CONSULT', 'ScreeningJob']],
  },
  closeScreeningJob: {
    persona: 'albion-bank',
    query: `mutation($jobId: ID!) { closeScreeningJob(jobId: $jobId) { status } }`,
    variables: () => ({ jobId: kept.screeningJob }),
    writes: [['ALTER', 'ScreeningJob']],
  },
  evaluatePrivateScreening: {
    persona: 'albion-bank',
    query: `mutation($input: EvaluatePrivateScreeningInput!) { evaluatePrivateScreening(input: $input) { elements } }`,
    variables: async () => {
      const [, request] = await new OPRFClient(SUITE, CRYPTO).blind([oprfInput('PHONE', '+447700900321')]);
      return { input: { request: Buffer.from(request.serialize()).toString('base64'), idempotencyKey: 'every-mutation-private-screening' } };
    },
    writes: [['CONSULT', 'PrivateScreening']],
  },
  publishIntelligenceReport: {
    persona: 'tessera-hub',
    query: `mutation($input: PublishReportInput!) { publishIntelligenceReport(input: $input) { id } }`,
    variables: () => ({
      input: {
        marking: 'GREEN',
        audience: { agencyTypes: ['NGO'], agencyIds: [agency('albion-bank')] },
        content: {
          title: 'Every-mutation audit report',
          summary: 'Recruitment through false offers at a packing plant.',
          body: 'Assessment.',
          linkedCaseIds: [ids('case:iasi')],
          periodStart: '2025-01-01',
          periodEnd: '2025-12-31',
        },
        idempotencyKey: 'every-mutation-report-1',
      },
    }),
    writes: [
      ['COLLECT', 'IntelligenceReport'],
      ['COLLECT', 'IntelligenceReportVersion'],
      ['DISCLOSE', 'IntelligenceReport'],
    ],
    then: (d) => (kept.report = d.publishIntelligenceReport.id),
  },
  reviseIntelligenceReport: {
    persona: 'tessera-hub',
    query: `mutation($id: ID!, $input: ReviseReportInput!) { reviseIntelligenceReport(id: $id, input: $input) { id } }`,
    variables: () => ({
      id: kept.report,
      input: {
        content: { title: 'Every-mutation audit report, v2', summary: 'Revised.', body: 'Assessment.', periodStart: '2025-01-01', periodEnd: '2025-12-31' },
        idempotencyKey: 'every-mutation-report-1-v2',
      },
    }),
    writes: [
      ['ALTER', 'IntelligenceReport'],
      ['COLLECT', 'IntelligenceReportVersion'],
    ],
  },
  recordReportFeedback: {
    persona: 'safe-passage',
    query: `mutation($id: ID!, $input: ReportFeedbackInput!) { recordReportFeedback(reportId: $id, input: $input) { id } }`,
    variables: () => ({ id: kept.report, input: { useful: true, safeguardedPersons: 2, idempotencyKey: 'every-mutation-feedback-1' } }),
    writes: [
      ['COLLECT', 'ReportFeedback'],
      ['DISCLOSE', 'ReportFeedback'],
    ],
  },
  withdrawIntelligenceReport: {
    persona: 'tessera-hub',
    query: `mutation($id: ID!) { withdrawIntelligenceReport(id: $id, reason: "Every-mutation audit withdrawal") { id } }`,
    variables: () => ({ id: kept.report }),
    writes: [['ALTER', 'IntelligenceReport']],
  },
};

/** A digest of every row of every table outside the audit trail: equal digests, no change. */
async function stateDigest(): Promise<string> {
  const tables = await hub.db.query<{ t: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS t FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema', 'audit')
       -- A proof-of-work challenge is spent by its first use, whatever becomes of the request (services/intake).
       AND format('%I.%I', table_schema, table_name) <> 'intake.spent_challenges' ORDER BY 1`,
  );
  const parts = await hub.db.query<{ d: string }>(
    tables.map((x) => `SELECT '${x.t}' || ':' || coalesce(md5(string_agg(r::text, '|' ORDER BY r::text)), '') AS d FROM ${x.t} r`).join(' UNION ALL '),
  );
  return parts
    .map((p) => p.d)
    .sort()
    .join('\n');
}

const PURPOSE = 'Every-mutation audit test';

function askPublic<T = Record<string, unknown>>(query: string, variables: Vars) {
  return postGraphQL<T>(hub.url, {}, query, variables);
}

/** The public's events after `seq` (its requests carry the gateway's own request id, which it does not return). */
function publicEventsAfter(seq: string): Promise<AuditRow[]> {
  return hub.db.query<AuditRow>(
    `SELECT seq::text AS seq, action, actor_user_id::text AS actor_user_id, actor_agency_id::text AS actor_agency_id, subject_type, subject_id,
       record_owner_agency_id::text AS record_owner_agency_id, recipients::text[] AS recipients, purpose, fields, request_id
     FROM audit.events WHERE seq > $1::bigint AND actor_agency_id = $2 ORDER BY seq`,
    [seq, PUBLIC_AGENCY_ID],
  );
}
const NO_AUDIT = 'every mutation: no audit, no change';

describe('every mutation of the composed schema is audited in its own transaction', () => {
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  }, 60_000);
  afterAll(() => hub.stop());

  test('every mutation in schema/supergraph.graphql has a call in this test, and every call names a mutation of the schema', () => {
    const mutations = mutationsOfSupergraph();
    expect(mutations.length).toBeGreaterThan(20);
    expect(mutations.filter((m) => !(m in CALLS))).toEqual([]);
    expect(Object.keys(CALLS).filter((m) => !mutations.includes(m))).toEqual([]);
    for (const call of Object.values(CALLS)) expect(call.writes.length).toBeGreaterThan(0);
  });

  test.each(Object.keys(CALLS))('%s: without its audit it changes nothing; with it, its events are on the trail', async (name) => {
    const call = CALLS[name]!;
    const variables = await call.variables();

    const anonymous = call.persona === PUBLIC_PERSONA;
    const before = await stateDigest();
    // The public states no purpose (nor keeps a request id): its appends are failed by their actor.
    const restore = await failAuditFor(hub, NO_AUDIT, anonymous ? `NEW.actor_agency_id = '${PUBLIC_AGENCY_ID}'` : undefined);
    try {
      const failed = anonymous ? await askPublic(call.query, variables) : await ask(hub, call.persona, call.query, variables, { purpose: NO_AUDIT });
      expect(codes(failed)).toContain('INTERNAL_SERVER_ERROR');
      expect(failed.data?.[name] ?? null).toBeNull();
    } finally {
      await restore();
    }
    expect(await stateDigest()).toBe(before);

    const lastSeq = await hub.db.query<{ seq: string }>('SELECT coalesce(max(seq), 0)::text AS seq FROM audit.events');
    const r = anonymous
      ? await askPublic<Data>(call.query, await call.variables())
      : await ask<Data>(hub, call.persona, call.query, variables, { purpose: PURPOSE });
    expect(r.errors).toBeUndefined();
    call.then?.(r.data!);
    const events = anonymous ? await publicEventsAfter(lastSeq[0]!.seq) : await eventsOf(hub, (r as unknown as { requestId: string }).requestId);
    const written = events.map((e) => [e.action, e.subject_type]);
    for (const w of call.writes) expect(written).toContainEqual(w);
    const [slug] = call.persona.split(':');
    for (const e of events) {
      expect(e).toMatchObject<Partial<AuditRow>>(
        anonymous ? { actor_agency_id: PUBLIC_AGENCY_ID, purpose: null } : { actor_agency_id: agency(slug!), purpose: PURPOSE },
      );
    }
  });

  test('the chain still verifies, and no event carries a value that was written', async () => {
    expect((await verifyChain(hub.db)).ok).toBe(true);
    const stored = JSON.stringify(await hub.db.query(`SELECT * FROM audit.events WHERE purpose = $1`, [PURPOSE]));
    for (const value of [
      '+447700900654',
      '+447700900321',
      'Audit subject 1',
      'AUDIT-EVERY-1',
      'structured cash deposits',
      'Audit test user',
      'recrutare.demo@example.org',
      'passport',
      'audit.reporter@example.org',
      'packing plant',
      'owes his employer',
    ]) {
      expect(stored).not.toContain(value);
    }
  });
});
