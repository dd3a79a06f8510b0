import { countText, escapeXml, networkChartSvg, routeMapSvg } from './visuals';

const place = (name: string, latitude: number, longitude: number) => ({ name, countryCode: 'RO', latitude, longitude });

describe('report visuals as SVG', () => {
  test('a withheld count reads "fewer than k"; a released one its number', () => {
    expect(countText({ caseCount: null, victimCount: null, countSuppressed: true }, 5)).toBe('fewer than 5 victims');
    expect(countText({ caseCount: 6, victimCount: 9, countSuppressed: false }, 5)).toBe('9 victims');
    expect(countText({ caseCount: 6, victimCount: 9, countSuppressed: false }, 5, 'cases')).toBe('6 cases');
  });

  test('the map draws each route with its places and count, and the countries around them', () => {
    const svg = routeMapSvg(
      [
        {
          origin: place('Iași', 47.16, 27.59),
          transit: [place('București', 44.43, 26.1)],
          destination: { name: 'London', countryCode: 'GB', latitude: 51.5, longitude: -0.12 },
          caseCount: null,
          victimCount: null,
          countSuppressed: true,
          periodStart: '2025-01-01',
          periodEnd: '2025-12-31',
        },
      ],
      [],
      5,
    );
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('>Iași<');
    expect(svg).toContain('>fewer than 5 victims<');
    expect((svg.match(/<path /g) ?? []).length).toBeGreaterThan(20);
  });

  test('text from the data is escaped: no markup, script or reference gets into the SVG', () => {
    const hostile = '<script>alert(1)</script><a href="javascript:x">&';
    expect(escapeXml(hostile)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href=&quot;javascript:x&quot;&gt;&amp;');
    const map = routeMapSvg(
      [],
      [{ location: place(hostile, 47, 27), caseCount: 3, victimCount: 3, countSuppressed: false, periodStart: null, periodEnd: null }],
      5,
    );
    const chart = networkChartSvg([{ id: 'n1', type: 'ENTITY', kind: 'PHONE', label: hostile, valueShown: true, hub: false }], []);
    for (const svg of [map, chart]) {
      // Only as text: no element, attribute or reference comes of it.
      expect(svg).not.toMatch(/<script|<a[\s>]|\shref="|xlink:|\son\w+="/i);
      expect(svg).toContain('&lt;script&gt;');
    }
  });

  test('the network chart names persons and cases by their kind only, identifiers by their label', () => {
    const svg = networkChartSvg(
      [
        { id: 'c', type: 'CASE', label: null, valueShown: false, kind: null, hub: false },
        { id: 'p', type: 'PERSON', label: null, valueShown: false, kind: null, hub: false },
        { id: 'e', type: 'ENTITY', label: '+44 77•• ••• 123', valueShown: false, kind: 'PHONE', hub: true },
      ],
      [{ source: 'p', target: 'e', kind: 'USES_PHONE' }],
    );
    expect(svg).toContain('>Case<');
    expect(svg).toContain('>Person<');
    expect(svg).toContain('>PHONE: +44 77•• ••• 123<');
    expect(svg).toContain('<line');
  });
});
