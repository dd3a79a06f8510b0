import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';
import { statementsSent } from '../support/probe';

/**
 * Issue 3, law enforcement: linked entities. An investigator resolves identifiers however they were
 * typed, finds organisations by name, walks the network around a suspect's phone, finds the shortest
 * chain between two identifiers and what two cases share, and is told when another agency's new
 * statement touches one of its cases. Each journey is followed by what the other agency types must
 * not see of it.
 */

type Node = {
  id: string;
  type: 'ENTITY' | 'PERSON' | 'CASE';
  label: string | null;
  depth: number;
  degree: number;
  hub: boolean;
  hubCount: number | null;
};
type Edge = { id: string; source: string; target: string; kind: string };
type Network = { nodes: Node[]; edges: Edge[]; truncated: boolean; truncatedAt: string[]; reasons: string[]; reason: string | null };

const NETWORK = `query($seeds: [ID!]!, $depth: Int, $nodeLimit: Int, $degreeCap: Int, $linkKinds: [LinkKind!], $from: String, $to: String, $observations: Boolean) {
  network(seeds: $seeds, depth: $depth, nodeLimit: $nodeLimit, degreeCap: $degreeCap, linkKinds: $linkKinds, from: $from, to: $to, observations: $observations) {
    nodes { id type label depth degree hub hubCount }
    edges { id source target kind }
    truncated truncatedAt reasons reason
  }
}`;

const PATH = `query($from: ID!, $to: ID!, $maxDepth: Int) {
  shortestPath(from: $from, to: $to, maxDepth: $maxDepth) { nodes { id type label } edges { id source target kind } }
}`;

const SHARED = `query($a: ID!, $b: ID!) { sharedEntities(caseA: $a, caseB: $b) { id kind value maskedValue } }`;

const ADD = `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id entity { id value } } }`;

const CORRELATIONS = `query($since: String) {
  correlations(since: $since) {
    id kind observedAt createdAt
    entity { id value }
    case { id reference }
    source { id note sourceId }
    link { id kind }
    contributorAgency { slug }
  }
}`;
type Alert = {
  id: string;
  kind: 'OBSERVATION' | 'LINK';
  entity: { id: string; value: string | null };
  case: { id: string; reference: string | null };
  source: { id: string; note: string | null; sourceId: string } | null;
  link: { id: string; kind: string } | null;
  contributorAgency: { slug: string } | null;
};

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const id = (key: string) => {
  const v = hub.demo.ids[key];
  if (!v) throw new Error(`no demo id ${key}`);
  return v;
};
const agency = (slug: string) => hub.demo.agencies[slug]!;

