import { startTestHub, type TestHub } from '../support/hub';

type Places = { locations: { nodes: Array<{ name: string; countryCode: string }> } };
const SEARCH = `query($s: String!, $cc: String) { locations(search: $s, countryCode: $cc) { nodes { name countryCode } } }`;

/** Place names as users type them: with or without diacritics, with the old cedilla forms. */
describe('gazetteer search', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  });
  afterAll(() => hub.stop());

  test.each([
    ['Constanta', 'Constanța'],
    ['constanţa', 'Constanța'],
    ['CONSTANȚA', 'Constanța'],
    ['Tirgu Jiu', 'Târgu Jiu'],
    ['Timisoara', 'Timișoara'],
    ['Iasi', 'Iași'],
    ['lond', 'London'],
  ])('"%s" finds %s first', async (typed, expected) => {
    const r = await hub.gql<Places>('safe-passage', SEARCH, { s: typed });
    expect(r.errors).toBeUndefined();
    expect(r.data!.locations.nodes[0]?.name).toBe(expected);
  });

  test('a country filter narrows the search', async () => {
    const r = await hub.gql<Places>('met-police', SEARCH, { s: 'a', cc: 'GB' });
    expect(r.data!.locations.nodes.length).toBeGreaterThan(0);
    expect(new Set(r.data!.locations.nodes.map((n) => n.countryCode))).toEqual(new Set(['GB']));
  });
});
