import { codes, startTestHub, type TestHub } from '../support/hub';

/**
 * The hub's advert feed: its analysts ingest a partner's files of adverts (NDJSON or CSV) all or
 * nothing, each advert kept once per site and advert id however often it is seen; the phones and
 * handles join the entity graph, so hit/no-hit answers for them; the hub computes leads (networks
 * of adverts sharing phones or images, a phone moving from city to city, indicators in the text),
 * which the police read with their evidence.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const GREEN = { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' };

const IMPORT = `mutation($input: ImportAdvertsInput!) {
  importAdverts(input: $input) { id advertCount createdCount updatedCount replayed importedAt }
}`;
type Imported = { importAdverts: { id: string; advertCount: number; createdCount: number; updatedCount: number; replayed: boolean } };
type LineError = { line: number; field: string; message: string };

const importFile = (persona: string, format: 'NDJSON' | 'CSV', content: string, extra: Record<string, unknown> = {}) =>
  hub.gql<Imported>(persona, IMPORT, { input: { format, content, handling: GREEN, ...extra } });

const ADVERTS = `query($filter: AdvertFilter) { adverts(filter: $filter, first: 50) { totalCount nodes { id site advertRef firstSeen lastSeen city phones handles imageHashes indicators } } }`;
type AdvertNode = {
  id: string;
  site: string;
  advertRef: string;
  firstSeen: string;
  lastSeen: string;
  city: string;
  phones: string[];
  handles: string[];
  imageHashes: string[];
  indicators: string[];
};
const adverts = async (persona: string, filter: Record<string, unknown>) => {
  const r = await hub.gql<{ adverts: { totalCount: number; nodes: AdvertNode[] } }>(persona, ADVERTS, { filter });
  expect(r.errors).toBeUndefined();
  return r.data!.adverts;
};

const LEADS = `{ advertLeads(first: 100) { totalCount nodes { id kind score indicators cities advertCount explanation phones imageHashes movements { city firstSeen lastSeen advertCount } adverts { id site city } } } }`;
type Lead = {
  id: string;
  kind: string;
  score: number;
  indicators: string[];
  cities: string[];
  advertCount: number;
  explanation: string;
  phones: string[];
  imageHashes: string[];
  movements: Array<{ city: string; firstSeen: string; lastSeen: string; advertCount: number }>;
  adverts: Array<{ id: string; site: string; city: string }>;
};

const counts = async () => {
  const [row] = await hub.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM adverts.adverts) AS adverts, (SELECT count(*) FROM adverts.imports) AS imports,
       (SELECT count(*) FROM entities.observations WHERE source_type = 'ADVERT') AS observations,
       (SELECT count(*) FROM entities.links WHERE source_type = 'ADVERT' AND kind = 'ADVERTISED_AT') AS links`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
};

const ndjson = (lines: Array<Record<string, unknown>>) => lines.map((l) => JSON.stringify(l)).join('\n');

describe('the demo feed', () => {
  test('the police read the leads on S1’s Romanian phone: Birmingham, then London, with the adverts and indicators they rest on', async () => {
    const r = await hub.gql<{ advertLeads: { nodes: Lead[] } }>('met-police', LEADS);
    expect(r.errors).toBeUndefined();
    const leads = r.data!.advertLeads.nodes;
    const movement = leads.find((l) => l.kind === 'MOVEMENT' && l.phones.includes('+40722123456'))!;
    expect(movement.movements.map((m) => m.city)).toEqual(['Birmingham', 'London']);
    expect(movement.explanation).toContain('One phone advertised in 2 cities: Birmingham (2026-01-10 to 2026-01-24), then London');
    expect(movement.adverts.map((a) => a.id).sort()).toEqual([hub.demo.ids['advert:brum-1'], hub.demo.ids['advert:london-1']].sort());

    // The Romanian phone joins Birmingham and Ilford; a photo reused on another site joins Stratford, with its UK number.
    const network = leads.find((l) => l.kind === 'NETWORK')!;
    expect(network.adverts.map((a) => a.id).sort()).toEqual(
      [hub.demo.ids['advert:brum-1'], hub.demo.ids['advert:london-1'], hub.demo.ids['advert:london-2']].sort(),
    );
    expect(network.phones).toEqual(['+40722123456']);
    expect(network.imageHashes).toEqual(['c3a5f0e1d2b49687']);
    expect(network.indicators).toEqual(['CHILD_AGE', 'NEW_IN_TOWN', 'THIRD_PARTY']);
    expect(network.explanation).toMatch(/CHILD_AGE in 1 advert/);
    // The strongest lead first; the advert that joins nothing is in no lead.
    expect(leads[0]!.score).toBeGreaterThanOrEqual(leads[leads.length - 1]!.score);
    expect(leads.flatMap((l) => l.adverts.map((a) => a.id))).not.toContain(hub.demo.ids['advert:coventry-1']);
  });

  test('in the network, S1’s Romanian phone has its advert pages as neighbours, for the police and the hub', async () => {
    const NETWORK = `query($s: [ID!]!) { network(seeds: $s, depth: 1) { nodes { id entity { kind value } } edges { source target kind } } }`;
    const phone = hub.demo.ids['entity:s1-phone-ro']!;
    for (const persona of ['met-police', 'west-midlands-police', 'tessera-hub']) {
      const r = await hub.gql<{
        network: { nodes: Array<{ id: string; entity: { kind: string; value: string } | null }>; edges: Array<Record<string, string>> };
      }>(persona, NETWORK, { s: [phone] });
      expect(r.errors).toBeUndefined();
      const pages = r.data!.network.nodes.filter((n) => n.entity?.kind === 'ONLINE_ADVERT');
      expect({ persona, pages: pages.map((n) => n.entity!.value).sort() }).toEqual({
        persona,
        pages: ['https://classifieds-one.example/ad/B-100231', 'https://classifieds-one.example/ad/L-200877'],
      });
      for (const page of pages) expect(r.data!.network.edges).toContainEqual({ source: phone, target: page.id, kind: 'ADVERTISED_AT' });
    }
  });

  test('a phone filter reads the number in any format the caller’s country reads', async () => {
    const found = await adverts('politia-romana', { phone: '0722 123 456' });
    expect(found.nodes.map((a) => a.advertRef).sort()).toEqual(['B-100231', 'L-200877']);
  });
});

type AdvertEvent = { ref: string; action: string; subject_type: string; fields: string[]; actor_user_id: string };
/** The audit events about the adverts with these advert ids, oldest first. */
const advertEvents = (refs: string[]) =>
  hub.db.query<AdvertEvent>(
    `SELECT a.advert_ref AS ref, e.action, e.subject_type, e.fields, e.actor_user_id::text FROM audit.events e
     JOIN adverts.adverts a ON e.subject_id = a.id::text WHERE a.advert_ref = ANY($1::text[]) ORDER BY a.advert_ref, e.seq`,
    [refs],
  );

