import { eventsOf, ask } from '../audit/support';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * A victim's identity (full name, date of birth, contact, documents) is consulted only for a stated
 * purpose: without `x-tessera-purpose` it is withheld with PURPOSE_REQUIRED, never released, never
 * noted as consulted, and no name search, filter or sort reaches it. A suspect's identity needs none.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const PURPOSE = 'Operation Lantern: safeguarding visit planned for this week';
type Person = { id: string; role: string; pseudonym: string; fullName: string | null; dateOfBirth: string | null; contact: string | null; documents: unknown };
const PERSONS = `{ persons(first: 200) { totalCount nodes { id role pseudonym fullName dateOfBirth contact documents } } }`;
const PERSON = `query($id: ID!) { person(id: $id) { id role pseudonym fullName dateOfBirth contact documents } }`;
const CASE_PERSONS = `query($id: ID!) { case(id: $id) { id persons { id role fullName dateOfBirth } } }`;
const SEARCH = `query($name: String!) { searchPersons(name: $name) { person { id fullName } } }`;
const FILTER = `query($name: String!) { persons(first: 50, filter: { fullNameContains: $name }) { totalCount nodes { id fullName } } }`;
const SORTED = `{ persons(first: 200, orderBy: { field: FULL_NAME }) { nodes { id role fullName } } }`;

const IDENTITY = ['fullName', 'dateOfBirth', 'contact', 'documents'] as const;

function errorsAt(r: GraphQLResult<unknown>, code: string): string[] {
  return (r.errors ?? []).filter((e) => e.extensions?.code === code).map((e) => (e.path ?? []).join('.'));
}

async function ownPersons(
  persona: string,
  purpose?: string,
): Promise<{ r: GraphQLResult<{ persons: { nodes: Person[] } }>; victims: Person[]; suspects: Person[] }> {
  const r = await hub.gql<{ persons: { nodes: Person[] } }>(persona, PERSONS, {}, { purpose });
  const nodes = r.data!.persons.nodes;
  return { r, victims: nodes.filter((p) => p.role === 'VICTIM'), suspects: nodes.filter((p) => p.role === 'SUSPECT') };
}

describe.each([
  ['met-police', 'Elena Marinescu'],
  ['politia-romana', 'Andreea Lungu'],
  ['safe-passage', 'Bianca Neagu'],
])('%s reading its own victim', (persona, victimName) => {
  test("without a purpose: each identity field of each of its victims is null with PURPOSE_REQUIRED at its path; others' victims stay FORBIDDEN_FIELD", async () => {
    const own = (await ownPersons(persona, PURPOSE)).victims.filter((v) => v.fullName !== null).map((v) => v.id);
    expect(own.length).toBeGreaterThan(0);
    const { r, victims } = await ownPersons(persona);
    for (const v of victims) for (const f of IDENTITY) expect(v[f]).toBeNull();
    const nodes = r.data!.persons.nodes;
    const expected = nodes.flatMap((p, i) => (own.includes(p.id) ? IDENTITY.map((f) => `persons.nodes.${i}.${f}`) : []));
    expect(errorsAt(r, 'PURPOSE_REQUIRED').sort()).toEqual(expected.sort());
    const othersVictims = nodes.flatMap((p, i) => (p.role === 'VICTIM' && !own.includes(p.id) ? [`persons.nodes.${i}.fullName`] : []));
    for (const path of othersVictims) expect(errorsAt(r, 'FORBIDDEN_FIELD')).toContain(path);
    expect(JSON.stringify(r)).not.toContain(victimName);
    expect(r.errors!.find((e) => e.extensions?.code === 'PURPOSE_REQUIRED')!.message).toContain('x-tessera-purpose');
  });

  test('with a purpose: the same request releases the victim', async () => {
    const { r, victims } = await ownPersons(persona, PURPOSE);
    expect(errorsAt(r, 'PURPOSE_REQUIRED')).toEqual([]);
    expect(victims.map((v) => v.fullName)).toContain(victimName);
  });

  test('a name search, filter or sort without a purpose passes the victim by; with one it finds her', async () => {
    const surname = victimName.split(' ')[1]!;
    const search = await hub.gql<{ searchPersons: Array<{ person: Person }> }>(persona, SEARCH, { name: victimName });
    expect(search.errors).toBeUndefined();
    expect(search.data!.searchPersons).toEqual([]);
    const filtered = await hub.gql<{ persons: { totalCount: number } }>(persona, FILTER, { name: surname });
    expect(filtered.data!.persons.totalCount).toBe(0);

    const found = await hub.gql<{ searchPersons: Array<{ person: Person }> }>(persona, SEARCH, { name: victimName }, { purpose: PURPOSE });
    expect(found.data!.searchPersons.map((m) => m.person.fullName)).toContain(victimName);
    const filteredWith = await hub.gql<{ persons: { totalCount: number; nodes: Person[] } }>(persona, FILTER, { name: surname }, { purpose: PURPOSE });
    expect(filteredWith.data!.persons.nodes.map((p) => p.fullName)).toContain(victimName);
  });
});

