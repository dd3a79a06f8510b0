import type { QueryRunner } from 'typeorm';
import { EntitiesLinksCarryPersonHandling1764000003130 } from '../../migrations/entities/1764000003130-links-carry-person-handling';
import { startTestHub, type TestHub } from '../support/hub';
import { agencyId, id, SECRET, userId } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(120_000);

/**
 * A statement the caller may see can still lead to an entity that does not reach the caller (an
 * identifier only a covert case observed). The link charts check each edge's entity ends once per
 * distinct entity, after the statements themselves passed their own rules: such an edge is no edge,
 * counts towards no degree (so it makes no hub), and no path runs through it.
 */
let hub: TestHub;
let linkId: string;
/** A GREEN statement (everyone may see it) of `persona`'s agency about its case `caseKey`. */
async function link(persona: string, caseKey: string, kind: string, from: { entity?: string; person?: string }, to: { entity?: string }): Promise<string> {
  const rows = await hub.db.query<{ id: string }>(
    `INSERT INTO entities.links (owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
       kind, from_entity_id, from_person_id, to_entity_id, valid_from, source_type, source_id)
     VALUES ($1, $2, 'GREEN', '2', 'B', 'P', $3, $4, $5, $6, '2026-02-11', 'CASE', $7) RETURNING id`,
    [agencyId(persona), userId(persona), kind, from.entity ?? null, from.person ?? null, to.entity ?? null, id(caseKey)],
  );
  return rows[0]!.id;
}
beforeAll(async () => {
  hub = await startTestHub('in-process');
  // The West Midlands state that the phone their case shares goes with the covert handset only the
  // Met's AMBER_STRICT case observed.
  linkId = await link('west-midlands-police', 'case:midlands', 'ASSOCIATED_WITH', { entity: id('entity:shared-phone') }, { entity: id('entity:covert-phone') });
});
afterAll(() => hub.stop());

interface Network {
  nodes: Array<{ id: string; degree: number; hub: boolean; hubCount: number | null }>;
  edges: Array<{ id: string; source: string; target: string }>;
}
const NETWORK = `query($s: [ID!]!, $depth: Int!, $cap: Int!) {
  network(seeds: $s, depth: $depth, degreeCap: $cap) { nodes { id degree hub hubCount label } edges { id source target } }
}`;
const walk = async (persona: string, depth: number, cap = 500) => {
  const r = await hub.gql<{ network: Network }>(persona, NETWORK, { s: [id('entity:shared-phone')], depth, cap });
  expect(r.errors).toBeUndefined();
  return { network: r.data!.network, json: JSON.stringify(r) };
};

test('the Met, whom the covert handset reaches, walks the statement to it', async () => {
  const { network } = await walk('met-police', 1);
  expect(network.edges).toContainEqual({ id: linkId, source: id('entity:shared-phone'), target: id('entity:covert-phone') });
  expect(network.nodes.map((n) => n.id)).toContain(id('entity:covert-phone'));
});

test.each(['west-midlands-police', 'west-midlands-police:VIEWER', 'politia-romana'])(
  'for %s the statement leads nowhere: no edge, no node, no degree, no hub, no path',
  async (persona) => {
    for (const depth of [1, 2, 3]) {
      const { network, json } = await walk(persona, depth);
      for (const secret of [linkId, id('entity:covert-phone'), SECRET.strict.covertPhone]) expect(json).not.toContain(secret);
      // The phone's degree is that of the edges returned, and a degree cap at exactly that many
      // keeps it expanded: the hidden statement is not counted either.
      const phone = network.nodes.find((n) => n.id === id('entity:shared-phone'))!;
      expect(phone.degree).toBe(network.edges.filter((e) => e.source === phone.id || e.target === phone.id).length);
      const capped = await walk(persona, depth, phone.degree);
      expect(capped.network.nodes.find((n) => n.id === phone.id)).toMatchObject({ hub: false, hubCount: null });
    }
    const path = await hub.gql<{ shortestPath: unknown }>(persona, `query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b) { edges { id } } }`, {
      a: id('entity:shared-phone'),
      b: id('entity:covert-phone'),
    });
    expect(path.errors).toBeUndefined();
    expect(path.data!.shortestPath).toBeNull();
  },
);

