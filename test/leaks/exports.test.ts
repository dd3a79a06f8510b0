import { stixUuid } from '../../services/entities/stix';
import { startTestHub, type TestHub } from '../support/hub';
import { FI, fixtureIasiVictimPhone, id, type Probe, probeTable, SECRET } from './support';

jest.setTimeout(120_000);

/**
 * Exports (networkExport, caseExport) in every format that carries values: for each agency type,
 * nothing in the file that the same caller's GraphQL read withholds. Record ids are secrets too
 * (a record that does not reach the caller must not show); in a STIX bundle a record appears under
 * the UUIDv5 of its id, so that is what is looked for there.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureIasiVictimPhone(hub);
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const ST = SECRET.strict;
const E = SECRET.entity;
const WMP = ['west-midlands-police', 'west-midlands-police:VIEWER'];
const POLITIA = ['politia-romana', 'politia-romana:VIEWER'];
const HUB = ['tessera-hub', 'tessera-hub:VIEWER'];
const NGO = ['safe-passage', 'lumina-ro'];

const FORMATS = ['STIX', 'I2_ENTITIES'] as const;
type Format = (typeof FORMATS)[number];

/** A probe's secrets: values, and record ids (keys of demo or fixture records). */
interface ExportProbe {
  via: string;
  seeds?: string[];
  caseKey?: string;
  values: string[];
  ids: string[];
  denied: string[];
  controls: Array<string | { persona: string; values?: string[]; ids?: string[] }>;
}

const asInFormat = (format: Format) => (key: string) => (format === 'STIX' ? stixUuid(id(key)) : id(key));

function probes(format: Format, list: ExportProbe[]): Probe[] {
  const ids = asInFormat(format);
  return list.map((p) => ({
    via: `${p.via} (${format})`,
    query: p.caseKey
      ? `query($c: ID!, $f: ExportFormat!) { caseExport(caseId: $c, format: $f) }`
      : `query($s: [ID!]!, $f: ExportFormat!) { networkExport(seeds: $s, depth: 3, nodeLimit: 200, format: $f) }`,
    variables: () => (p.caseKey ? { c: id(p.caseKey), f: format } : { s: p.seeds!.map(id), f: format }),
    secrets: () => [...p.values, ...p.ids.map(ids)],
    denied: p.denied,
    expect: {},
    controls: p.controls.map((c) => (typeof c === 'string' ? c : { persona: c.persona, sees: () => [...(c.values ?? []), ...(c.ids ?? []).map(ids)] })),
  }));
}