describe('ingesting a partner’s file', () => {
  const FILE = ndjson([
    {
      site: 'Classifieds-Two.example',
      advertId: 'CT-1',
      url: 'https://classifieds-two.example/ad/CT-1',
      firstSeen: '2026-03-01T20:00:00Z',
      lastSeen: '2026-03-03T20:00:00Z',
      location: 'Leeds, West Yorkshire',
      phones: ['0744 555 666'],
      handles: ['instagram:@Ana.Leeds'],
      text: 'Abia sosită, nouă în oraș',
      imageHashes: ['ABCDEF0123456789'],
      collector: 'Partner collector A',
      country: 'RO',
    },
    {
      site: 'classifieds-two.example',
      advertId: 'CT-2',
      firstSeen: '2026-03-05',
      location: 'Sheffield',
      phones: ['+40 744 555 666'],
      text: 'Independent, 30 years',
      collector: 'Partner collector A',
    },
  ]);

  test('writes each advert once, with its phones in international format and its handles as profiles, observed in the entity graph', async () => {
    const before = await counts();
    const r = await importFile('tessera-hub', 'NDJSON', FILE);
    expect(r.errors).toBeUndefined();
    expect(r.data!.importAdverts).toMatchObject({ advertCount: 2, createdCount: 2, updatedCount: 0, replayed: false });
    // Three identifiers (two of them the same phone, once per advert), and CT-1's page, its phone ADVERTISED_AT it.
    expect(await counts()).toEqual({
      adverts: before.adverts! + 2,
      imports: before.imports! + 1,
      observations: before.observations! + 4,
      links: before.links! + 1,
    });
    // One audit event per advert, which names its observations and link: they take the advert as their source.
    const events = await advertEvents(['CT-1', 'CT-2']);
    expect(events).toMatchObject([
      { ref: 'CT-1', action: 'COLLECT', subject_type: 'Advert', fields: expect.arrayContaining(['phones', 'handles', 'url', 'observations', 'links']) },
      { ref: 'CT-2', action: 'COLLECT', subject_type: 'Advert', fields: expect.arrayContaining(['phones', 'observations']) },
    ]);
    expect(events[1]!.fields).not.toContain('links');
    expect(events.every((e) => e.actor_user_id === hub.demo.agencies['tessera-hub']!.users['CONTRIBUTOR'])).toBe(true);
    // Who contributed the phone, and when: its observations' source adverts, whose events say who and when.
    const contributors = await hub.db.query<{ ref: string; actor_user_id: string }>(
      `SELECT a.advert_ref AS ref, e.actor_user_id::text FROM entities.observations o JOIN entities.entities x ON x.id = o.entity_id
       JOIN adverts.adverts a ON o.source_type = 'ADVERT' AND a.id = o.source_id
       JOIN audit.events e ON e.subject_type = 'Advert' AND e.subject_id = a.id::text AND 'observations' = ANY(e.fields)
       WHERE x.kind = 'PHONE' AND x.value = '+40744555666' ORDER BY 1`,
    );
    expect(contributors.map((c) => c.ref)).toEqual(['CT-1', 'CT-2']);
    const statementEvents = await hub.db.query(
      `SELECT 1 FROM audit.events e WHERE e.subject_type IN ('Observation', 'Link') AND e.subject_id IN (
         SELECT o.id::text FROM entities.observations o JOIN adverts.adverts a ON o.source_type = 'ADVERT' AND o.source_id = a.id WHERE a.advert_ref IN ('CT-1', 'CT-2')
         UNION ALL SELECT l.id::text FROM entities.links l JOIN adverts.adverts a ON l.source_type = 'ADVERT' AND l.source_id = a.id WHERE a.advert_ref IN ('CT-1', 'CT-2'))`,
    );
    expect(statementEvents).toEqual([]);

    const found = await adverts('tessera-hub', { phone: '+40744555666' });
    expect(found.nodes.map((a) => [a.site, a.advertRef, a.city, a.phones, a.handles, a.imageHashes, a.indicators])).toEqual([
      ['classifieds-two.example', 'CT-2', 'Sheffield', ['+40744555666'], [], [], []],
      ['classifieds-two.example', 'CT-1', 'Leeds', ['+40744555666'], ['instagram:ana.leeds'], ['abcdef0123456789'], ['NEW_IN_TOWN']],
    ]);

    // A bank asking about the number learns that the hub knows it, and nothing of the adverts.
    const hit = await hub.gql<{ hitNoHit: Array<{ known: boolean; holderCount: number }> }>(
      'albion-bank',
      `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known holderCount } }`,
      { ids: [{ kind: 'PHONE', value: '+40 744 555 666' }] },
    );
    expect(hit.data!.hitNoHit).toEqual([{ known: true, holderCount: 1 }]);
  });

  test('the same file sent again writes nothing and answers the first ingestion', async () => {
    const before = await counts();
    const r = await importFile('tessera-hub', 'NDJSON', FILE);
    expect(r.data!.importAdverts).toMatchObject({ advertCount: 2, createdCount: 2, replayed: true });
    expect(await counts()).toEqual(before);
  });

  test('an advert is held under one handling: a sighting under another is refused whole, and nothing of it reaches the stored row', async () => {
    const before = await counts();
    const red = { ...GREEN, marking: 'RED' };
    const line = JSON.stringify({
      site: 'classifieds-two.example',
      advertId: 'CT-2',
      firstSeen: '2026-03-06',
      location: 'Sheffield',
      phones: ['+40 744 555 999'],
      text: 'A sighting only its contributor may read',
      collector: 'Partner collector A',
    });
    const r = await importFile('tessera-hub', 'NDJSON', line, { handling: red });
    expect(codes(r)).toEqual(['CONFLICT']);
    expect(r.errors![0]!.message).toMatch(/CT-2 is held under another marking/);
    expect(await counts()).toEqual(before);
    const [ct2] = (await adverts('met-police', { phone: '+40744555666' })).nodes.filter((a) => a.advertRef === 'CT-2');
    expect(ct2!.phones).toEqual(['+40744555666']);
  });

  test('an advert seen again widens its sightings and takes new phones, observed once; a CSV reads as NDJSON does', async () => {
    const before = await counts();
    const csv = [
      'site,advert_id,first_seen,last_seen,location,phones,handles,text,image_hashes,collector,country',
      'classifieds-two.example,CT-1,2026-03-02,2026-03-20,"Leeds",0744 555 666;0755 111 222,,"Abia sosită",abcdef0123456789,Partner collector B,RO',
      'classifieds-two.example,CT-3,2026-03-21,,York,,,,"",Partner collector B,RO',
    ].join('\n');
    const r = await importFile('tessera-hub', 'CSV', csv);
    expect(r.errors).toBeUndefined();
    expect(r.data!.importAdverts).toMatchObject({ advertCount: 2, createdCount: 1, updatedCount: 1, replayed: false });
    // One new advert; one new phone observed on the advert seen again (its first phone and its page were observed before),
    // linked to the page it is on.
    expect(await counts()).toEqual({
      adverts: before.adverts! + 1,
      imports: before.imports! + 1,
      observations: before.observations! + 1,
      links: before.links! + 1,
    });
    const [ct1] = (await adverts('tessera-hub', { phone: '+40755111222' })).nodes;
    expect(ct1).toMatchObject({
      advertRef: 'CT-1',
      firstSeen: '2026-03-01T20:00:00.000Z',
      lastSeen: '2026-03-20T00:00:00.000Z',
      phones: ['+40744555666', '+40755111222'],
      handles: ['instagram:ana.leeds'],
    });
    // Seen again: ALTER, naming the new phone's observation and link; new: COLLECT.
    expect((await advertEvents(['CT-1', 'CT-3'])).map((e) => [e.ref, e.action, e.fields.includes('observations'), e.fields.includes('links')])).toEqual([
      ['CT-1', 'COLLECT', true, true],
      ['CT-1', 'ALTER', true, true],
      ['CT-3', 'COLLECT', false, false],
    ]);
  });

  test('malformed lines are reported by line and field, and nothing is written', async () => {
    const before = await counts();
    const bad = [
      JSON.stringify({ site: 'x.example', advertId: 'OK-1', firstSeen: '2026-03-01', collector: 'c' }),
      '{ not json',
      JSON.stringify({ site: 'x.example', firstSeen: 'yesterday', collector: 'c', phones: ['12'], imageHashes: ['not-a-hash'] }),
      '',
      JSON.stringify({ site: 'x.example', advertId: 'OK-2', firstSeen: '2026-03-05', lastSeen: '2026-03-01', collector: 'c' }),
    ].join('\n');
    const r = await importFile('tessera-hub', 'NDJSON', bad, { country: 'GB' });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    const errors = r.errors![0]!.extensions!.errors as LineError[];
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [2, ''],
      [3, 'advertId'],
      [3, 'firstSeen'],
      [3, 'phones[0]'],
      [3, 'imageHashes[0]'],
      [5, 'lastSeen'],
    ]);
    expect(r.errors![0]!.message).toBe('6 invalid field(s) on 3 line(s); nothing was written');
    expect(await counts()).toEqual(before);
  });

  test('only the hub’s analysts ingest adverts and compute leads; a viewer does neither', async () => {
    const line = ndjson([{ site: 'x.example', advertId: 'P-1', firstSeen: '2026-03-01', collector: 'c' }]);
    for (const persona of ['met-police', 'albion-bank', 'safe-passage', 'spitalul-iasi', 'tessera-admin', 'tessera-hub:VIEWER']) {
      const before = await counts();
      const r = await importFile(persona, 'NDJSON', line);
      expect({ persona, codes: codes(r) }).toEqual({ persona, codes: ['FORBIDDEN'] });
      const c = await hub.gql(persona, `mutation { computeAdvertLeads { networkCount } }`);
      expect({ persona, codes: codes(c) }).toEqual({ persona, codes: ['FORBIDDEN'] });
      expect(await counts()).toEqual(before);
    }
  });
});

