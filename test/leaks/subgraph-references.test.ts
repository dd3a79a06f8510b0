import { startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, id, LE, NGO, type Probe, probeTable, SECRET } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * Federation references resolved straight at each subgraph with a valid gateway-signed actor token
 * for the denied persona: a stolen-but-valid token, or a gateway that plans a reference nobody
 * thought of. `_entities` must go through the same policy as the root queries.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('http');
});
afterAll(() => hub.stop());

const L = SECRET.lanterna;
const M = SECRET.midlands;
const I = SECRET.iasi;
const SP = SECRET.safePassage;
const ST = SECRET.strict;
const E = SECRET.entity;
const N = SECRET.narrative;
const WMP = ['west-midlands-police', 'west-midlands-police:VIEWER'];

const entities = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`;
const refs =
  (typename: string, ...keys: string[]) =>
  () => ({ r: keys.map((k) => ({ __typename: typename, id: id(k) })) });
const IDENTITY = ['fullName', 'dateOfBirth', 'contact', 'documents'];

const casesSubgraph: Probe[] = [
  {
    via: 'cases: _entities Person — victim of an AMBER case not shared',
    subgraph: 'cases',
    query: entities('... on Person { id fullName dateOfBirth contact documents }'),
    variables: refs('Person', 'person:lanterna:V1'),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents],
    denied: [...WMP, ...FI, ...NGO, 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0'] },
    controls: ['met-police'],
  },
  {
    via: 'cases: _entities Person — victim of a case shared with the force',
    subgraph: 'cases',
    query: entities('... on Person { id fullName dateOfBirth contact documents }'),
    variables: refs('Person', 'person:lanterna:V1', 'person:lanterna:V2'),
    secrets: [L.v1Name, L.v1Dob, L.v1Contact, L.v1Documents, L.v2Name, L.v2Dob],
    denied: ['politia-romana'],
    expect: { forbidden: IDENTITY.map((f) => `_entities.*.${f}`) },
    controls: ['met-police'],
  },
  {
    via: 'cases: _entities Person — GREEN victims',
    subgraph: 'cases',
    query: entities('... on Person { id fullName dateOfBirth contact documents }'),
    variables: refs('Person', 'person:iasi:V1', 'person:safe-passage:V1'),
    secrets: [I.v1Name, I.v1Dob, SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: ['met-police', 'west-midlands-police', 'tessera-hub', 'tessera-hub:VIEWER'],
    expect: { forbidden: IDENTITY.map((f) => `_entities.*.${f}`) },
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
    ],
  },
  {
    via: 'cases: _entities Person — GREEN victims, as banks and admins',
    subgraph: 'cases',
    query: entities('... on Person { id fullName dateOfBirth contact documents }'),
    variables: refs('Person', 'person:iasi:V1', 'person:safe-passage:V1'),
    secrets: [I.v1Name, I.v1Dob, SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: [...FI, ...HUB_ADMIN],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: [
      { persona: 'politia-romana', sees: [I.v1Name, I.v1Dob] },
      { persona: 'safe-passage', sees: [SP.v1Name, SP.v1Dob, SP.v1Contact] },
    ],
  },
  {
    via: "cases: _entities Person — another NGO's survivor",
    subgraph: 'cases',
    query: entities('... on Person { id fullName dateOfBirth contact documents }'),
    variables: refs('Person', 'person:safe-passage:V1'),
    secrets: [SP.v1Name, SP.v1Dob, SP.v1Contact],
    denied: ['lumina-ro'],
    expect: { forbidden: IDENTITY.map((f) => `_entities.0.${f}`) },
    controls: ['safe-passage'],
  },
  {
    via: 'cases: _entities Person — suspect of a GREEN case, as NGOs and banks',
    subgraph: 'cases',
    query: entities('... on Person { id fullName dateOfBirth }'),
    variables: refs('Person', 'person:iasi:S1'),
    secrets: [I.s1Name, I.s1Dob],
    denied: [...NGO, ...FI],
    expect: { notFound: ['_entities.0'] },
    controls: ['politia-romana', 'tessera-hub'],
  },
  {
    via: 'cases: _entities Case — AMBER_STRICT case',
    subgraph: 'cases',
    query: entities('... on Case { id reference summary handlingConditions persons { fullName } events { description } }'),
    variables: refs('Case', 'case:strict'),
    secrets: [ST.summary, ST.reference, ST.conditions, ST.s1Name, 'Source meeting'],
    denied: ['west-midlands-police', 'politia-romana', ...FI, ...NGO, 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0'] },
    controls: ['met-police'],
  },
  {
    via: 'cases: _entities Case — case detail a bank may not read',
    subgraph: 'cases',
    query: entities('... on Case { id status reference summary nrmStage persons { fullName } events { description } }'),
    variables: refs('Case', 'case:iasi'),
    secrets: [I.summary, I.reference, I.v1Name, I.s1Name, I.eventDescription],
    denied: FI,
    expect: {
      forbidden: ['_entities.0.reference', '_entities.0.summary', '_entities.0.nrmStage', '_entities.0.events.*.description'],
      empty: ['_entities.0.persons'],
    },
    controls: ['politia-romana'],
  },
  {
    via: 'cases: _entities TraffickingEvent — AMBER event not shared',
    subgraph: 'cases',
    query: entities('... on TraffickingEvent { id description location { id } }'),
    variables: refs('TraffickingEvent', 'event:lanterna:4', 'event:midlands:3'),
    secrets: [L.eventDescription, M.eventDescription],
    denied: ['banca-carpati', 'lumina-ro', 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: [
      { persona: 'met-police', sees: [L.eventDescription] },
      { persona: 'west-midlands-police', sees: [M.eventDescription] },
    ],
  },
];

const entitiesSubgraph: Probe[] = [
  {
    via: 'entities: _entities Entity — bank account value',
    subgraph: 'entities',
    query: entities('... on Entity { id kind maskedValue value }'),
    variables: refs('Entity', 'entity:s1-iban-ro'),
    secrets: [E.ibanRo],
    denied: [...FI, ...NGO],
    expect: { forbidden: ['_entities.0.value'] },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'entities: _entities Entity — the covert handset',
    subgraph: 'entities',
    query: entities('... on Entity { id value maskedValue firstSeenAt observations { note } cases { id } }'),
    variables: refs('Entity', 'entity:covert-phone', 'entity:advert'),
    secrets: [ST.covertPhone, '+44•••555', ST.covertPhoneNote, ST.observedOn, E.advert, L.advertNote],
    denied: [...WMP, ...FI, ...NGO, 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['met-police'],
  },
  {
    via: 'entities: _entities Entity — the covert handset, as the force the Met shared Lanterna with',
    subgraph: 'entities',
    query: entities('... on Entity { id value maskedValue firstSeenAt observations { note } cases { id } }'),
    variables: refs('Entity', 'entity:covert-phone'),
    secrets: [ST.covertPhone, '+44•••555', ST.covertPhoneNote, ST.observedOn, id('case:strict')],
    denied: ['politia-romana', 'politia-romana:VIEWER'],
    expect: { notFound: ['_entities.0'] },
    controls: ['met-police'],
  },
  {
    via: 'entities: _entities Observation — statements that do not reach the caller',
    subgraph: 'entities',
    query: entities('... on Observation { id note sourceId entity { value } }'),
    variables: refs('Observation', 'observation:strict:shared-phone', 'observation:lanterna:advert'),
    secrets: [ST.phoneNote, L.advertNote, E.advert],
    denied: [...WMP, ...FI, ...NGO, 'tessera-hub'],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['met-police'],
  },
  {
    via: "entities: _entities Observation — another agency's GREEN statement, as banks and NGOs",
    subgraph: 'entities',
    query: entities('... on Observation { id note sourceId }'),
    variables: refs('Observation', 'observation:iasi:recruiter-email', 'observation:iasi:s1-iban-ro'),
    secrets: [I.emailNote, I.ibanNote, id('case:iasi')],
    denied: [...FI, 'lumina-ro', 'safe-passage', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['politia-romana', 'met-police', 'tessera-hub'],
  },
  {
    via: 'entities: _entities Link — AMBER link to a victim',
    subgraph: 'entities',
    query: entities('... on Link { id kind sourceId toPerson { id } toEntity { value } }'),
    variables: refs('Link', 'link:lanterna:s1-recruited-v1', 'link:lanterna:s1-holds-iban-gb'),
    secrets: [id('person:lanterna:V1'), id('case:lanterna'), E.ibanGb],
    denied: [...WMP, ...FI, ...NGO, 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['met-police', 'politia-romana'],
  },
  {
    via: 'entities: _entities Case { entities } — a case that does not reach the caller',
    subgraph: 'entities',
    query: entities('... on Case { id entities { id value maskedValue observations { note } links { kind } } }'),
    variables: refs('Case', 'case:strict', 'case:lanterna'),
    secrets: [
      ST.phoneNote,
      ST.covertPhone,
      ST.covertPhoneNote,
      L.advertNote,
      L.phoneNote,
      E.advert,
      '+44•••555',
      id('entity:covert-phone'),
      id('entity:advert'),
    ],
    denied: ['west-midlands-police', ...FI, ...NGO, 'tessera-hub', ...HUB_ADMIN],
    expect: { empty: ['_entities.*.entities'] },
    controls: ['met-police'],
  },
  {
    via: 'entities: _entities Case { entities } — the AMBER_STRICT case, as the force the Met shared Lanterna with',
    subgraph: 'entities',
    query: entities('... on Case { id entities { id value observations { note } } }'),
    variables: refs('Case', 'case:strict'),
    secrets: [ST.phoneNote, ST.covertPhone, ST.covertPhoneNote, id('entity:covert-phone')],
    denied: ['politia-romana'],
    expect: { empty: ['_entities.0.entities'] },
    controls: ['met-police'],
  },
];

const narrativesSubgraph: Probe[] = [
  {
    via: 'narratives: _entities Narrative',
    subgraph: 'narratives',
    query: entities('... on Narrative { id text indicators case { id } }'),
    variables: refs('Narrative', 'narrative:safe-passage-en', 'narrative:safe-passage-ro'),
    secrets: [N.en, N.ro],
    denied: [...FI, ...HUB_ADMIN],
    expect: { notFound: ['_entities.0', '_entities.1'] },
    controls: ['safe-passage'],
  },
  {
    via: 'narratives: _entities Narrative — text without consent to law enforcement',
    subgraph: 'narratives',
    query: entities('... on Narrative { id text }'),
    variables: refs('Narrative', 'narrative:safe-passage-ro'),
    secrets: [N.ro],
    denied: LE,
    expect: { forbidden: ['_entities.0.text'] },
    controls: ['safe-passage', 'tessera-hub'],
  },
  {
    via: "narratives: _entities Narrative — another NGO's text",
    subgraph: 'narratives',
    query: entities('... on Narrative { id text }'),
    variables: refs('Narrative', 'narrative:safe-passage-en', 'narrative:safe-passage-ro'),
    secrets: [N.en, N.ro],
    denied: ['lumina-ro', 'lumina-ro:VIEWER'],
    expect: { forbidden: ['_entities.*.text'] },
    controls: ['safe-passage'],
  },
  {
    via: 'narratives: _entities Case { narratives }',
    subgraph: 'narratives',
    query: entities('... on Case { id narratives { id text } }'),
    variables: refs('Case', 'case:safe-passage'),
    secrets: [N.en, N.ro],
    denied: [...FI, ...HUB_ADMIN],
    expect: { empty: ['_entities.0.narratives'] },
    controls: ['safe-passage'],
  },
];

const typologiesSubgraph: Probe[] = [
  {
    via: 'typologies: _entities TransactionReport',
    subgraph: 'typologies',
    query: entities('... on TransactionReport { id reason amount parties { name account { id } } }'),
    variables: refs('TransactionReport', 'report:popescu-str'),
    secrets: [SECRET.report.reason, L.s1Name, id('entity:s1-iban-gb')],
    denied: ['banca-carpati', ...NGO, ...WMP, 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0'] },
    controls: ['albion-bank', 'albion-bank:VIEWER', 'met-police', 'politia-romana'],
  },
  {
    via: "typologies: _entities Typology — a bank's unshared AMBER typology",
    subgraph: 'typologies',
    query: entities('... on Typology { id title pattern }'),
    variables: refs('Typology', 'typology:funnel-couriers'),
    secrets: [SECRET.typology.funnelTitle, SECRET.typology.funnelPattern],
    denied: ['albion-bank', ...NGO, ...LE, 'tessera-hub', ...HUB_ADMIN],
    expect: { notFound: ['_entities.0'] },
    controls: ['banca-carpati'],
  },
  {
    via: 'typologies: _entities Typology — GREEN typology, as administrators',
    subgraph: 'typologies',
    query: entities('... on Typology { id title pattern }'),
    variables: refs('Typology', 'typology:loverboy-proceeds'),
    secrets: [SECRET.typology.loverboyPattern],
    denied: HUB_ADMIN,
    expect: { notFound: ['_entities.0'] },
    controls: ['albion-bank', 'lumina-ro', 'met-police'],
  },
];

const routesSubgraph: Probe[] = [
  {
    via: 'routes: _entities Route — counts below k',
    subgraph: 'routes',
    query: entities('... on Route { id victimCount caseCount countSuppressed }'),
    variables: refs('Route', 'route:iasi-leicester', 'route:brasov-sheffield', 'route:constanta-london'),
    secrets: ['"victimCount":3', '"caseCount":2', '"victimCount":2', '"caseCount":1', '"caseCount":3'],
    denied: [...FI, ...NGO],
    expect: { equals: { '_entities.0.countSuppressed': true, '_entities.0.victimCount': null, '_entities.0.caseCount': null, '_entities.2.victimCount': 7 } },
    controls: ['met-police', 'tessera-hub'],
  },
  {
    via: 'routes: _entities Route — as administrators',
    subgraph: 'routes',
    query: entities('... on Route { id victimCount caseCount }'),
    variables: refs('Route', 'route:constanta-london'),
    secrets: ['"victimCount":7'],
    denied: HUB_ADMIN,
    expect: { notFound: ['_entities.0'] },
    controls: ['tessera-hub'],
  },
];

const agenciesSubgraph: Probe[] = [
  {
    via: "agencies: _entities Agency { users trustedIssuers } — another agency's people and keys",
    subgraph: 'agencies',
    query: entities('... on Agency { id name users { id subject displayName role } trustedIssuers { issuer jwks } }'),
    variables: () => ({ r: [{ __typename: 'Agency', id: hub.demo.agencies['albion-bank']!.id }] }),
    secrets: ['albion-bank.viewer', 'albion-bank.supervisor', 'https://idp.albion-bank.tessera.test'],
    denied: [...LE, 'banca-carpati', ...NGO, 'tessera-hub'],
    expect: { empty: ['_entities.0.users', '_entities.0.trustedIssuers'] },
    controls: ['tessera-admin'],
  },
];

probeTable('references at the cases subgraph', () => hub, casesSubgraph);
probeTable('references at the entities subgraph', () => hub, entitiesSubgraph);
probeTable('references at the narratives subgraph', () => hub, narrativesSubgraph);
probeTable('references at the typologies subgraph', () => hub, typologiesSubgraph);
probeTable('references at the routes subgraph', () => hub, routesSubgraph);
probeTable('references at the agencies subgraph', () => hub, agenciesSubgraph);

probeTable('the member directory through the gateway', () => hub, [
  {
    via: 'agencies { users trustedIssuers } — colleagues, other agencies’ people, identity providers',
    query: `{ agencies { slug users { id subject displayName role } trustedIssuers { issuer audience jwks } } }`,
    secrets: ['albion-bank.viewer', 'met-police.supervisor', 'https://idp.albion-bank.tessera.test', 'https://idp.met-police.tessera.test'],
    denied: ['met-police', 'albion-bank', 'safe-passage', 'tessera-hub'],
    expect: { empty: ['agencies.*.trustedIssuers'] },
    controls: ['tessera-admin'],
  },
]);