const EXPORTS: ExportProbe[] = [
  {
    via: 'networkExport — from a phone the Met, a covert source and the Midlands saw (West Midlands)',
    seeds: ['entity:shared-phone'],
    values: [E.advert, ST.covertPhone, L.reference, ST.reference],
    ids: ['case:lanterna', 'case:strict', 'entity:advert', 'entity:covert-phone'],
    denied: WMP,
    controls: ['met-police'],
  },
  {
    via: 'networkExport — from a phone the Met, a covert source and the Midlands saw (Romanian police)',
    seeds: ['entity:shared-phone'],
    values: [ST.covertPhone, ST.reference, M.reference],
    ids: ['case:midlands', 'case:strict', 'entity:car', 'entity:covert-phone'],
    denied: POLITIA,
    controls: [
      { persona: 'west-midlands-police', values: [M.reference], ids: ['case:midlands', 'entity:car'] },
      { persona: 'met-police', values: [ST.covertPhone, ST.reference], ids: ['case:strict', 'entity:covert-phone'] },
    ],
  },
  {
    via: 'networkExport — from a phone in the shared AMBER case (bank)',
    seeds: ['entity:shared-phone'],
    values: [E.sharedPhone, M.s1Name, E.car, M.reference],
    ids: ['case:midlands', 'case:lanterna', 'person:midlands:S1', 'entity:car'],
    denied: ['albion-bank', 'albion-bank:VIEWER'],
    controls: [{ persona: 'west-midlands-police', values: [E.sharedPhone, E.car, M.reference], ids: ['case:midlands', 'entity:car'] }],
  },
  {
    via: 'networkExport — from an email in GREEN cases (NGO that stated nothing, banks)',
    seeds: ['entity:recruiter-email'],
    values: [I.s1Name, I.s1Dob],
    ids: ['case:iasi', 'case:safe-passage', 'person:iasi:S1'],
    denied: ['lumina-ro', ...FI],
    controls: ['politia-romana'],
  },
  {
    via: 'networkExport — from a phone a victim uses',
    seeds: ['entity:iasi-victim-phone'],
    values: [I.v1Name, I.v1Dob],
    ids: [],
    denied: [...HUB, 'met-police', ...WMP, ...FI, ...NGO],
    controls: ['politia-romana'],
  },
  {
    via: 'networkExport — seeded with an AMBER_STRICT case',
    seeds: ['case:strict'],
    values: [ST.covertPhone, ST.reference],
    ids: ['entity:covert-phone', 'entity:shared-phone'],
    denied: [...WMP, ...POLITIA, ...HUB, ...FI, 'safe-passage'],
    controls: ['met-police'],
  },
  {
    via: "networkExport — seeded with another force's victim",
    seeds: ['person:lanterna:V1'],
    values: [L.v1Name, L.v1Dob, L.v1Contact, L.s1Name],
    ids: ['person:lanterna:S1', 'case:lanterna'],
    denied: [...WMP, ...HUB, 'safe-passage'],
    controls: ['met-police'],
  },
  {
    via: "caseExport — the Romanian police's GREEN case: its victims",
    caseKey: 'case:iasi',
    values: [I.v1Name, I.v1Dob],
    ids: [],
    denied: [...FI, ...NGO, 'met-police', ...WMP, ...HUB],
    controls: ['politia-romana'],
  },
  {
    via: "caseExport — the Romanian police's GREEN case: its suspect, for NGOs",
    caseKey: 'case:iasi',
    values: [I.s1Name, I.s1Dob],
    ids: [],
    denied: NGO,
    controls: ['politia-romana', 'met-police'],
  },
  {
    via: "caseExport — the Romanian police's GREEN case: its reference, for banks",
    caseKey: 'case:iasi',
    values: [I.reference],
    ids: [],
    denied: FI,
    controls: ['politia-romana', 'tessera-hub'],
  },
  {
    via: "caseExport — the Met's AMBER case shared with the Romanian police: victims' identity",
    caseKey: 'case:lanterna',
    values: [L.v1Name, L.v1Dob, L.v1Contact, L.v2Name],
    ids: [],
    denied: [...POLITIA, ...WMP, ...FI, ...NGO, ...HUB],
    controls: ['met-police'],
  },
];

for (const format of FORMATS) probeTable(`exports (${format})`, () => hub, probes(format, EXPORTS));

test('hub administrators export what their `network` answer holds (nothing), and no case', async () => {
  const seeds = { s: [id('entity:shared-phone'), id('case:iasi')] };
  const graph = await hub.gql<{ network: { nodes: unknown[] } }>('tessera-admin', `query($s: [ID!]!) { network(seeds: $s) { nodes { id } } }`, seeds);
  expect(graph.data?.network.nodes).toEqual([]);
  const stix = await hub.gql<{ networkExport: string }>('tessera-admin', `query($s: [ID!]!) { networkExport(seeds: $s, format: STIX) }`, seeds);
  expect(JSON.parse(stix.data!.networkExport).objects).toBeUndefined();
  const c = await hub.gql('tessera-admin', `query($c: ID!) { caseExport(caseId: $c, format: I2_ENTITIES) }`, { c: id('case:iasi') });
  expect(c.data).toBeNull();
  expect(c.errors?.map((e) => e.extensions?.code)).toEqual([expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/)]);
});
