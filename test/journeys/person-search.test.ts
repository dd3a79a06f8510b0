import { codes, startTestHub, type TestHub } from '../support/hub';

type Matches = { searchPersons: Array<{ score: number; person: { pseudonym: string; role: string; fullName: string | null } }> };
const SEARCH = `query($name: String!) { searchPersons(name: $name) { score person { pseudonym role fullName } } }`;

/** Law enforcement finds people by name however it is typed; nobody finds a name they may not read. */
describe('person name search', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  });
  afterAll(() => hub.stop());

  // Searches state a purpose: without one a victim's name is passed by (victim-purpose.test.ts).
  const names = async (persona: string, name: string) => {
    const r = await hub.gql<Matches>(persona, SEARCH, { name }, { purpose: 'Name search in an open investigation' });
    expect(r.errors).toBeUndefined();
    return r.data!.searchPersons.map((m) => m.person.fullName);
  };

  test.each(['Ionuț Popescu', 'Ionut Popescu', 'Ionuţ Popescu', 'ionut popesku', 'IONUT POPESCU'])('police find Ionuț Popescu from "%s"', async (typed) => {
    const r = await hub.gql<Matches>('met-police', SEARCH, { name: typed });
    const top = r.data!.searchPersons[0]!;
    expect(top.person.fullName).toBe('Ionuț Popescu');
    expect(top.score).toBeGreaterThan(0.5);
  });

  test.each(['Popesku', 'popescu', 'Popescu'])('police find Ionuț Popescu from the surname alone, "%s"', async (typed) => {
    const r = await hub.gql<Matches>('met-police', SEARCH, { name: typed });
    expect(r.errors).toBeUndefined();
    expect(r.data!.searchPersons[0]!.person.fullName).toBe('Ionuț Popescu');
  });

  test('a surname alone finds no name the caller may not read', async () => {
    expect(await names('met-police', 'Lungu')).toEqual([]); // the Romanian police's victim
    expect(await names('politia-romana', 'Lungu')).toEqual(['Andreea Lungu']);
    expect(await names('tessera-hub', 'Marinesku')).toEqual([]);
    for (const persona of ['albion-bank', 'tessera-admin']) {
      const r = await hub.gql<Matches>(persona, SEARCH, { name: 'Stoika' });
      expect(r.data?.searchPersons ?? []).toEqual([]);
      expect(JSON.stringify(r)).not.toContain('Stoica');
    }
  });

  test('the best match comes first', async () => {
    const r = await hub.gql<Matches>('met-police', SEARCH, { name: 'Marian Vasilescu' });
    expect(r.data!.searchPersons[0]!.person.fullName).toBe('Marian Vasilescu');
    const scores = r.data!.searchPersons.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  test("police do not find another agency's victim by name, though they find their own", async () => {
    expect(await names('met-police', 'Elena Marinescu')).toEqual(['Elena Marinescu']); // own case
    expect(await names('met-police', 'Andreea Lungu')).toEqual([]); // the Romanian police's victim
    expect(await names('politia-romana', 'Andreea Lungu')).toEqual(['Andreea Lungu']);
  });

  test('hub analysts find suspects, never victims', async () => {
    expect(await names('tessera-hub', 'Florin Ardeleanu')).toEqual(['Florin Ardeleanu']);
    expect(await names('tessera-hub', 'Elena Marinescu')).toEqual([]);
    expect(await names('tessera-hub', 'Bianca Neagu')).toEqual([]);
  });

  test('an NGO finds only the people of its own cases', async () => {
    expect(await names('safe-passage', 'Bianca Neagu')).toEqual(['Bianca Neagu']);
    expect(await names('safe-passage', 'Maria Stoica')).toEqual([]); // Midlands victim: its case reaches the NGO, her name does not
    expect(await names('lumina-ro', 'Bianca Neagu')).toEqual([]);
  });

  test('banks and admins find no victims; nothing leaks through the response', async () => {
    for (const persona of ['albion-bank', 'banca-carpati', 'tessera-admin']) {
      for (const name of ['Elena Marinescu', 'Maria Stoica', 'Andreea Lungu', 'Bianca Neagu']) {
        const r = await hub.gql<Matches>(persona, SEARCH, { name });
        expect(r.data?.searchPersons ?? []).toEqual([]);
        expect(JSON.stringify(r)).not.toContain(name.split(' ')[1]);
      }
    }
  });

  test('a too-short search is refused naming the argument', async () => {
    const r = await hub.gql('met-police', SEARCH, { name: 'Io' });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0]!.extensions!.field).toBe('name');
  });
});
