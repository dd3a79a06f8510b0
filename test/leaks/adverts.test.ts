import { startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, HUB_ANALYST, id, LE, NGO, type Probe, probeTable, setId, FRONTLINE } from './support';

jest.setTimeout(120_000);

/**
 * The hub's advert feed. Adverts (their phones, handles, text, image hashes, URLs) reach the police
 * and the hub's analysts only; NGOs read leads as patterns (kind, score, indicators, cities) without
 * the adverts, phones, image hashes or movements; banks, frontline services and the hub's
 * administration read nothing of either (banks learn of a phone only through hit/no-hit). Probed by
 * id, in lists, nested (a lead's adverts), through filters and as federation references, on the
 * demo's AMBER feed (shared with the police forces) and on a GREEN file that reaches every member.
 */
let hub: TestHub;
const NO_ADVERTS = [...FI, ...NGO, ...FRONTLINE, ...HUB_ADMIN];
const NO_LEADS = [...FI, ...FRONTLINE, ...HUB_ADMIN];

const GREEN_PHONE = '+447700900777';
const GREEN_HASH = 'aa11bb22cc33dd44';
const GREEN_TEXT = 'LEAKFIX my girls, new in town';
const DEMO_SECRETS = ['+40722123456', 'c3a5f0e1d2b49687', 'sweet Romanian girl', 'B-100231'];
const GREEN_SECRETS = [GREEN_PHONE, GREEN_HASH, 'LEAKFIX'];
/** The advert pages, as entities of the graph (ONLINE_ADVERT) that the adverts' phones are ADVERTISED_AT. */
const DEMO_PAGES = ['classifieds-one.example/ad/B-100231', 'classifieds-one.example/ad/L-200877'];
const GREEN_PAGES = ['leak.example/ad/LK-1', 'leak.example/ad/LK-2'];

