import { composeIBAN } from 'ibantools';
import type { Actor, AgencyType, Role } from '../../policies/actor';
import { DEMO_GROUPS } from '../../services/agencies/demo-data';
import { type GatewayKeys, loadGatewayKeys, signActorToken } from '../../services/kernel/actor-token';
import type { DemoRegistry } from '../../services/kernel/subgraph';
import { codes, dataDir, demoRegistry, type GraphQLResult, postGraphQL, type TestHub } from '../support/hub';

/**
 * The leak-test harness. A probe is one access path (a query, list, nested selection, federation
 * reference, filter or sort) to values some personas must never read. For every denied persona the
 * harness sends the probe and checks that
 *   (a) no secret string occurs anywhere in the JSON response (data, errors, extensions), and
 *   (b) the denial has the shape the access model prescribes: null + FORBIDDEN_FIELD at the field's
 *       path, null + NOT_FOUND for a record that does not reach the caller, an empty list, or a
 *       refused query (FORBIDDEN_FIELD, no data) for a filter or sort on a field never readable
 *       (a field readable on some rows only may instead confine the filter to those rows);
 *       no other error code is accepted, and no value ever sits at a path an error names;
 * and for every control persona (the owner or an allowed agency type) it sends the very same probe
 * and checks that every secret IS in the response, which proves the probe can reach the value.
 */

// ---- personas -------------------------------------------------------------------------------

export const FI = ['albion-bank', 'albion-bank:VIEWER', 'banca-carpati'];
export const NGO = ['safe-passage', 'safe-passage:VIEWER', 'lumina-ro'];
export const LE = ['met-police', 'met-police:VIEWER', 'west-midlands-police', 'politia-romana'];
export const HUB_ANALYST = ['tessera-hub', 'tessera-hub:VIEWER'];
export const HUB_ADMIN = ['tessera-admin', 'tessera-admin:VIEWER'];
export const FRONTLINE = ['spitalul-iasi', 'spitalul-iasi:VIEWER', 'leicester-schools'];

// ---- demo ids -------------------------------------------------------------------------------

let registry: DemoRegistry | undefined;
export function demo(): DemoRegistry {
  registry ??= demoRegistry();
  return registry;
}

/** A demo record id (`case:lanterna`, `person:iasi:V1`, ...) or a fixture id registered with `setId`. */
export function id(key: string): string {
  const v = fixtureIds.get(key) ?? demo().ids[key];
  if (!v) throw new Error(`No demo or fixture id ${key}`);
  return v;
}

const fixtureIds = new Map<string, string>();
export function setId(key: string, value: string): void {
  fixtureIds.set(key, value);
}

export function agencyId(slug: string): string {
  const a = demo().agencies[slug];
  if (!a) throw new Error(`No demo agency ${slug}`);
  return a.id;
}

export function groupId(slug: string): string {
  const g = demo().groups[slug];
  if (!g) throw new Error(`No demo group ${slug}`);
  return g;
}

export function userId(persona: string): string {
  const [slug, role = 'CONTRIBUTOR'] = persona.split(':');
  const u = demo().agencies[slug!]?.users[role];
  if (!u) throw new Error(`No demo user for ${persona}`);
  return u;
}

/** The actor the gateway would put in its token for this persona. */
export function actorFor(persona: string): Actor {
  const [slug, role = 'CONTRIBUTOR'] = persona.split(':') as [string, Role?];
  const agency = demo().agencies[slug];
  if (!agency) throw new Error(`No demo agency ${slug}`);
  return {
    userId: userId(persona),
    agencyId: agency.id,
    agencyType: agency.type as AgencyType,
    role: role!,
    groupIds: DEMO_GROUPS.filter((g) => g.members.includes(slug)).map((g) => groupId(g.slug)),
  };
}

// ---- the secrets of the demo scenario (services/*/demo-data.ts) --------------------------------

