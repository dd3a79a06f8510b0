import { nrmChartSvg, svgToPng } from './nrm-chart';

describe('the NRM statistics chart', () => {
  const rows = [
    { quarter: '2025-Q3', group: 'RO', referrals: 12, reasonableGroundsDecisions: 12, reasonableGroundsMedianWorkingDays: 4 },
    { quarter: '2025-Q3', group: '<script>', referrals: null, reasonableGroundsDecisions: null, reasonableGroundsMedianWorkingDays: null },
    { quarter: '2025-Q4', group: 'RO', referrals: 6, reasonableGroundsDecisions: 0, reasonableGroundsMedianWorkingDays: null },
  ];

  test('one bar per quarter and group, withheld values hatched, nothing measured for a median of no decision', () => {
    const svg = nrmChartSvg(rows, 'REASONABLE_GROUNDS_MEDIAN', 'EN');
    expect(svg).toContain('<title>2025-Q3 RO: 4</title>');
    expect(svg).toContain('<title>2025-Q3 &lt;script&gt;: withheld</title>');
    expect(svg).not.toContain('2025-Q4 RO');
    expect(svg).toContain('target: 5 working days');
    expect(svg).not.toContain('<script>');
  });

  test('bars are grouped, never stacked: no value is the sum of a quarter', () => {
    const svg = nrmChartSvg(rows, 'REFERRALS', 'RO');
    expect(svg).toContain('Referiri pe trimestru');
    expect(svg).not.toMatch(/: 18</);
    expect(svg.match(/<title>2025-Q\d [^<]*: \d+<\/title>/g)).toEqual(['<title>2025-Q3 RO: 12</title>', '<title>2025-Q4 RO: 6</title>']);
  });

  test('PNG is rasterised from the SVG', async () => {
    const png = await svgToPng(nrmChartSvg(rows, 'REFERRALS', 'EN'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