async function ok<T>(persona: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors ?? r)}`);
  return r.data;
}

const net = async (persona: string, variables: Record<string, unknown>) => (await ok<{ network: Network }>(persona, NETWORK, variables)).network;
const nodeIds = (n: Network) => new Set(n.nodes.map((x) => x.id));

describe('entity resolution on contribution', () => {
  const FIND = `query($v: String!, $c: String) { entities(filter: { kind: PHONE, value: $v, country: $c }) { totalCount nodes { id value } } }`;
  type Found = { entities: { totalCount: number; nodes: Array<{ id: string; value: string }> } };

  test("the Romanian police's national-format number is the Met's +40 number: one node", async () => {
    const met = await ok<Found>('met-police', FIND, { v: '+40 722 123 456' });
    const politia = await ok<Found>('politia-romana', FIND, { v: '0722 123 456' });
    expect(met.entities.nodes.map((n) => n.id)).toEqual([id('entity:s1-phone-ro')]);
    expect(politia.entities.nodes).toEqual(met.entities.nodes);
    // Read as British, 0722 123 456 is no UK number (none has 9 digits starting 7): refused, naming the field,
    // unless the force says the number is Romanian.
    const british = await hub.gql('met-police', FIND, { v: '0722 123 456' });
    expect(codes(british)).toEqual(['BAD_USER_INPUT']);
    expect(british.errors![0]!.extensions!.field).toBe('filter.value');
    expect(british.errors![0]!.message).toMatch(/not a valid number of GB/);
    expect((await ok<Found>('met-police', FIND, { v: '0722 123 456', c: 'RO' })).entities.nodes[0]?.id).toBe(id('entity:s1-phone-ro'));
    // The West Midlands typed the shared booking number nationally too, and it met the Met's.
    const wmp = await ok<Found>('west-midlands-police', FIND, { v: '07700 900312' });
    expect(wmp.entities.nodes[0]?.id).toBe(id('entity:shared-phone'));
  });

  test('a new contribution meets an existing node whoever typed it, and invalid values are refused naming the field', async () => {
    const ro = await ok<{ addCaseEntity: { entity: { id: string; value: string } } }>('politia-romana', ADD, {
      caseId: id('case:iasi'),
      input: { kind: 'PHONE', value: '0745 000 222', note: 'Driver who met the recruits in Timișoara' },
    });
    expect(ro.addCaseEntity.entity.value).toBe('+40745000222');
    const met = await ok<{ addCaseEntity: { entity: { id: string } } }>('met-police', ADD, {
      caseId: id('case:strict'),
      input: { kind: 'PHONE', value: '0040 745 000 222', note: 'Number on a Luton airport pick-up sign' },
    });
    expect(met.addCaseEntity.entity.id).toBe(ro.addCaseEntity.entity.id);
    // An explicit country overrides the agency's: the Met records a number as a Romanian caller gave it.
    const explicit = await ok<{ addCaseEntity: { entity: { id: string } } }>('met-police', ADD, {
      caseId: id('case:strict'),
      input: { kind: 'PHONE', value: '0745 000 222', country: 'RO' },
    });
    expect(explicit.addCaseEntity.entity.id).toBe(ro.addCaseEntity.entity.id);

    const bad = async (input: Record<string, unknown>, field: string) => {
      const r = await hub.gql('met-police', ADD, { caseId: id('case:lanterna'), input });
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors![0]!.extensions!.field).toBe(field);
    };
    await bad({ kind: 'PHONE', value: '0722 123' }, 'input.value');
    await bad({ kind: 'PHONE', value: '0722 123 456', country: 'Romania' }, 'input.country');
    await bad({ kind: 'BANK_ACCOUNT', value: 'RO27CRPT0000001234567890' }, 'input.value');
    await bad({ kind: 'SOCIAL_PROFILE', value: 'x:a_handle_far_too_long_for_x' }, 'input.value');
  });
});

describe('organisation name search', () => {
  const SEARCH = `query($name: String!) { searchOrganisations(name: $name) { score entity { id kind value } } }`;
  type Matches = { searchOrganisations: Array<{ score: number; entity: { id: string; kind: string; value: string | null } }> };
  const ASSOCIATION = 'Asociația Tinerilor pentru Muncă în Străinătate (demo)';

  test.each([
    'Asociația Tinerilor',
    'Asociatia Tinerilor',
    'Asociaţia Tinerilor',
    'asociatia tinerilor pentru munca',
    'Asociatia Tinerlor',
    'ASOCIATIA TINERILOR PENTRU MUNCA IN STRAINATATE',
  ])('police find the front association from "%s"', async (typed) => {
    const r = await ok<Matches>('met-police', SEARCH, { name: typed });
    expect(r.searchOrganisations[0]?.entity).toEqual({ id: id('entity:front-association'), kind: 'ORGANISATION', value: ASSOCIATION });
    expect(r.searchOrganisations[0]!.score).toBeGreaterThan(0.3);
  });

  test('ranked by similarity, organisations only, and only what reaches the caller', async () => {
    const wmp = await ok<Matches>('west-midlands-police', SEARCH, { name: 'Spalatoria Auto Sparkle' });
    expect(wmp.searchOrganisations[0]?.entity.id).toBe(id('entity:car-wash'));
    const scores = wmp.searchOrganisations.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(wmp.searchOrganisations.every((m) => m.entity.kind === 'ORGANISATION')).toBe(true);
    // The car wash is known only from the Midlands AMBER case, which does not reach the Met.
    expect((await ok<Matches>('met-police', SEARCH, { name: 'Spalatoria Auto Sparkle' })).searchOrganisations).toEqual([]);
  });

  test('an agency that may not read the name never matches it, so a masked name cannot be confirmed', async () => {
    for (const persona of ['albion-bank', 'banca-carpati']) {
      const r = await hub.gql<Matches>(persona, SEARCH, { name: 'Asociatia Tinerilor' });
      expect(r.data?.searchOrganisations ?? []).toEqual([]);
      expect(JSON.stringify(r)).not.toContain(id('entity:front-association'));
    }
    // NGOs read organisation names (not bank accounts): the GREEN association reaches them.
    expect((await ok<Matches>('lumina-ro', SEARCH, { name: 'Asociatia Tinerilor' })).searchOrganisations[0]?.entity.value).toBe(ASSOCIATION);
    expect(codes(await hub.gql('met-police', SEARCH, { name: 'As' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('network', () => {
  test("from S1's phone: both cases it was seen in, and what the Met may not see is not there", async () => {
    const n = await net('met-police', { seeds: [id('entity:s1-phone-ro')], depth: 2 });
    const ids = nodeIds(n);
    // Seen in the Met's Lanterna case and, typed in national format, in the Romanian police's case.
    expect(ids).toContain(id('case:lanterna'));
    expect(ids).toContain(id('case:iasi'));
    expect(ids).toContain(id('person:lanterna:S1'));
    const seed = n.nodes.find((x) => x.id === id('entity:s1-phone-ro'))!;
    expect(seed).toMatchObject({ type: 'ENTITY', label: '+40722123456', depth: 0, hub: false });
    expect(n.edges).toContainEqual(expect.objectContaining({ source: id('entity:s1-phone-ro'), target: id('case:iasi'), kind: 'OBSERVED_IN' }));
    expect(n.edges).toContainEqual(expect.objectContaining({ source: id('person:lanterna:S1'), target: id('entity:s1-phone-ro'), kind: 'USES_PHONE' }));
    // Depth 2 reaches what the cases hold: the front association in Iași, the accounts in Lanterna.
    expect(n.nodes.find((x) => x.id === id('entity:front-association'))).toMatchObject({
      depth: 2,
      label: 'Asociația Tinerilor pentru Muncă în Străinătate (demo)',
    });
    expect(ids).toContain(id('entity:s1-iban-gb'));
    // The Midlands AMBER case and its statements do not reach the Met; nor its suspect.
    expect(ids).not.toContain(id('case:midlands'));
    expect(ids).not.toContain(id('person:midlands:S1'));
    expect(JSON.stringify(n)).not.toContain(id('observation:midlands:s1-phone-ro'));
    // Every edge joins two returned nodes, and degrees count the returned edges.
    for (const e of n.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
    const degree = n.edges.filter((e) => e.source === seed.id || e.target === seed.id).length;
    expect(seed.degree).toBe(degree);
    expect(n.truncated).toBe(false);

    // The West Midlands see their own case instead of the Met's.
    const w = nodeIds(await net('west-midlands-police', { seeds: [id('entity:s1-phone-ro')], depth: 1 }));
    expect(w).toContain(id('case:midlands'));
    expect(w).toContain(id('case:iasi'));
    expect(w).not.toContain(id('case:lanterna'));
  });

  test('nodes resolve through their own subgraphs: persons and cases under their policies', async () => {
    const r = await ok<{ network: { nodes: Array<{ id: string; person: { pseudonym: string; role: string } | null; case: { reference: string } | null }> } }>(
      'met-police',
      `query($s: [ID!]!) { network(seeds: $s, depth: 1) { nodes { id person { pseudonym role } case { reference } } } }`,
      { s: [id('entity:s1-phone-ro')] },
    );
    const byId = new Map(r.network.nodes.map((x) => [x.id, x]));
    expect(byId.get(id('person:lanterna:S1'))?.person).toEqual({ pseudonym: 'S1', role: 'SUSPECT' });
    expect(byId.get(id('case:lanterna'))?.case?.reference).toBe('MPS-2026-0412 Operation Lanterna');
    expect(byId.get(id('case:iasi'))?.case?.reference).toBe('DIICOT-IS-2026-77');
  });

  test.each([
    ['case:lanterna', 1],
    ['case:lanterna', 2],
    ['entity:s1-phone-ro', 2],
  ])('from %s at depth %d, every visible edge between two returned nodes is returned', async (seed, depth) => {
    const at = await net('met-police', { seeds: [id(seed)], depth });
    const deeper = await net('met-police', { seeds: [id(seed)], depth: depth + 1 });
    const returned = new Set(at.nodes.map((n) => n.id));
    const among = deeper.edges
      .filter((e) => returned.has(e.source) && returned.has(e.target))
      .map((e) => e.id)
      .sort();
    expect(among.length).toBeGreaterThan(0);
    expect(at.edges.map((e) => e.id).sort()).toEqual(among);
  });

  test('two accounts that paid each other and a phone with its advert are linked at the depth that returns them', async () => {
    const at = await net('met-police', { seeds: [id('case:lanterna')], depth: 1 });
    const kinds = (a: string, b: string) => at.edges.filter((e) => [e.source, e.target].sort().join() === [id(a), id(b)].sort().join()).map((e) => e.kind);
    expect(kinds('entity:s1-iban-gb', 'entity:s1-iban-ro')).toEqual(['PAID']);
    expect(kinds('entity:shared-phone', 'entity:advert')).toEqual(['ADVERTISED_AT']);
  });

  test('seeds may be persons and cases; filters by link kind and period', async () => {
    const fromPerson = await net('met-police', { seeds: [id('person:lanterna:S1')], depth: 1 });
    expect(fromPerson.nodes.find((x) => x.id === id('person:lanterna:S1'))?.type).toBe('PERSON');
    expect(nodeIds(fromPerson)).toEqual(new Set([id('person:lanterna:S1'), id('entity:s1-phone-ro'), id('entity:s1-iban-gb'), id('person:lanterna:V1')]));
    const phones = await net('met-police', { seeds: [id('person:lanterna:S1')], depth: 1, linkKinds: ['USES_PHONE'] });
    expect(phones.edges.map((e) => e.kind)).toEqual(['USES_PHONE']);
    // Observations of the Lanterna case made before November 2025 only.
    const early = await net('met-police', { seeds: [id('case:lanterna')], depth: 1, to: '2025-10-31' });
    expect(nodeIds(early)).toContain(id('entity:recruiter-profile'));
    expect(nodeIds(early)).not.toContain(id('entity:s1-iban-ro')); // observed 2025-11-10
    const noObservations = await net('met-police', { seeds: [id('case:lanterna')], depth: 2, observations: false });
    expect(noObservations.nodes).toEqual([]);
    const r = await hub.gql('met-police', NETWORK, { seeds: [id('case:lanterna')], from: '2026-01-01', to: '2025-01-01' });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(codes(await hub.gql('met-police', NETWORK, { seeds: [id('case:lanterna')], depth: 4 }))).toEqual(['BAD_USER_INPUT']);
  });

  describe('a supernode', () => {
    const LEAVES = 60;
    let switchboard = '';
    beforeAll(async () => {
      // A money-transfer agent's counter phone every courier in the operation rang: 60 handsets, each
      // seen in the Lanterna case and linked to the switchboard, which is linked to the shared phone.
      const met = agency('met-police');
      const lanterna = id('case:lanterna');
      const [sw] = await hub.db.query<{ id: string }>(`INSERT INTO entities.entities (kind, value) VALUES ('PHONE', '+447700900999') RETURNING id`);
      switchboard = sw!.id;
      const phones = Array.from({ length: LEAVES }, (_, i) => `+4477009006${String(i).padStart(2, '0')}`);
      const leaves = await hub.db.query<{ id: string }>(`INSERT INTO entities.entities (kind, value) SELECT 'PHONE', unnest($1::text[]) RETURNING id`, [
        phones,
      ]);
      const insert = `INSERT INTO entities.%s (owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code, source_type, source_id, %s)`;
      await hub.db.query(
        `${insert.replace('%s', 'observations').replace('%s', 'entity_id, note')}
         SELECT $1, $2, 'GREEN', '2', 'B', 'P', 'CASE', $3, e, 'Courier handset' FROM unnest($4::uuid[]) AS e`,
        [met.id, met.users.CONTRIBUTOR, lanterna, [switchboard, ...leaves.map((l) => l.id)]],
      );
      await hub.db.query(
        `${insert.replace('%s', 'links').replace('%s', 'kind, from_entity_id, to_entity_id')}
         SELECT $1, $2, 'GREEN', '2', 'B', 'P', 'CASE', $3, 'ASSOCIATED_WITH', e, $4 FROM unnest($5::uuid[]) AS e`,
        [met.id, met.users.CONTRIBUTOR, lanterna, switchboard, [id('entity:shared-phone'), ...leaves.map((l) => l.id)]],
      );
    });

    test('is returned as one hub node with its true count and not expanded; depth 3 goes on elsewhere', async () => {
      // Links only, so the leaves' observations in Lanterna do not reach them by another way.
      const n = await net('met-police', { seeds: [id('entity:shared-phone')], depth: 3, linkKinds: ['ASSOCIATED_WITH', 'ADVERTISED_AT'], observations: false });
      const sw = n.nodes.find((x) => x.id === switchboard)!;
      expect(sw).toMatchObject({ hub: true, hubCount: LEAVES + 1, degree: 1, depth: 1, label: '+447700900999' });
      expect(n.nodes).toHaveLength(3); // the shared phone, its advert, the switchboard
      expect(n.truncated).toBe(true);
      expect(n.truncatedAt).toEqual([switchboard]);
      expect(n.reasons).toEqual(['DEGREE_CAP']);
      expect(n.reason).toMatch(/more than 50 edges/);

      const full = await net('met-police', { seeds: [id('entity:shared-phone')], depth: 3, degreeCap: 100 });
      expect(full.nodes.find((x) => x.id === switchboard)).toMatchObject({ hub: false, hubCount: null, degree: LEAVES + 2 });
      expect(full.nodes.filter((x) => x.label?.startsWith('+4477009006'))).toHaveLength(LEAVES);
      expect(Math.max(...full.nodes.map((x) => x.depth))).toBe(3);
      expect(full.truncated).toBe(false);

      // With observations: the Lanterna case now holds 60 more entities, so it is a hub at depth 1 too.
      const withCases = await net('met-police', { seeds: [id('entity:shared-phone')], depth: 3 });
      expect(withCases.nodes.find((x) => x.id === id('case:lanterna'))).toMatchObject({ hub: true, depth: 1 });
      expect(withCases.truncatedAt).toEqual(expect.arrayContaining([switchboard, id('case:lanterna')]));
    });

    test('stops at the node limit and says where', async () => {
      const n = await net('met-police', { seeds: [id('entity:shared-phone')], depth: 3, degreeCap: 100, nodeLimit: 20 });
      expect(n.nodes).toHaveLength(20);
      expect(n.truncated).toBe(true);
      expect(n.reasons).toContain('NODE_LIMIT');
      expect(n.truncatedAt.length).toBeGreaterThan(0);
      const ids = nodeIds(n);
      for (const t of n.truncatedAt) expect(ids.has(t)).toBe(true);
      for (const e of n.edges) expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
      expect(codes(await hub.gql('met-police', NETWORK, { seeds: [id('entity:shared-phone')], nodeLimit: 1001 }))).toEqual(['BAD_USER_INPUT']);
    });

    test('costs a fixed number of statements per level, however many nodes it returns', async () => {
      // No labels or values selected: a value in the response is a consultation, which the audit trail records in statements of its own.
      const SHAPE = `query($seeds: [ID!]!, $degreeCap: Int) { network(seeds: $seeds, depth: 3, degreeCap: $degreeCap) { nodes { id type depth hub } edges { id } truncated } }`;
      // The gateway looks its user up again when a 5-second cache entry expires: the fewest of three runs is the query's own cost.
      const statements = async (degreeCap: number) => {
        let fewest = Infinity;
        let nodes = 0;
        for (let run = 0; run < 3; run++) {
          const before = hub.probe.statements;
          const n = await ok<{ network: Network }>('met-police', SHAPE, { seeds: [id('entity:shared-phone')], degreeCap });
          fewest = Math.min(fewest, hub.probe.statements - before);
          nodes = n.network.nodes.length;
        }
        return { statements: fewest, nodes };
      };
      const capped = await statements(50);
      const full = await statements(500);
      expect(full.nodes).toBeGreaterThan(capped.nodes + LEAVES - 1);
      // Seeds, then a count and an edge fetch per level, then the entities' labels: at most 1 + 2 x 3 + 1.
      expect(full.statements).toBeLessThanOrEqual(8);
      expect(full.statements).toBe(capped.statements);
    });
  });
});

describe('shortest path', () => {
  test('the shortest chain of visible statements between two identifiers', async () => {
    const r = await ok<{ shortestPath: { nodes: Array<{ id: string; type: string; label: string | null }>; edges: Edge[] } }>('met-police', PATH, {
      from: id('entity:recruiter-profile'),
      to: id('entity:s1-iban-ro'),
    });
    const p = r.shortestPath;
    expect(p.nodes.map((x) => x.id)).toEqual([id('entity:recruiter-profile'), id('case:lanterna'), id('entity:s1-iban-ro')]);
    expect(p.edges.map((e) => e.kind)).toEqual(['OBSERVED_IN', 'OBSERVED_IN']);
    expect(p.nodes[0]!.label).toBe('instagram:tessera.demo.ionut');
  });

  test('from a person, across forces, within maxDepth only', async () => {
    const r = await ok<{ shortestPath: { nodes: Array<{ id: string; type: string }>; edges: Edge[] } }>('met-police', PATH, {
      from: id('person:lanterna:S1'),
      to: id('entity:front-association'),
    });
    expect(r.shortestPath.nodes.map((x) => x.type)).toEqual(['PERSON', 'ENTITY', 'CASE', 'ENTITY']);
    expect(r.shortestPath.nodes[1]!.id).toBe(id('entity:s1-phone-ro'));
    const short = await ok<{ shortestPath: null }>('met-police', PATH, { from: id('person:lanterna:S1'), to: id('entity:front-association'), maxDepth: 2 });
    expect(short.shortestPath).toBeNull();
  });

  test('other forces find only paths through what reaches them', async () => {
    // Lanterna does not reach the West Midlands: their shortest way runs through the NGO's and the Romanian police's GREEN cases.
    const far = await ok<{ shortestPath: null }>('west-midlands-police', PATH, { from: id('entity:recruiter-profile'), to: id('entity:s1-iban-ro') });
    expect(far.shortestPath).toBeNull();
    const r = await ok<{ shortestPath: { nodes: Array<{ id: string }> } }>('west-midlands-police', PATH, {
      from: id('entity:recruiter-profile'),
      to: id('entity:s1-iban-ro'),
      maxDepth: 4,
    });
    expect(r.shortestPath.nodes.map((x) => x.id)).toEqual([
      id('entity:recruiter-profile'),
      id('case:safe-passage'),
      id('entity:recruiter-email'),
      id('case:iasi'),
      id('entity:s1-iban-ro'),
    ]);
    expect(JSON.stringify(r)).not.toContain(id('case:lanterna'));
  });
});

describe('correlation alerts: the demo', () => {
  test("the demo: other agencies' statements that reach the Met touch Lanterna", async () => {
    const r = await ok<{ correlations: Alert[] }>('met-police', CORRELATIONS, {});
    const about = (entity: string) => r.correlations.filter((a) => a.entity.id === id(entity));
    // Albion Bank's report on S1's GB account (AMBER, shared with the Met).
    expect(about('entity:s1-iban-gb')).toContainEqual(
      expect.objectContaining({
        kind: 'OBSERVATION',
        case: { id: id('case:lanterna'), reference: 'MPS-2026-0412 Operation Lanterna' },
        contributorAgency: { slug: 'albion-bank' },
      }),
    );
    // The Romanian police's GREEN statements about S1's phone (typed 0722 123 456) and the Romanian account.
    expect(about('entity:s1-phone-ro').map((a) => a.contributorAgency?.slug)).toContain('politia-romana');
    expect(about('entity:s1-iban-ro').map((a) => a.contributorAgency?.slug)).toContain('politia-romana');
    // Never the Met's own statements, never the Midlands AMBER ones.
    expect(r.correlations.map((a) => a.contributorAgency?.slug)).not.toContain('met-police');
    expect(JSON.stringify(r)).not.toContain(id('case:midlands'));
    expect(r.correlations.every((a) => [id('case:lanterna'), id('case:strict')].includes(a.case.id))).toBe(true);
  });
});

describe('correlation alerts where there can be none', () => {
  // A bank and an NGO read no other agency's statements; the hub's analysts own no case.
  test.each(['albion-bank', 'safe-passage', 'tessera-hub'])('%s gets none, and no statement is read to find out', async (persona) => {
    let alerts: Alert[] | undefined;
    const sent = await statementsSent(hub.appDb, async () => {
      alerts = (await ok<{ correlations: Alert[] }>(persona, CORRELATIONS, {})).correlations;
    });
    expect(alerts).toEqual([]);
    // Read newest first until enough were found, their statements would be every one they made.
    expect(sent.filter((s) => /FROM entities\.(observations|links) [ol] /.test(s))).toEqual([]);
  });
});

describe('shared entities', () => {
  const shared = async (persona: string, a: string, b: string) =>
    (await ok<{ sharedEntities: Array<{ id: string; value: string | null }> }>(persona, SHARED, { a: id(a), b: id(b) })).sharedEntities.map((e) => e.id).sort();

  test("the Met's case and the Romanian police's share S1's phone and the Romanian account", async () => {
    const expected = [id('entity:s1-iban-ro'), id('entity:s1-phone-ro')].sort();
    expect(await shared('met-police', 'case:lanterna', 'case:iasi')).toEqual(expected);
    // Lanterna is shared with the Romanian police: they see the same.
    expect(await shared('politia-romana', 'case:iasi', 'case:lanterna')).toEqual(expected);
    // The West Midlands cannot see Lanterna's statements; their own case shares the phone with Iași.
    expect(await shared('west-midlands-police', 'case:lanterna', 'case:iasi')).toEqual([]);
    expect(await shared('west-midlands-police', 'case:midlands', 'case:iasi')).toEqual([id('entity:s1-phone-ro')]);
  });

  test('two forces’ AMBER cases meet once the owner grants access to its statements', async () => {
    expect(await shared('met-police', 'case:lanterna', 'case:midlands')).toEqual([]);
    // After a hit on the shared phones, the West Midlands grant the Met its two statements about them (layer 3).
    const wmp = agency('west-midlands-police');
    await hub.db.query(
      `INSERT INTO entities.grants (record_id, grantee_agency_id, granted_by_user_id, purpose, expires_at)
       SELECT unnest($1::uuid[]), $2, $3, 'Deconfliction of Operation Lanterna phones', now() + interval '30 days'`,
      [[id('observation:midlands:shared-phone'), id('observation:midlands:s1-phone-ro')], agency('met-police').id, wmp.users.SUPERVISOR],
    );
    expect(await shared('met-police', 'case:lanterna', 'case:midlands')).toEqual([id('entity:s1-phone-ro'), id('entity:shared-phone')].sort());
    // The statements reach the Met; the case itself still does not.
    const c = await hub.gql<{ case: null }>('met-police', `query($id: ID!) { case(id: $id) { reference } }`, { id: id('case:midlands') });
    expect(codes(c)).toEqual(['NOT_FOUND']);
  });

  test('malformed ids are refused naming the argument', async () => {
    const r = await hub.gql('met-police', `{ sharedEntities(caseA: "lanterna", caseB: "midlands") { id } }`);
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('caseA');
  });
});

describe('correlation alerts: new statements', () => {
  test('after another agency adds an observation and a link, only what reaches the Met is an alert', async () => {
    const since = new Date().toISOString();
    expect((await ok<{ correlations: Alert[] }>('met-police', CORRELATIONS, { since })).correlations).toEqual([]);
    // The Romanian police state that their suspect holds S1's GB account (GREEN: reaches the Met).
    await ok('politia-romana', ADD, {
      caseId: id('case:iasi'),
      input: {
        kind: 'BANK_ACCOUNT',
        value: 'GB68 ALBN 6016 1331 9268 19',
        note: 'Account the recruits were told to pay their debt into',
        linkToPersonId: id('person:iasi:S1'),
      },
    });
    // The West Midlands state the same in their AMBER case (partnership only: does not reach the Met).
    await ok('west-midlands-police', ADD, {
      caseId: id('case:midlands'),
      input: { kind: 'BANK_ACCOUNT', value: 'GB68ALBN60161331926819', note: 'Pays the Leicester rent' },
    });

    const r = await ok<{ correlations: Alert[] }>('met-police', CORRELATIONS, { since });
    expect(r.correlations.map((a) => a.kind).sort()).toEqual(['LINK', 'OBSERVATION']);
    for (const a of r.correlations) {
      expect(a.entity).toEqual({ id: id('entity:s1-iban-gb'), value: 'GB68ALBN60161331926819' });
      expect(a.case.id).toBe(id('case:lanterna'));
      expect(a.contributorAgency).toEqual({ slug: 'politia-romana' });
    }
    const obs = r.correlations.find((a) => a.kind === 'OBSERVATION')!;
    expect(obs.source).toMatchObject({ note: 'Account the recruits were told to pay their debt into', sourceId: id('case:iasi') });
    expect(r.correlations.find((a) => a.kind === 'LINK')!.link).toMatchObject({ kind: 'HOLDS_ACCOUNT' });
    expect(JSON.stringify(r)).not.toContain('Pays the Leicester rent');

    // The West Midlands get the Romanian statements about the account their case now observes, not the Met's.
    const w = await ok<{ correlations: Alert[] }>('west-midlands-police', CORRELATIONS, { since });
    expect(w.correlations.map((a) => a.contributorAgency?.slug)).toEqual(['politia-romana', 'politia-romana']);
    expect(w.correlations.every((a) => a.case.id === id('case:midlands'))).toBe(true);
    expect(codes(await hub.gql('met-police', CORRELATIONS, { since: 'last week' }))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('what the other agency types do not see of these journeys', () => {
  test("a bank's network follows only its own statements", async () => {
    // Albion Bank states in its report that S1's GB account paid the Romanian account (AMBER, shared with the Met and the Romanian police).
    const albion = agency('albion-bank');
    await hub.db.query(
      `INSERT INTO entities.links (owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
         shared_with_agency_ids, kind, from_entity_id, to_entity_id, valid_from, source_type, source_id)
       VALUES ($1, $2, 'AMBER', '1', 'B', 'P', $3::uuid[], 'PAID', $4, $5, '2025-11-01', 'TRANSACTION_REPORT', $6)`,
      [
        albion.id,
        albion.users.CONTRIBUTOR,
        [agency('met-police').id, agency('politia-romana').id],
        id('entity:s1-iban-gb'),
        id('entity:s1-iban-ro'),
        id('report:popescu-str'),
      ],
    );
    const r = await hub.gql<{ network: Network }>('albion-bank', NETWORK, { seeds: [id('entity:s1-iban-gb')], depth: 3 });
    expect(r.errors).toBeUndefined();
    const n = r.data!.network;
    expect(n.edges).toHaveLength(1);
    expect(n.edges[0]).toMatchObject({ kind: 'PAID', source: id('entity:s1-iban-gb'), target: id('entity:s1-iban-ro') });
    // Its own reported account in full; the Romanian account masked (not in its own report).
    expect(n.nodes.map((x) => x.label).sort()).toEqual(['GB68ALBN60161331926819', '••••7890']);
    const json = JSON.stringify(r);
    for (const hidden of ['case:lanterna', 'case:midlands', 'case:iasi', 'person:lanterna:S1', 'person:midlands:S1', 'entity:s1-phone-ro'])
      expect(json).not.toContain(id(hidden));
    expect(json).not.toContain('RO26CRPT0000001234567890');

    // The Met sees its own Lanterna statements and the bank's.
    const met = await net('met-police', { seeds: [id('entity:s1-iban-gb')], depth: 1, observations: false });
    expect(met.edges.filter((e) => e.kind === 'PAID')).toHaveLength(2);
    // A bank neither searches paths nor shares entities through others' statements.
    expect((await ok<{ shortestPath: null }>('albion-bank', PATH, { from: id('entity:s1-iban-gb'), to: id('entity:s1-phone-ro') })).shortestPath).toBeNull();
    expect((await ok<{ sharedEntities: unknown[] }>('albion-bank', SHARED, { a: id('case:lanterna'), b: id('case:iasi') })).sharedEntities).toEqual([]);
    expect((await ok<{ correlations: unknown[] }>('albion-bank', CORRELATIONS, {})).correlations).toEqual([]);
  });

  test('an NGO walks only its own statements and sees bank accounts masked in node labels', async () => {
    await ok(
      'safe-passage',
      `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id entity { id maskedValue } } }`,
      {
        caseId: id('case:safe-passage'),
        input: { kind: 'BANK_ACCOUNT', value: 'RO26 CRPT 0000 0012 3456 7890', note: 'The "boyfriend" asked her to send money to this account' },
      },
    );
    const r = await hub.gql<{ network: { nodes: Array<Node & { entity: { value: string | null; maskedValue: string } | null }> } }>(
      'safe-passage',
      `query($s: [ID!]!) { network(seeds: $s, depth: 3) { nodes { id type label entity { value maskedValue } } edges { id kind } } }`,
      { s: [id('case:safe-passage')] },
    );
    const nodes = r.data!.network.nodes;
    expect(nodes.map((x) => x.id).sort()).toEqual(
      [id('case:safe-passage'), id('entity:recruiter-email'), id('entity:recruiter-profile'), id('entity:s1-iban-ro')].sort(),
    );
    const account = nodes.find((x) => x.id === id('entity:s1-iban-ro'))!;
    expect(account.label).toBe('••••7890');
    expect(account.entity).toEqual({ value: null, maskedValue: '••••7890' });
    expect(r.errors?.map((e) => [e.extensions?.code, e.path?.slice(-2).join('.')])).toEqual([['FORBIDDEN_FIELD', 'entity.value']]);
    expect(nodes.find((x) => x.id === id('entity:recruiter-email'))?.label).toBe('recrutare.demo@example.org');
    expect(JSON.stringify(r)).not.toContain('RO26CRPT0000001234567890');
    expect(JSON.stringify(r)).not.toContain(id('case:iasi'));

    // Another NGO contributed nothing about this case: its network is empty, as for a case that does not exist.
    const lumina = await net('lumina-ro', { seeds: [id('case:safe-passage')], depth: 3 });
    const missing = await net('lumina-ro', { seeds: ['7f3e1c2a-0000-4000-8000-000000000000'], depth: 3 });
    expect(lumina).toEqual(missing);
    expect(lumina.nodes).toEqual([]);
  });

  test('hub administrators read no network', async () => {
    const r = await hub.gql<{ network: Network }>('tessera-admin', NETWORK, { seeds: [id('entity:s1-phone-ro')], depth: 3 });
    expect(r.data?.network.nodes).toEqual([]);
    expect(
      (await hub.gql<{ searchOrganisations: unknown[] }>('tessera-admin', `{ searchOrganisations(name: "Asociatia") { score } }`)).data?.searchOrganisations,
    ).toEqual([]);
  });

  test('a denied field in a network is FORBIDDEN_FIELD at its path, never an empty value', async () => {
    const r: GraphQLResult<{ network: { nodes: Array<{ id: string; entity: { value: string | null } | null }> } }> = await hub.gql(
      'albion-bank',
      `query($s: [ID!]!) { network(seeds: $s, depth: 1) { nodes { id entity { value } } } }`,
      { s: [id('entity:s1-iban-ro')] },
    );
    expect(r.data?.network.nodes.find((x) => x.id === id('entity:s1-iban-ro'))?.entity?.value).toBeNull();
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_FIELD']);
  });
});