export const SECRET = {
  lanterna: {
    summary: 'Young Romanian women recruited from Constanța through social media',
    reference: 'MPS-2026-0412 Operation Lanterna',
    v1Name: 'Elena Marinescu',
    v1Dob: '2004-03-17',
    v1Contact: '+447700900471',
    v1Documents: 'RO identity card (held by suspect)',
    v2Name: 'Ioana Dumitrache',
    v2Dob: '2005-11-02',
    s1Name: 'Ionuț Popescu',
    s1Dob: '1996-06-21',
    s2Name: 'Marian Vasilescu',
    s2Dob: '1987-01-30',
    eventDescription: 'Advertised on an adult-services site; flats rotated weekly',
    advertNote: 'Advert for V1 in London',
    phoneNote: 'Booking number on the London adverts',
  },
  midlands: {
    summary: 'Brothels in Leicester and Bedford staffed with women from Iași',
    reference: 'WMP-2026-1187',
    v1Name: 'Maria Stoica',
    v1Dob: '1999-08-09',
    s1Name: 'Ionuț Popescu',
    s1Dob: '1996-06-21',
    eventDescription: 'Brothel above a nail bar',
    phoneNote: 'Booking number on adverts for the Leicester premises',
    s1PhoneNote: 'Called by the Leicester premises daily',
    premises: 'Flat 2, 14 Example Road, Leicester',
  },
  iasi: {
    summary: 'Recruitment network around Iași and Brașov sending women to Sheffield and Leicester.',
    reference: 'DIICOT-IS-2026-77',
    v1Name: 'Andreea Lungu',
    v1Dob: '2006-02-14',
    s1Name: 'Florin Ardeleanu',
    s1Dob: '1993-10-05',
    eventDescription: 'Recruited at a bar',
    emailNote: 'Email used in the job offers',
    ibanNote: 'Account receiving transfers from the UK',
  },
  safePassage: {
    summary: 'Survivor referred by a hospital in London after an injury',
    reference: 'SP-CW-2026-031',
    v1Name: 'Bianca Neagu',
    v1Dob: '2003-07-27',
    v1Contact: 'via Safe Passage caseworker',
    emailNote: 'The "boyfriend" wrote from this address',
  },
  strict: {
    summary: 'Covert source reporting on a controller in Luton.',
    reference: 'MPS-2026-0533',
    conditions: 'Covert source: not for dissemination outside the MPS',
    s1Name: 'Darren Whitfield',
    s1Dob: '1985-12-01',
    phoneNote: "Covert source: the controller's phone",
    covertPhone: '+447700900555',
    covertPhoneNote: 'Covert source: a second handset',
    observedOn: '2026-02-10',
  },
  narrative: {
    /** consent: law enforcement yes, hub yes */
    en: 'B. met a man online while living in Târgu Jiu',
    /** consent: law enforcement no, hub yes */
    ro: 'L-am cunoscut pe internet, pe când locuiam în Târgu Jiu',
  },
  report: {
    reason: 'Account opened in London in October 2025. Repeated card payments',
    amount: '48250',
  },
  typology: {
    funnelTitle: 'Funnel accounts and cash couriers',
    funnelPattern: 'Cash paid into Romanian accounts at branches in Constanța, Iași and Brașov by couriers',
    travelTitle: 'One customer paying travel and lodging for several young women',
    loverboyPattern: 'Young Romanian account holders, accounts opened shortly after arrival',
  },
  entity: {
    ibanGb: 'GB68ALBN60161331926819',
    ibanRo: 'RO26CRPT0000001234567890',
    sharedPhone: '+447700900312',
    s1PhoneRo: '+40722123456',
    advert: 'https://adverts.example.net/london/ad/48213',
    recruiterEmail: 'recrutare.demo@example.org',
    recruiterProfile: 'instagram:tessera.demo.ionut',
    car: 'LX25QQQ',
  },
} as const;

// ---- fixtures made through the real mutations ---------------------------------------------------

