import { cityOf } from './advert-file';

/**
 * An advert's city is counted in leads, which NGOs read: it is the first part of the location the
 * collector wrote, and none when that part names an identifier.
 */
describe('the city of an advert', () => {
  test('is the first comma-separated part of its location', () => {
    expect(cityOf('Birmingham, West Midlands')).toBe('Birmingham');
    expect(cityOf('  Sheffield  ')).toBe('Sheffield');
    expect(cityOf(null)).toBeNull();
  });

  test('is none when that part names an identifier, however it is written', () => {
    for (const location of ['Ana 07700 900555, Leeds', 'call 07700\u00A0900555', 'ana.leeds@example.com, Leeds', 'GB82 WEST 1234 5698 7654 32']) {
      expect({ location, city: cityOf(location) }).toEqual({ location, city: null });
    }
  });
});
