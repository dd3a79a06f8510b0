import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'csv-parse/sync';
import { I2_ENTITY_COLUMNS, I2_LINK_COLUMNS } from '../services/entities/i2';
import { stixUuid, TLP2_MARKINGS } from '../services/entities/stix';
import { ask, eventsOf, recordsOf } from './audit/support';
import { startTestHub, type TestHub } from './support/hub';
import { STIX_BUNDLE_SCHEMA } from './support/stix-2.1-schema';

jest.setTimeout(120_000);

/**
 * Exchange formats: `networkExport` and `caseExport` write the caller's own `network` answer as a
 * STIX 2.1 bundle (valid against the STIX 2.1 subset schema, TLP 2.0 markings, stable ids) or as
 * i2 Analyst's Notebook CSV, and every personal value they carry is a consultation in the audit trail.
 */

type Bundle = { type: string; id: string; objects: Array<Record<string, unknown> & { type: string; id: string }> };

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validBundle = ajv.compile(STIX_BUNDLE_SCHEMA);

const NETWORK_EXPORT = `query($s: [ID!]!, $f: ExportFormat!) { networkExport(seeds: $s, depth: 3, nodeLimit: 200, format: $f) }`;
const CASE_EXPORT = `query($c: ID!, $f: ExportFormat!) { caseExport(caseId: $c, format: $f) }`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const id = (key: string) => hub.demo.ids[key]!;
const SECRET_RO_IBAN = 'RO26CRPT0000001234567890';

async function exported(persona: string, query: string, variables: Record<string, unknown>): Promise<{ text: string; requestId: string }> {
  const r = await ask<Record<string, string>>(hub, persona, query, variables, { purpose: 'Export for the joint investigation team' });
  expect(r.errors).toBeUndefined();
  return { text: Object.values(r.data!)[0]!, requestId: r.requestId };
}

async function bundle(persona: string, query: string, variables: Record<string, unknown>): Promise<Bundle> {
  return JSON.parse((await exported(persona, query, { ...variables, f: 'STIX' })).text) as Bundle;
}