/** An IBAN of the country with valid ISO 13616 check digits (the account part must have the country's format). */
export function iban(country: string, bban: string): string {
  const composed = composeIBAN({ countryCode: country, bban });
  if (!composed) throw new Error(`${bban} is not an account number in the format of ${country}`);
  return composed;
}

export const FIXTURE = {
  greenReport: {
    reason: 'Fixture GREEN report: a payroll account paid into by several recruits at once',
    party: 'Radu Cernat (fixture)',
    iban: iban('GB', 'ALBN60161300000042'),
  },
  amberTypology: {
    title: 'Fixture AMBER typology for the Midlands partnership',
    pattern: 'Fixture pattern: nail-bar takings paid in by third parties every Monday morning',
  },
  noConsentNarrative: 'Fixture narrative: the survivor asked that nobody outside Safe Passage ever read this account.',
  iasiVictimPhone: '+40745000111',
  redCase: {
    reference: 'MPS-RED-FIXTURE-1',
    summary: 'Fixture RED case: a named-recipients-only briefing about a witness in Luton',
    victimName: 'Gabriela Redfixture',
  },
} as const;

const HANDLING_GREEN = { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };

async function must<T>(hub: TestHub, persona: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`Fixture failed for ${persona}: ${JSON.stringify(r)}`);
  return r.data;
}

/** Albion Bank's GREEN transaction report: reaches every member, but only its owner (and LE, hub) may read it. */
export async function fixtureGreenReport(hub: TestHub): Promise<void> {
  const d = await must<{ submitTransactionReport: { id: string; parties: Array<{ account: { id: string } | null }> } }>(
    hub,
    'albion-bank',
    `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id parties { account { id } } } }`,
    {
      input: {
        handling: HANDLING_GREEN,
        reportCode: 'SAR',
        reason: FIXTURE.greenReport.reason,
        indicators: ['SHARED_BENEFICIARIES_OR_CONTACTS'],
        amount: 9876.54,
        currency: 'GBP',
        parties: [{ name: FIXTURE.greenReport.party, significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: FIXTURE.greenReport.iban } }],
        idempotencyKey: 'leak-fixture-green-report',
      },
    },
  );
  setId('report:green-fixture', d.submitTransactionReport.id);
  setId('entity:green-fixture-iban', d.submitTransactionReport.parties[0]!.account!.id);
}

/** Albion Bank's AMBER typology shared with the Midlands partnership (which includes the NGO Safe Passage). */
export async function fixtureAmberTypology(hub: TestHub): Promise<void> {
  const d = await must<{ submitTypology: { id: string } }>(
    hub,
    'albion-bank',
    `mutation($input: SubmitTypologyInput!) { submitTypology(input: $input) { id } }`,
    {
      input: {
        handling: { ...HANDLING_GREEN, marking: 'AMBER', sharedWithGroupIds: [groupId('midlands-partnership')] },
        title: FIXTURE.amberTypology.title,
        pattern: FIXTURE.amberTypology.pattern,
        indicators: ['FRONT_BUSINESS'],
        channels: ['cash deposits'],
        geography: ['GB'],
        idempotencyKey: 'leak-fixture-amber-typology',
      },
    },
  );
  setId('typology:amber-fixture', d.submitTypology.id);
}

/** Safe Passage's narrative whose survivor consented to neither law enforcement nor the hub. */
export async function fixtureNoConsentNarrative(hub: TestHub): Promise<void> {
  const d = await must<{ contributeNarrative: { id: string } }>(
    hub,
    'safe-passage',
    `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { id } }`,
    {
      input: {
        caseId: id('case:safe-passage'),
        language: 'EN',
        text: FIXTURE.noConsentNarrative,
        indicators: ['DEBT_BONDAGE'],
        consent: { lawEnforcement: false, hub: false, recordedBy: 'Safe Passage caseworker (fixture)' },
        handling: HANDLING_GREEN,
        idempotencyKey: 'leak-fixture-no-consent',
      },
    },
  );
  setId('narrative:no-consent', d.contributeNarrative.id);
}

