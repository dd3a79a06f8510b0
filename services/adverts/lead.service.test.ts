import { type AdvertRow, networkLeads } from './lead.service';

const advert = (id: string, phones: string[], hashes: string[]): AdvertRow => ({
  id,
  phones,
  hashes,
  city: null,
  firstSeen: new Date('2026-01-01T00:00:00Z'),
  lastSeen: new Date('2026-01-01T00:00:00Z'),
  indicators: [],
  marking: 'CLEAR',
  sharedAgencies: [],
  sharedGroups: [],
});

describe('networkLeads: a network some of whose adverts are gone', () => {
  test('splits into the components that remain joined, each of two adverts or more, in the order of their first advert', () => {
    // a-b by a phone, c-d by an image, c-e by a phone; f joined to nothing (the advert that bridged them is gone).
    const leads = networkLeads([
      advert('a', ['+1'], []),
      advert('c', ['+2'], ['ff00']),
      advert('b', ['+1'], ['aa11']),
      advert('d', [], ['ff00']),
      advert('f', ['+3'], ['bb22']),
      advert('e', ['+2'], []),
    ]);
    expect(leads.map((l) => l.adverts.map((a) => a.id))).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
    expect(leads.map((l) => [l.phones, l.hashes])).toEqual([
      [['+1'], []],
      [['+2'], ['ff00']],
    ]);
  });

  test('a network left with one advert, or none joined, is no lead', () => {
    expect(networkLeads([advert('a', ['+1'], []), advert('b', ['+2'], [])])).toEqual([]);
    expect(networkLeads([advert('a', ['+1'], [])])).toEqual([]);
  });
});