describe('STIX 2.1', () => {
  const cases: Array<[string, string, () => Record<string, unknown>]> = [
    ['met-police', NETWORK_EXPORT, () => ({ s: [id('entity:shared-phone')] })],
    ['west-midlands-police', NETWORK_EXPORT, () => ({ s: [id('entity:shared-phone')] })],
    ['albion-bank', NETWORK_EXPORT, () => ({ s: [id('entity:s1-iban-gb')] })],
    ['safe-passage', NETWORK_EXPORT, () => ({ s: [id('entity:recruiter-email')] })],
    ['tessera-hub', NETWORK_EXPORT, () => ({ s: [id('entity:recruiter-email')] })],
    ['met-police', CASE_EXPORT, () => ({ c: id('case:lanterna') })],
    ['politia-romana', CASE_EXPORT, () => ({ c: id('case:iasi') })],
    ['albion-bank', CASE_EXPORT, () => ({ c: id('case:iasi') })],
    ['banca-carpati', CASE_EXPORT, () => ({ c: id('case:iasi') })],
    ['lumina-ro', NETWORK_EXPORT, () => ({ s: [id('entity:recruiter-email')] })],
    ['safe-passage', CASE_EXPORT, () => ({ c: id('case:safe-passage') })],
  ];

  test.each(cases)('%s: %s is a valid bundle', async (persona, query, variables) => {
    const b = await bundle(persona, query, variables());
    const ok = validBundle(b);
    expect(ok ? [] : validBundle.errors).toEqual([]);
    // Every reference points into the bundle, but for created_by_ref of the hub's fixed identity, which is there too.
    expect(b.objects?.length).toBeGreaterThan(0);
    const ids = new Set(b.objects.map((o) => o.id));
    for (const o of b.objects) {
      for (const key of ['source_ref', 'target_ref', 'created_by_ref'] as const) if (typeof o[key] === 'string') expect(ids).toContain(o[key]);
      for (const m of (o.object_marking_refs as string[] | undefined) ?? []) expect(ids).toContain(m);
      for (const e of Object.keys((o.extensions as object | undefined) ?? {}))
        if (e !== 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d') expect(ids).toContain(e);
    }
  });

  test('a case export has its persons as identities, its identifiers as SCOs, its links as relationships, its agency as an identity', async () => {
    const b = await bundle('met-police', CASE_EXPORT, { c: id('case:lanterna') });
    const types = new Set(b.objects.map((o) => o.type));
    for (const t of ['incident', 'identity', 'relationship', 'phone-number', 'url', 'marking-definition', 'extension-definition']) expect(types).toContain(t);
    const v1 = b.objects.find((o) => o.type === 'identity' && o.name === 'Elena Marinescu');
    expect(v1).toMatchObject({ identity_class: 'individual', roles: ['victim'], contact_information: '+447700900471' });
    const met = b.objects.find((o) => o.type === 'identity' && o.identity_class === 'organization' && o.name === 'Metropolitan Police Service (demo)');
    expect(met).toBeDefined();
    expect(v1!.created_by_ref).toBe(met!.id);
    expect(b.objects.find((o) => o.type === 'phone-number' && o.value === '+447700900312')).toBeDefined();
  });

  test('markings are the TLP 2.0 extension objects with their fixed ids, applied through object_marking_refs', async () => {
    const b = await bundle('met-police', NETWORK_EXPORT, { s: [id('entity:shared-phone')] });
    const markings = b.objects.filter((o) => o.type === 'marking-definition');
    expect(markings.length).toBeGreaterThan(0);
    const published = new Set(Object.values(TLP2_MARKINGS).map((m) => m.id));
    for (const m of markings) expect(published).toContain(m.id);
    // The covert source's AMBER_STRICT statement stays AMBER+STRICT.
    const strict = b.objects.filter((o) =>
      (o.object_marking_refs as string[] | undefined)?.includes('marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003'),
    );
    expect(strict.length).toBeGreaterThan(0);
  });

  test('re-exports are identical: ids derive from record ids, objects are sorted', async () => {
    const first = await exported('met-police', CASE_EXPORT, { c: id('case:lanterna'), f: 'STIX' });
    const second = await exported('met-police', CASE_EXPORT, { c: id('case:lanterna'), f: 'STIX' });
    expect(second.text).toBe(first.text);
  });

  test('an empty network is a bundle without objects (§8: objects, if present, holds at least one)', async () => {
    const b = await bundle('tessera-hub', NETWORK_EXPORT, { s: [id('entity:covert-phone')] });
    expect(validBundle(b)).toBe(true);
    expect(b.objects).toBeUndefined();
  });

  test('seeds named by identifier (as a user types it) give the same export as seeds by id', async () => {
    const byId = await exported('met-police', NETWORK_EXPORT, { s: [id('entity:shared-phone')], f: 'STIX' });
    const byIdentifier = await exported(
      'met-police',
      `query($f: ExportFormat!) { networkExport(identifiers: [{ kind: PHONE, value: "07700 900312" }], depth: 3, nodeLimit: 200, format: $f) }`,
      { f: 'STIX' },
    );
    expect(byIdentifier.text).toBe(byId.text);
  });

  test('an identifier whose value the caller may not read names no seed, as `entities(filter:)` finds nothing there', async () => {
    // Albion Bank did not report the Romanian police's RO account: its value is masked for the bank.
    const r = await exported('albion-bank', `query { networkExport(identifiers: [{ kind: BANK_ACCOUNT, value: "${SECRET_RO_IBAN}" }], format: STIX) }`, {});
    expect(JSON.parse(r.text).objects).toBeUndefined();
  });

  test('a network export names at least one seed', async () => {
    const r = await hub.gql('met-police', `{ networkExport(format: STIX) }`);
    expect(r.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['BAD_USER_INPUT', 'seeds']]);
  });

  test('a case that does not reach the caller is NOT_FOUND, as for `case`', async () => {
    const r = await hub.gql('west-midlands-police', CASE_EXPORT, { c: id('case:strict'), f: 'STIX' });
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});

describe("i2 Analyst's Notebook", () => {
  test('entities and links CSV with the documented columns; every link end is an entity row', async () => {
    const entities = parse((await exported('met-police', CASE_EXPORT, { c: id('case:lanterna'), f: 'I2_ENTITIES' })).text, { columns: true }) as Array<
      Record<string, string>
    >;
    const links = parse((await exported('met-police', CASE_EXPORT, { c: id('case:lanterna'), f: 'I2_LINKS' })).text, { columns: true }) as Array<
      Record<string, string>
    >;
    expect(Object.keys(entities[0]!)).toEqual([...I2_ENTITY_COLUMNS]);
    expect(Object.keys(links[0]!)).toEqual([...I2_LINK_COLUMNS]);
    const identities = new Set(entities.map((e) => e.Identity));
    for (const l of links) {
      expect(identities).toContain(l['From Identity']);
      expect(identities).toContain(l['To Identity']);
    }
    expect(entities.find((e) => e['Full Name'] === 'Elena Marinescu')).toMatchObject({ 'Entity Type': 'Person', Role: 'VICTIM', Label: 'Elena Marinescu' });
    expect(entities.find((e) => e.Value === '+447700900312')).toMatchObject({ 'Entity Type': 'Telephone', Kind: 'PHONE' });
  });
});

/** The consultation of a police export of another force's case: its suspect's identity and the identifiers' values, and nothing withheld. */
async function assertExportIsConsultation(h: TestHub): Promise<void> {
  const r = await ask<{ caseExport: string }>(
    h,
    'met-police',
    CASE_EXPORT,
    { c: h.demo.ids['case:iasi'], f: 'STIX' },
    { purpose: 'Export for the joint investigation team' },
  );
  expect(r.errors).toBeUndefined();
  const events = await eventsOf(h, r.requestId);
  const suspect = h.demo.ids['person:iasi:S1']!;
  const records = recordsOf(events);
  expect(records.filter((e) => e.subject_id === suspect).map((e) => [e.action, e.fields])).toEqual([
    ['CONSULT', ['dateOfBirth', 'fullName']],
    ['DISCLOSE', ['dateOfBirth', 'fullName']],
  ]);
  expect(events.find((e) => e.action === 'DISCLOSE')).toMatchObject({
    recipients: [h.demo.agencies['met-police']!.id],
    purpose: 'Export for the joint investigation team',
  });
  // Each identifier whose value the bundle carries is a consultation of Entity.value.
  const IDENTIFIER_TYPES = ['email-addr', 'url', 'user-account', 'phone-number', 'bank-account', 'vehicle', 'street-address'];
  const agencies = new Set(Object.keys(h.demo.agencies).map((slug) => `identity--${stixUuid(h.demo.agencies[slug]!.id)}`));
  const values = (JSON.parse(r.data!.caseExport) as Bundle).objects.filter(
    (o) => IDENTIFIER_TYPES.includes(o.type) || (o.type === 'identity' && o.identity_class === 'organization' && !agencies.has(o.id)),
  );
  expect(values.length).toBeGreaterThan(0);
  // One consultation event lists them all (entities have no owner), each with its value.
  const entityEvents = events.filter((e) => e.subject_type === 'Entity');
  expect(entityEvents.map((e) => e.action)).toEqual(['CONSULT']);
  expect(entityEvents[0]!.records).toHaveLength(values.length);
  expect(entityEvents[0]!.records!.every((r) => r.fields.join() === 'value')).toBe(true);
  // The Romanian victim's name is withheld from the Met: not in the export, not in the trail.
  expect(records.map((e) => e.subject_id)).not.toContain(h.demo.ids['person:iasi:V1']);
  expect(r.data!.caseExport).not.toContain('Andreea Lungu');
}

describe('audit', () => {
  test('an export carrying personal values is a consultation: CONSULT listing each record with the fields it carried, DISCLOSE for other agencies', async () => {
    await assertExportIsConsultation(hub);
  });

  test('the i2 links file carries no personal value and records no consultation of persons', async () => {
    const { requestId } = await exported('met-police', CASE_EXPORT, { c: id('case:lanterna'), f: 'I2_LINKS' });
    expect((await eventsOf(hub, requestId)).filter((e) => e.subject_type === 'Person')).toEqual([]);
  });
});

describe('audit, subgraphs over HTTP', () => {
  let httpHub: TestHub;
  beforeAll(async () => {
    httpHub = await startTestHub('http');
  });
  afterAll(() => httpHub.stop());

  test('the export is recorded the same way when the entities subgraph runs behind HTTP', async () => {
    await assertExportIsConsultation(httpHub);
  });
});