/** West Midlands Police state that their suspect S1 holds the GB account Albion Bank reported. */
export async function fixtureMidlandsSuspectHoldsReportedAccount(hub: TestHub): Promise<void> {
  const d = await must<{ addCaseEntity: { id: string } }>(
    hub,
    'west-midlands-police',
    `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`,
    {
      caseId: id('case:midlands'),
      input: {
        kind: 'BANK_ACCOUNT',
        value: SECRET.entity.ibanGb,
        linkToPersonId: id('person:midlands:S1'),
        note: 'Fixture: S1 pays the Leicester rent from this account',
      },
    },
  );
  setId('observation:midlands:s1-iban-gb', d.addCaseEntity.id);
}

/** The Romanian police state that the victim V1 of their GREEN case uses a phone: a link whose end is a victim. */
export async function fixtureIasiVictimPhone(hub: TestHub): Promise<void> {
  const d = await must<{ addCaseEntity: { id: string; entity: { id: string } } }>(
    hub,
    'politia-romana',
    `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id entity { id } } }`,
    {
      caseId: id('case:iasi'),
      input: { kind: 'PHONE', value: FIXTURE.iasiVictimPhone, linkToPersonId: id('person:iasi:V1'), note: 'Fixture: handset V1 was given by the recruiter' },
    },
  );
  setId('entity:iasi-victim-phone', d.addCaseEntity.entity.id);
}

// ---- probes ---------------------------------------------------------------------------------------

export interface Denial {
  /** Paths (`case.persons.*.fullName`, `*[role=VICTIM]`: see valuesAt) that are null with FORBIDDEN_FIELD exactly there. */
  forbidden?: string[];
  /** Paths that are null with NOT_FOUND there: the record does not reach the caller. */
  notFound?: string[];
  /** Paths of lists that are empty. */
  empty?: string[];
  /** Paths whose value is exactly this (e.g. `cases.totalCount: 0`). */
  equals?: Record<string, unknown>;
  /** The whole query is refused with FORBIDDEN_FIELD and returns no data (filter or sort on a field never readable). */
  refused?: boolean;
  /**
   * A filter on a field readable only on some rows: either refused as above, or confined to the rows
   * where the caller may read the field, which here must leave this connection empty (totalCount 0).
   */
  refusedOrEmpty?: string;
}

/** Secrets may be given lazily, when they include ids of fixtures made in beforeAll. */
export type Secrets = string[] | (() => string[]);
const resolve = (s: Secrets): string[] => (typeof s === 'function' ? s() : s);

export type Control = string | { persona: string; sees: Secrets };

export interface Probe {
  /** The access path, as the test name shows it; unique within a table. */
  via: string;
  query: string;
  variables?: () => Record<string, unknown>;
  /** Values that must not occur anywhere in a denied persona's response. */
  secrets: Secrets;
  denied: string[];
  expect: Denial;
  /** Personas that read every secret (or the listed ones) through the very same probe. */
  controls: Control[];
  /** Why a probe has no control (only where no agency type may ever do it, e.g. sort on a victim's name). */
  noControlBecause?: string;
  /** Send straight to this subgraph with a valid gateway-signed actor token (needs the http transport). */
  subgraph?: string;
}

let gatewayKeys: Promise<GatewayKeys> | undefined;

/**
 * Every probe states a purpose: a victim's identity is withheld without one (PURPOSE_REQUIRED, tested
 * in test/journeys/victim-purpose.test.ts), and a leak test must show that a purpose opens nothing else.
 */
export const LEAK_PURPOSE = 'Leak test: a stated purpose must open nothing the policy withholds';