test("the last layer's statements among its own nodes come with the walk, a person's too", async () => {
  // From the covert handset, one hop reaches the shared phone (above) and the Met's suspect who uses
  // the handset; the suspect also uses the shared phone: both ends at the last depth.
  const uses = await link('met-police', 'case:strict', 'USES_PHONE', { person: id('person:strict:S1') }, { entity: id('entity:covert-phone') });
  const alsoUses = await link('met-police', 'case:strict', 'USES_PHONE', { person: id('person:strict:S1') }, { entity: id('entity:shared-phone') });
  const r = await hub.gql<{ network: Network }>('met-police', NETWORK, { s: [id('entity:covert-phone')], depth: 1, cap: 500 });
  expect(r.errors).toBeUndefined();
  const { nodes, edges } = r.data!.network;
  expect(nodes.map((n) => n.id)).toEqual(expect.arrayContaining([id('entity:covert-phone'), id('entity:shared-phone'), id('person:strict:S1')]));
  expect(edges).toEqual(
    expect.arrayContaining([
      { id: linkId, source: id('entity:shared-phone'), target: id('entity:covert-phone') },
      { id: uses, source: id('person:strict:S1'), target: id('entity:covert-phone') },
      { id: alsoUses, source: id('person:strict:S1'), target: id('entity:shared-phone') },
    ]),
  );
  // Not for the West Midlands: the handset does not reach them, so there is no walk from it.
  const w = await hub.gql<{ network: Network }>('west-midlands-police', NETWORK, { s: [id('entity:covert-phone')], depth: 1, cap: 500 });
  expect(JSON.stringify(w)).not.toContain(alsoUses);
});

test('walks of two agencies, one after the other on the same pooled connections, each see only what reaches them (the walk statements are planned once per connection)', async () => {
  // Sequential requests take the pool's most recently released connection, so these walks share
  // connections and the walk statements' generic plans (QueryOptions.genericPlan). Row-level
  // security and the application's rule read the actor at each execution, never from the plan.
  for (let i = 0; i < 8; i++) {
    const met = await walk('met-police', 2);
    expect(met.network.edges.map((e) => e.id)).toContain(linkId);
    const wmp = await walk('west-midlands-police', 2);
    for (const secret of [linkId, id('entity:covert-phone'), SECRET.strict.covertPhone]) expect(wmp.json).not.toContain(secret);
  }
});

/**
 * A person marked above its case (a RED victim of a GREEN case) reaches only whom it reaches; a link
 * the owner records from that person carries the person's handling, so no one else meets the person
 * through the identifiers it uses: not in the identifier's links, the network, or a shortest path.
 */
test('a link from a RED person of a GREEN case reaches whom the person reaches, and no one else walks to it', async () => {
  const PHONE = '+40 744 555 123';
  const added = await hub.gql<{ addPerson: { id: string } }>(
    'politia-romana',
    `mutation($c: ID!, $i: PersonInput!) { addPerson(caseId: $c, input: $i) { id } }`,
    {
      c: id('case:iasi'),
      i: {
        role: 'VICTIM',
        pseudonym: 'RedOne',
        handling: { marking: 'RED', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'A', handlingCode: 'P' },
      },
    },
  );
  expect(added.errors).toBeUndefined();
  const red = added.data!.addPerson.id;
  const observed = await hub.gql('politia-romana', `mutation($c: ID!, $i: AddCaseEntityInput!) { addCaseEntity(caseId: $c, input: $i) { id } }`, {
    c: id('case:iasi'),
    i: { kind: 'PHONE', value: PHONE, country: 'RO', linkToPersonId: red },
  });
  expect(observed.errors).toBeUndefined();
  const [stored] = await hub.db.query<{ marking: string }>(`SELECT marking FROM entities.links WHERE from_person_id = $1`, [red]);
  expect(stored!.marking).toBe('RED');
  const phone = (await hub.db.query<{ id: string }>(`SELECT id FROM entities.entities WHERE kind = 'PHONE' AND value = '+40744555123'`))[0]!.id;
  const walks = async (persona: string) =>
    JSON.stringify([
      await hub.gql(persona, `query($id: ID!) { entity(id: $id) { links { kind fromPerson { id } } } }`, { id: phone }),
      await hub.gql(persona, `query($s: [ID!]!) { network(seeds: $s, depth: 2) { nodes { id degree } edges { source target } } }`, { s: [phone] }),
      await hub.gql(persona, `query($a: ID!, $b: ID!) { shortestPath(from: $a, to: $b) { nodes { id } } }`, { a: phone, b: red }),
    ]);
  // The contributor, whom the RED person reaches, walks to it (the control)...
  expect(await walks('politia-romana')).toContain(red);
  // ... and nobody else meets it: not the agency's viewer, another police force, or the hub.
  for (const persona of ['politia-romana:VIEWER', 'met-police', 'tessera-hub']) expect(await walks(persona)).not.toContain(red);

  // A link written before links took their person's handling is raised to it by the migration.
  const old = await link('politia-romana', 'case:iasi', 'USES_PHONE', { person: red }, { entity: phone });
  expect(await walks('met-police')).toContain(red);
  await new EntitiesLinksCarryPersonHandling1764000003130().up({ query: (sql: string) => hub.db.query(sql) } as unknown as QueryRunner);
  const [raised] = await hub.db.query<{ marking: string }>(`SELECT marking FROM entities.links WHERE id = $1`, [old]);
  expect(raised!.marking).toBe('RED');
  for (const persona of ['politia-romana:VIEWER', 'met-police', 'tessera-hub']) expect(await walks(persona)).not.toContain(red);
});