describe('computing leads', () => {
  test('the hub recomputes its leads from every advert it holds, replacing the earlier ones; each step is audited', async () => {
    const r = await hub.gql<{ computeAdvertLeads: { advertCount: number; networkCount: number; movementCount: number } }>(
      'tessera-hub',
      `mutation { computeAdvertLeads { advertCount networkCount movementCount } }`,
    );
    expect(r.errors).toBeUndefined();
    // The demo's network and movement, and the Romanian number of the files advertised in Leeds and Sheffield.
    expect(r.data!.computeAdvertLeads).toMatchObject({ networkCount: 2, movementCount: 2 });
    const leads = await hub.gql<{ advertLeads: { totalCount: number; nodes: Lead[] } }>('tessera-hub', LEADS);
    expect(leads.data!.advertLeads.totalCount).toBe(4);
    const leeds = leads.data!.advertLeads.nodes.find((l) => l.kind === 'MOVEMENT' && l.phones.includes('+40744555666'))!;
    expect(leeds.cities).toEqual(['Leeds', 'Sheffield']);
    // One record and one audit event for the computation, listing the leads it wrote.
    const [computation] = await hub.db.query<{ id: string; lead_ids: string[]; advert_count: number }>(
      `SELECT id, lead_ids::text[], advert_count FROM adverts.lead_computations WHERE owner_agency_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [hub.demo.agencies['tessera-hub']!.id],
    );
    expect([...computation!.lead_ids].sort()).toEqual(leads.data!.advertLeads.nodes.map((l) => l.id).sort());
    expect(computation!.advert_count).toBe(r.data!.computeAdvertLeads.advertCount);
    const events = await hub.db.query<{ action: string; subject_type: string }>(
      `SELECT action, subject_type FROM audit.events WHERE subject_id = $1 OR subject_id = ANY($2::text[])`,
      [computation!.id, computation!.lead_ids],
    );
    expect(events).toEqual([{ action: 'COMBINE', subject_type: 'AdvertLeadComputation' }]);
  });
});

describe('retention', () => {
  test('an advert is reviewed yearly; erased, its observations and the leads resting on it go with it', async () => {
    const [row] = await hub.db.query<{ id: string; due: string }>(
      `SELECT id, review_due::text AS due FROM adverts.adverts WHERE site = 'classifieds-two.example' AND advert_ref = 'CT-2'`,
    );
    const [expected] = await hub.db.query<{ d: string }>(`SELECT (current_date + interval '1 year')::date::text AS d`);
    expect(row!.due).toBe(expected!.d);
    const resting = async () =>
      Number((await hub.db.query<{ n: string }>(`SELECT count(*) AS n FROM adverts.leads WHERE $1::uuid = ANY(advert_ids)`, [row!.id]))[0]!.n);
    const observations = async () =>
      Number(
        (await hub.db.query<{ n: string }>(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'ADVERT' AND source_id = $1`, [row!.id]))[0]!.n,
      );
    // The network of CT-1 and CT-2 (one phone) and that phone's movement from Leeds to Sheffield.
    expect(await resting()).toBe(2);
    expect(await observations()).toBe(1);

    const r = await hub.gql<{ reviewRecord: { decision: string; erasedRecordCount: number } }>(
      'tessera-hub:SUPERVISOR',
      `mutation($id: ID!) { reviewRecord(subjectType: Advert, id: $id, decision: ERASE, reason: "Nothing further to pursue") { decision erasedRecordCount } }`,
      { id: row!.id },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.reviewRecord.decision).toBe('ERASE');
    expect(await resting()).toBe(0);
    expect(await observations()).toBe(0);
    const gone = await hub.gql('met-police', `query($id: ID!) { advert(id: $id) { id } }`, { id: row!.id });
    expect(codes(gone)).toEqual(['NOT_FOUND']);
  });
});