/** Sends a probe as a persona: through the gateway, or to a subgraph with a stolen-but-valid actor token. */
export async function send(hub: TestHub, persona: string, probe: Pick<Probe, 'query' | 'variables' | 'subgraph'>): Promise<GraphQLResult> {
  const variables = probe.variables?.();
  if (!probe.subgraph) return hub.gql(persona, probe.query, variables, { purpose: LEAK_PURPOSE });
  const url = hub.subgraphUrls[probe.subgraph];
  if (!url) throw new Error(`No URL for subgraph ${probe.subgraph}: start the hub with the http transport`);
  gatewayKeys ??= loadGatewayKeys(dataDir());
  const token = await signActorToken(await gatewayKeys, { ...actorFor(persona), purpose: LEAK_PURPOSE }, probe.subgraph, `leak-${Date.now()}`, {
    query: probe.query,
    variables,
  });
  return postGraphQL(url, { authorization: `Bearer ${token}` }, probe.query, variables);
}

/** How a string appears inside JSON.stringify output (quotes and backslashes escaped). */
function inJson(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/**
 * The secrets that occur in the response: as a string value (escaped as JSON escapes it) or as a
 * raw fragment of the JSON text, such as `"victimCount":3` for a count that must be suppressed.
 */
export function leakedSecrets(r: unknown, secrets: readonly string[]): string[] {
  const json = JSON.stringify(r);
  return secrets.filter((s) => json.includes(inJson(s)) || json.includes(s));
}

type Segment = string | number;

/**
 * Path patterns: dot-separated field names; `*` is any list index; `*[role=VICTIM]` is a list index
 * whose item has that field value (so a pattern can name the victims of a list that also holds
 * suspects, who may be readable).
 */
function matches(pattern: string, path: readonly Segment[] | undefined): boolean {
  if (!path) return false;
  const segs = pattern.split('.');
  return segs.length === path.length && segs.every((s, i) => (s.startsWith('*') ? typeof path[i] === 'number' : s === String(path[i])));
}

/** The values at every concrete path matching the pattern (stops where an intermediate is null). */
export function valuesAt(data: unknown, pattern: string): Array<{ path: Segment[]; value: unknown }> {
  const out: Array<{ path: Segment[]; value: unknown }> = [];
  const walk = (node: unknown, segs: string[], path: Segment[]) => {
    if (segs.length === 0) {
      out.push({ path, value: node });
      return;
    }
    if (node === null || node === undefined) return;
    const [head, ...rest] = segs as [string, ...string[]];
    if (head.startsWith('*')) {
      if (!Array.isArray(node)) throw new Error(`Pattern ${pattern}: expected a list at ${path.join('.')}`);
      const cond = /^\*\[(\w+)=(.*)\]$/.exec(head);
      node.forEach((item, i) => {
        if (cond && (item === null || String((item as Record<string, unknown>)[cond[1]!]) !== cond[2])) return;
        walk(item, rest, [...path, i]);
      });
    } else if (typeof node === 'object' && head in (node as object)) {
      walk((node as Record<string, unknown>)[head], rest, [...path, head]);
    }
  };
  walk(data, pattern.split('.'), []);
  return out;
}

function samePath(a: readonly Segment[] | undefined, b: readonly Segment[]): boolean {
  return !!a && a.length === b.length && a.every((s, i) => String(s) === String(b[i]));
}

function valueAtPath(data: unknown, path: readonly Segment[]): unknown {
  let node = data;
  for (const seg of path) {
    if (node === null || node === undefined) return null;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

function describeResponse(r: GraphQLResult): string {
  const json = JSON.stringify(r);
  return json.length > 6000 ? `${json.slice(0, 6000)}…` : json;
}

/** The leak check and the denial shape, for one persona's response to one probe. */
export function assertDenied(r: GraphQLResult, persona: string, probe: Probe): void {
  const leaked = leakedSecrets(r, resolve(probe.secrets));
  if (leaked.length) {
    throw new Error(`LEAK: ${persona} read ${JSON.stringify(leaked)} via ${probe.via}\nresponse: ${describeResponse(r)}`);
  }
  const fail = (why: string) => {
    throw new Error(`${persona} via ${probe.via}: ${why}\nresponse: ${describeResponse(r)}`);
  };
  const errs = r.errors ?? [];
  // A denial is FORBIDDEN_FIELD or NOT_FOUND, never an internal error that merely happened to hide the value.
  const odd = errs.filter((e) => e.extensions?.code !== 'FORBIDDEN_FIELD' && e.extensions?.code !== 'NOT_FOUND');
  if (odd.length) fail(`unexpected error codes ${JSON.stringify(odd.map((e) => e.extensions?.code))}`);
  // Wherever an error names a field, that field is null: a value never travels next to its denial.
  for (const e of errs) {
    if (e.path && e.path.length && valueAtPath(r.data, e.path) != null) fail(`value present at ${e.path.join('.')} despite ${e.extensions?.code}`);
  }
  const d = probe.expect;
  if (d.refused) {
    if (!codes(r).includes('FORBIDDEN_FIELD')) fail('the filter or sort was not refused with FORBIDDEN_FIELD');
    const data = (r.data ?? null) as Record<string, unknown> | null;
    if (data !== null && Object.values(data).some((v) => v !== null)) fail('a refused query returned data');
  }
  if (d.refusedOrEmpty) {
    const refused = codes(r).includes('FORBIDDEN_FIELD') && Object.values((r.data ?? {}) as Record<string, unknown>).every((v) => v === null);
    if (!refused) {
      if (errs.length) fail('errors beside a confined result');
      const conn = (r.data as Record<string, { totalCount?: number; nodes?: unknown[] } | null> | null)?.[d.refusedOrEmpty];
      if (!conn || conn.totalCount !== 0 || conn.nodes?.length !== 0) fail(`neither refused nor an empty ${d.refusedOrEmpty} connection`);
    }
  }
  const deniedAt = (pattern: string, code: 'FORBIDDEN_FIELD' | 'NOT_FOUND') => {
    const found = valuesAt(r.data, pattern);
    // A record-level denial of a root field may leave no data at all: then the error must name it.
    if (found.length === 0 && !(code === 'NOT_FOUND' && errs.some((e) => e.extensions?.code === code && matches(pattern, e.path)))) {
      fail(`nothing at ${pattern}: the probe did not reach the field`);
    }
    for (const v of found) {
      if (v.value !== null) fail(`${v.path.join('.')} is not null`);
      if (!errs.some((e) => e.extensions?.code === code && samePath(e.path, v.path))) fail(`no ${code} at ${v.path.join('.')}`);
    }
  };
  for (const pattern of d.forbidden ?? []) deniedAt(pattern, 'FORBIDDEN_FIELD');
  for (const pattern of d.notFound ?? []) deniedAt(pattern, 'NOT_FOUND');
  for (const pattern of d.empty ?? []) {
    const found = valuesAt(r.data, pattern);
    if (found.length === 0) fail(`nothing at ${pattern}: the probe did not reach the list`);
    for (const v of found) if (!Array.isArray(v.value) || v.value.length !== 0) fail(`${v.path.join('.')} is not an empty list`);
  }
  for (const [pattern, expected] of Object.entries(d.equals ?? {})) {
    const found = valuesAt(r.data, pattern);
    if (found.length === 0) fail(`nothing at ${pattern}`);
    for (const v of found)
      if (JSON.stringify(v.value) !== JSON.stringify(expected)) fail(`${v.path.join('.')} is ${JSON.stringify(v.value)}, expected ${JSON.stringify(expected)}`);
  }
}

/** The positive control: the same probe, sent by an allowed persona, does return the values. */
export function assertControl(r: GraphQLResult, persona: string, probe: Probe, sees: Secrets): void {
  const expected = resolve(sees);
  const seen = leakedSecrets(r, expected);
  const missing = expected.filter((s) => !seen.includes(s));
  if (missing.length) {
    throw new Error(
      `CONTROL: ${persona} did not read ${JSON.stringify(missing)} via ${probe.via}; the probe may not reach the value\nresponse: ${describeResponse(r)}`,
    );
  }
}

/**
 * One test per (denied persona, probe) and one per (control persona, probe). The hub is the file's
 * (started in its beforeAll); probes reference ids lazily so fixtures made there can be used.
 */
export function probeTable(title: string, hub: () => TestHub, probes: Probe[]): void {
  const vias = new Set<string>();
  for (const p of probes) {
    if (vias.has(p.via)) throw new Error(`Duplicate probe name: ${p.via}`);
    vias.add(p.via);
    if (p.controls.length === 0 && !p.noControlBecause) throw new Error(`Probe "${p.via}" has no positive control and no reason why`);
    if (Array.isArray(p.secrets) && p.secrets.length === 0) throw new Error(`Probe "${p.via}" names no secret`);
  }
  const denied = probes.flatMap((p) => p.denied.map((persona) => [persona, p.via, p] as const));
  const controls = probes.flatMap((p) =>
    p.controls.map((c) => {
      const persona = typeof c === 'string' ? c : c.persona;
      return [persona, p.via, p, typeof c === 'string' ? p.secrets : c.sees] as const;
    }),
  );
  describe(title, () => {
    test.each(denied)('%s cannot read it via %s', async (persona, _via, probe) => {
      assertDenied(await send(hub(), persona, probe), persona, probe);
    });
    if (controls.length) {
      test.each(controls)('control: %s does read it via %s', async (persona, _via, probe, sees) => {
        assertControl(await send(hub(), persona, probe), persona, probe, sees);
      });
    }
  });
}

// ---- sorts --------------------------------------------------------------------------------------

const SORT_FIELDS: Record<string, string> = {
  FULL_NAME: 'fullName',
  DATE_OF_BIRTH: 'dateOfBirth',
  PSEUDONYM: 'pseudonym',
  NRM_STAGE: 'nrmStage',
  REFERENCE: 'reference',
};

export interface SortProbe {
  persona: string;
  connection: 'persons' | 'cases';
  field: keyof typeof SORT_FIELDS;
  /** Demo keys of visible rows whose field the persona may not read; their hidden values differ. */
  hidden: string[];
}

/**
 * Sorting on a field readable only on some rows must not order the other rows by their hidden
 * values: ask ASC and DESC; either both are refused, or the hidden rows (at least two, with
 * different hidden values, so a sort by them would reverse their order) come back in the same
 * relative order both times.
 */
export function sortTable(title: string, hub: () => TestHub, probes: SortProbe[]): void {
  describe(title, () => {
    test.each(probes.map((p) => [p.persona, `${p.connection}(orderBy: ${p.field})`, p] as const))(
      '%s cannot learn hidden values from %s',
      async (persona, _via, p) => {
        expect(p.hidden.length).toBeGreaterThanOrEqual(2);
        const field = SORT_FIELDS[p.field]!;
        const hidden = p.hidden.map(id);
        const order = async (direction: 'ASC' | 'DESC') => {
          const r = await hub().gql<Record<string, { nodes: Array<Record<string, unknown> & { id: string }> }>>(
            persona,
            `{ ${p.connection}(first: 200, orderBy: { field: ${p.field}, direction: ${direction} }) { nodes { id ${field} } } }`,
          );
          if (codes(r).includes('FORBIDDEN_FIELD') && !r.data) return 'refused' as const;
          const nodes = r.data?.[p.connection]?.nodes ?? [];
          for (const h of hidden) {
            const node = nodes.find((n) => n.id === h);
            if (!node) throw new Error(`${persona}: row ${h} is not in the list, so this probe proves nothing\n${JSON.stringify(r)}`);
            if (node[field] !== null) throw new Error(`LEAK: ${persona} read ${p.connection}.${field} of ${h}\n${JSON.stringify(r)}`);
          }
          return nodes.map((n) => n.id).filter((i) => hidden.includes(i));
        };
        const asc = await order('ASC');
        const desc = await order('DESC');
        if (asc === 'refused' || desc === 'refused') expect([asc, desc]).toEqual(['refused', 'refused']);
        else expect(desc).toEqual(asc);
      },
    );
  });
}