test("a sort by full name without a purpose orders no victim by her name (the victims' rows come last, unnamed)", async () => {
  const r = await hub.gql<{ persons: { nodes: Person[] } }>('met-police', SORTED);
  const roles = r.data!.persons.nodes.map((p) => p.role);
  const firstVictim = roles.indexOf('VICTIM');
  expect(firstVictim).toBeGreaterThan(-1);
  // Once the rows the caller may sort by name run out, only rows without a readable name follow.
  for (const p of r.data!.persons.nodes.slice(firstVictim)) expect(p.fullName).toBeNull();
});

test("a suspect's identity needs no purpose", async () => {
  const { r, suspects } = await ownPersons('met-police');
  expect(suspects.some((s) => s.fullName !== null)).toBe(true);
  for (const p of errorsAt(r, 'PURPOSE_REQUIRED')) {
    const index = Number(p.split('.')[2]);
    expect(r.data!.persons.nodes[index]!.role).toBe('VICTIM');
  }
});

test('nested: a case read without a purpose withholds its victims, not its suspects', async () => {
  const own = (await ownPersons('met-police', PURPOSE)).victims.find((v) => v.fullName !== null)!;
  const [row] = await hub.db.query<{ case_id: string }>(`SELECT case_id::text FROM cases.persons WHERE id = $1`, [own.id]);
  const r = await hub.gql<{ case: { persons: Person[] } }>('met-police', CASE_PERSONS, { id: row!.case_id });
  const persons = r.data!.case.persons;
  for (const p of persons.filter((x) => x.role === 'VICTIM')) expect(p.fullName).toBeNull();
  expect(errorsAt(r, 'PURPOSE_REQUIRED').every((path) => path.startsWith('case.persons.'))).toBe(true);
  expect(errorsAt(r, 'PURPOSE_REQUIRED').length).toBeGreaterThan(0);
});

test('withheld for want of a purpose is not consulted: the audit trail notes no victim identity for that request', async () => {
  const victim = (await ownPersons('met-police', PURPOSE)).victims.find((v) => v.fullName !== null)!;
  const without = await ask(hub, 'met-police', PERSON, { id: victim.id });
  expect(codes(without)).toContain('PURPOSE_REQUIRED');
  const noted = (await eventsOf(hub, without.requestId)).filter((e) => e.subject_id === victim.id);
  expect(noted.flatMap((e) => e.fields).filter((f) => (IDENTITY as readonly string[]).includes(f))).toEqual([]);

  const withPurpose = await ask(hub, 'met-police', PERSON, { id: victim.id }, { purpose: PURPOSE });
  expect(codes(withPurpose)).not.toContain('PURPOSE_REQUIRED');
  const consulted = (await eventsOf(hub, withPurpose.requestId)).filter((e) => e.subject_id === victim.id);
  expect(consulted.map((e) => e.purpose)).toEqual([PURPOSE]);
  expect(consulted[0]!.fields).toEqual(expect.arrayContaining(['fullName', 'dateOfBirth']));
});

test("a purpose opens nothing the caller's agency may not read: a bank with a purpose still reads no victim", async () => {
  const r = await hub.gql<{ persons: { nodes: Person[] } }>('albion-bank', PERSONS, {}, { purpose: PURPOSE });
  const text = JSON.stringify(r);
  for (const name of ['Elena Marinescu', 'Maria Stoica', 'Andreea Lungu', 'Bianca Neagu', 'Ioana Dumitrache']) expect(text).not.toContain(name);
  expect(errorsAt(r, 'PURPOSE_REQUIRED')).toEqual([]);
});