beforeAll(async () => {
  hub = await startTestHub('http');
  const file = [
    {
      site: 'leak.example',
      advertId: 'LK-1',
      url: 'https://leak.example/ad/LK-1',
      firstSeen: '2026-04-01',
      location: 'Manchester',
      phones: [GREEN_PHONE],
      imageHashes: [GREEN_HASH],
      text: GREEN_TEXT,
      collector: 'c',
    },
    {
      site: 'leak.example',
      advertId: 'LK-2',
      url: 'https://leak.example/ad/LK-2',
      firstSeen: '2026-04-10',
      location: 'Liverpool',
      phones: [GREEN_PHONE],
      imageHashes: [GREEN_HASH],
      text: GREEN_TEXT,
      collector: 'c',
    },
  ]
    .map((l) => JSON.stringify(l))
    .join('\n');
  const imported = await hub.gql('tessera-hub', `mutation($input: ImportAdvertsInput!) { importAdverts(input: $input) { id } }`, {
    input: { format: 'NDJSON', content: file, handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' } },
  });
  const computed = await hub.gql('tessera-hub', `mutation { computeAdvertLeads { networkCount } }`);
  if (imported.errors || computed.errors) throw new Error(JSON.stringify([imported.errors, computed.errors]));
  const ids = await hub.db.query<{ key: string; id: string }>(
    `SELECT 'advertLead:' || l.kind || ':' || a.marking AS key, l.id FROM adverts.leads l JOIN adverts.adverts a ON a.id = l.advert_ids[1]
     UNION ALL SELECT 'advert:' || advert_ref, id FROM adverts.adverts WHERE site = 'leak.example'`,
  );
  for (const r of ids) setId(r.key, r.id);
  const [phone] = await hub.db.query<{ id: string }>(`SELECT id FROM entities.entities WHERE kind = 'PHONE' AND value = $1`, [GREEN_PHONE]);
  setId('entity:green-phone', phone!.id);
});
afterAll(() => hub.stop());

const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
const refs =
  (typename: string, ...keys: string[]) =>
  () => ({ r: keys.map((k) => ({ __typename: typename, id: id(k) })) });

const ADVERT_FIELDS = 'id site advertRef url text phones handles imageHashes';
const EVIDENCE = 'phones imageHashes movements { city } adverts { id text phones }';

const advertProbes: Probe[] = [
  {
    via: 'advert(id), AMBER demo advert',
    query: `query($id: ID!) { advert(id: $id) { ${ADVERT_FIELDS} } }`,
    variables: () => ({ id: id('advert:brum-1') }),
    secrets: DEMO_SECRETS,
    denied: NO_ADVERTS,
    expect: { notFound: ['advert'] },
    controls: [...LE, ...HUB_ANALYST],
  },
  {
    via: 'advert(id), GREEN advert',
    query: `query($id: ID!) { advert(id: $id) { ${ADVERT_FIELDS} } }`,
    variables: () => ({ id: id('advert:LK-1') }),
    secrets: GREEN_SECRETS,
    denied: NO_ADVERTS,
    expect: { notFound: ['advert'] },
    controls: [...LE, ...HUB_ANALYST],
  },
  {
    via: 'adverts (list)',
    query: `{ adverts(first: 100) { totalCount nodes { ${ADVERT_FIELDS} } } }`,
    secrets: [...DEMO_SECRETS, ...GREEN_SECRETS],
    denied: NO_ADVERTS,
    expect: { equals: { 'adverts.totalCount': 0 } },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'adverts(filter: phone)',
    query: `query($p: String) { adverts(filter: { phone: $p }) { totalCount nodes { id text } } }`,
    variables: () => ({ p: GREEN_PHONE }),
    secrets: ['LEAKFIX'],
    denied: NO_ADVERTS,
    expect: { refusedOrEmpty: 'adverts' },
    controls: ['west-midlands-police', 'tessera-hub:VIEWER'],
  },
  {
    via: 'adverts(filter: city), the count of a city’s adverts',
    query: `{ adverts(filter: { city: "Manchester" }) { totalCount nodes { id text } } }`,
    secrets: ['LEAKFIX'],
    denied: NO_ADVERTS,
    expect: { refusedOrEmpty: 'adverts' },
    controls: ['met-police'],
  },
  {
    via: 'adverts: _entities Advert',
    subgraph: 'adverts',
    query: entities(`... on Advert { ${ADVERT_FIELDS} }`),
    variables: refs('Advert', 'advert:brum-1', 'advert:LK-1'),
    secrets: [...DEMO_SECRETS, ...GREEN_SECRETS],
    denied: NO_ADVERTS,
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['politia-romana', 'tessera-hub'],
  },
];

const leadProbes: Probe[] = [
  {
    via: 'advertLead(id), AMBER demo lead, shared with the police only',
    query: `query($id: ID!) { advertLead(id: $id) { id kind explanation ${EVIDENCE} } }`,
    variables: () => ({ id: id('advertLead:NETWORK:AMBER') }),
    secrets: DEMO_SECRETS.slice(0, 3),
    denied: [...NO_LEADS, ...NGO],
    expect: { notFound: ['advertLead'] },
    controls: [...LE, ...HUB_ANALYST],
  },
  {
    via: 'advertLead(id), GREEN lead, evidence',
    query: `query($id: ID!) { advertLead(id: $id) { id kind score explanation ${EVIDENCE} } }`,
    variables: () => ({ id: id('advertLead:NETWORK:GREEN') }),
    secrets: GREEN_SECRETS,
    denied: NGO,
    expect: { forbidden: ['advertLead.phones', 'advertLead.imageHashes', 'advertLead.movements', 'advertLead.adverts'] },
    controls: [...LE, ...HUB_ANALYST],
  },
  {
    via: 'advertLead(id), GREEN movement lead, to those who read no lead',
    query: `query($id: ID!) { advertLead(id: $id) { id kind explanation cities ${EVIDENCE} } }`,
    variables: () => ({ id: id('advertLead:MOVEMENT:GREEN') }),
    secrets: [GREEN_PHONE, 'Manchester'],
    denied: NO_LEADS,
    expect: { notFound: ['advertLead'] },
    controls: ['met-police', 'tessera-hub', { persona: 'safe-passage', sees: ['Manchester'] }],
  },
  {
    via: 'advertLeads (list, nested adverts)',
    query: `{ advertLeads(first: 100) { totalCount nodes { id kind ${EVIDENCE} } } }`,
    secrets: [...GREEN_SECRETS, ...DEMO_SECRETS.slice(0, 2)],
    denied: NGO,
    expect: {
      forbidden: ['advertLeads.nodes.*.phones', 'advertLeads.nodes.*.imageHashes', 'advertLeads.nodes.*.movements', 'advertLeads.nodes.*.adverts'],
    },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'advertLeads (list) to those who read no lead',
    query: `{ advertLeads(first: 100) { totalCount nodes { id cities explanation ${EVIDENCE} } } }`,
    secrets: [...GREEN_SECRETS, 'Manchester'],
    denied: NO_LEADS,
    expect: { equals: { 'advertLeads.totalCount': 0 } },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'adverts: _entities AdvertLead',
    subgraph: 'adverts',
    query: entities(`... on AdvertLead { id kind ${EVIDENCE} }`),
    variables: refs('AdvertLead', 'advertLead:NETWORK:GREEN'),
    secrets: GREEN_SECRETS,
    denied: NGO,
    expect: { forbidden: ['_entities.0.phones', '_entities.0.imageHashes', '_entities.0.movements', '_entities.0.adverts'] },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'adverts: _entities AdvertLead to those who read no lead',
    subgraph: 'adverts',
    query: entities(`... on AdvertLead { id kind ${EVIDENCE} }`),
    variables: refs('AdvertLead', 'advertLead:NETWORK:GREEN', 'advertLead:NETWORK:AMBER'),
    secrets: [...GREEN_SECRETS, ...DEMO_SECRETS.slice(0, 2)],
    denied: NO_LEADS,
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['met-police'],
  },
];

/**
 * `network` draws an advert as its page (an ONLINE_ADVERT entity) linked ADVERTISED_AT from its phones, the
 * link and the page's observation being the hub's statements with the advert's handling: agency types that
 * read only their own statements (banks, NGOs) or none (frontline, administration) reach no page from the
 * phone, even where the GREEN phone itself reaches them. The node ids, labels and values are all probed.
 */
const NETWORK = `query($s: [ID!]!) { network(seeds: $s, depth: 2) { nodes { id type label entity { kind value maskedValue } } edges { id source target kind } } }`;
const networkProbes: Probe[] = [
  {
    via: 'network from S1’s Romanian phone (AMBER demo adverts)',
    query: NETWORK,
    variables: () => ({ s: [id('entity:s1-phone-ro')] }),
    secrets: () => [...DEMO_PAGES, id('advert:brum-1'), id('advert:london-1')],
    denied: NO_ADVERTS,
    expect: {},
    controls: [
      { persona: 'met-police', sees: DEMO_PAGES },
      { persona: 'tessera-hub', sees: DEMO_PAGES },
      { persona: 'politia-romana', sees: DEMO_PAGES },
    ],
  },
  {
    via: 'network from a GREEN advert’s phone (the phone reaches everyone, its pages do not)',
    query: NETWORK,
    variables: () => ({ s: [id('entity:green-phone')] }),
    secrets: () => [...GREEN_PAGES, 'ADVERTISED_AT'],
    denied: NO_ADVERTS,
    expect: {},
    controls: [
      { persona: 'west-midlands-police', sees: GREEN_PAGES },
      { persona: 'tessera-hub:VIEWER', sees: GREEN_PAGES },
    ],
  },
];

probeTable('adverts: the police and the hub analysts only', () => hub, advertProbes);
probeTable('adverts in the network: the police and the hub analysts only', () => hub, networkProbes);
probeTable('advert leads: evidence for the police and the hub analysts, patterns for NGOs', () => hub, leadProbes);
