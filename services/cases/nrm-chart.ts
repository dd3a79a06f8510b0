import sharp from 'sharp';
import { UK_NRM_TARGETS } from './referral';

export type ChartMeasure = 'REFERRALS' | 'REASONABLE_GROUNDS_MEDIAN' | 'CONCLUSIVE_GROUNDS_MEDIAN' | 'IDENTIFICATION_MEDIAN';
export type ChartLanguage = 'EN' | 'RO';

/** A statistics row as released to the caller (withheld values are null). */
export interface ChartRow {
  mechanism?: unknown;
  quarter?: unknown;
  group?: unknown;
  referrals?: unknown;
  reasonableGroundsDecisions?: unknown;
  reasonableGroundsMedianWorkingDays?: unknown;
  conclusiveGroundsDecisions?: unknown;
  conclusiveGroundsMedianDays?: unknown;
  identificationDecisions?: unknown;
  identificationMedianDays?: unknown;
}

const LABELS = {
  EN: {
    REFERRALS: 'Referrals by quarter',
    REASONABLE_GROUNDS_MEDIAN: 'Median working days to the reasonable-grounds decision',
    CONCLUSIVE_GROUNDS_MEDIAN: 'Median days from reasonable grounds to the conclusive decision',
    IDENTIFICATION_MEDIAN: 'Median days from signalling to identification',
    target: (n: number) => `target: ${n} working days`,
    minimum: (n: number) => `minimum: ${n} days`,
    median2023: (n: number) => `2023 median: ${n} days`,
    withheld: 'withheld',
    empty: 'No referrals in this period',
  },
  RO: {
    REFERRALS: 'Referiri pe trimestru',
    REASONABLE_GROUNDS_MEDIAN: 'Mediana zilelor lucrătoare până la decizia pe motive rezonabile',
    CONCLUSIVE_GROUNDS_MEDIAN: 'Mediana zilelor de la motivele rezonabile la decizia definitivă',
    IDENTIFICATION_MEDIAN: 'Mediana zilelor de la semnalare la identificare',
    target: (n: number) => `țintă: ${n} zile lucrătoare`,
    minimum: (n: number) => `minim: ${n} zile`,
    median2023: (n: number) => `mediana din 2023: ${n} zile`,
    withheld: 'nepublicat',
    empty: 'Nicio referire în această perioadă',
  },
} as const;

/** Colours for groups, told apart by shade as well as hue. */
const PALETTE = ['#1b4f72', '#d35400', '#117a65', '#7d3c98', '#b7950b', '#5d6d7e', '#922b21', '#2e86c1'];

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** A bar's value, `withheld` when disclosure control withheld it, `none` when there is nothing to measure (a median of no decision). */
/** The mechanism a median belongs to: in another mechanism's rows it is not measured at all. */
const MEASURE_MECHANISM: Partial<Record<ChartMeasure, string>> = {
  REASONABLE_GROUNDS_MEDIAN: 'UK_NRM',
  CONCLUSIVE_GROUNDS_MEDIAN: 'UK_NRM',
  IDENTIFICATION_MEDIAN: 'RO_MNIR',
};

function valueOf(row: ChartRow, measure: ChartMeasure): number | 'withheld' | 'none' {
  const of = MEASURE_MECHANISM[measure];
  if (of && row.mechanism !== undefined && row.mechanism !== of) return 'none';
  const [v, basis] =
    measure === 'REFERRALS'
      ? [row.referrals, 1]
      : measure === 'REASONABLE_GROUNDS_MEDIAN'
        ? [row.reasonableGroundsMedianWorkingDays, row.reasonableGroundsDecisions]
        : measure === 'CONCLUSIVE_GROUNDS_MEDIAN'
          ? [row.conclusiveGroundsMedianDays, row.conclusiveGroundsDecisions]
          : [row.identificationMedianDays, row.identificationDecisions];
  if (typeof v === 'number') return v;
  return basis === 0 ? 'none' : 'withheld';
}

/** The chart's title, which is also the start of its text alternative. */
export function chartTitle(measure: ChartMeasure, language: ChartLanguage): string {
  return LABELS[language][measure];
}

/**
 * A grouped bar chart of one measure of a statistics table: quarters along the x axis, one bar per
 * group (never stacked: a stack would show a total), a hatched outline where a value was withheld,
 * and the UK's reference lines for the medians (5 working days; 30 and 526 days). Every text in it
 * is escaped: group names come from the data.
 */
export function nrmChartSvg(rows: readonly ChartRow[], measure: ChartMeasure, language: ChartLanguage): string {
  const L = LABELS[language];
  const width = 760;
  const height = 380;
  const m = { top: 48, right: 180, bottom: 48, left: 56 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const quarters = [...new Set(rows.map((r) => String(r.quarter)))];
  const groups = [...new Set(rows.map((r) => String(r.group)))].sort();
  const lines: Array<{ value: number; label: string }> =
    measure === 'REASONABLE_GROUNDS_MEDIAN'
      ? [{ value: UK_NRM_TARGETS.reasonableGroundsWorkingDays, label: L.target(UK_NRM_TARGETS.reasonableGroundsWorkingDays) }]
      : measure === 'CONCLUSIVE_GROUNDS_MEDIAN'
        ? [
            { value: UK_NRM_TARGETS.conclusiveMinimumDays, label: L.minimum(UK_NRM_TARGETS.conclusiveMinimumDays) },
            { value: UK_NRM_TARGETS.conclusiveMedianDays2023, label: L.median2023(UK_NRM_TARGETS.conclusiveMedianDays2023) },
          ]
        : [];
  const values = rows.map((r) => valueOf(r, measure)).filter((v): v is number => typeof v === 'number');
  const max = Math.max(1, ...values, ...lines.map((l) => l.value)) * 1.1;
  const y = (v: number) => m.top + plotH - (v / max) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<title>${escapeXml(L[measure])}</title>`,
    `<defs><pattern id="withheld" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="24" font-size="15" font-weight="bold" fill="#1c2833">${escapeXml(L[measure])}</text>`,
  ];
  // Axis and ticks.
  const step = Math.max(1, Math.ceil(max / 5 / 5) * 5);
  for (let v = 0; v <= max; v += step) {
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e8e8"/>`);
    out.push(`<text x="${m.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#424949">${v}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}" stroke="#424949"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="#424949"/>`);
  if (quarters.length === 0)
    out.push(`<text x="${m.left + plotW / 2}" y="${m.top + plotH / 2}" text-anchor="middle" fill="#424949">${escapeXml(L.empty)}</text>`);
  const slot = plotW / Math.max(1, quarters.length);
  const barW = Math.min(28, (slot * 0.8) / Math.max(1, groups.length));
  quarters.forEach((q, qi) => {
    const x0 = m.left + qi * slot + (slot - barW * groups.length) / 2;
    groups.forEach((g, gi) => {
      const row = rows.find((r) => String(r.quarter) === q && String(r.group) === g);
      const v = row ? valueOf(row, measure) : 'none';
      if (v === 'none') return;
      const x = (x0 + gi * barW).toFixed(1);
      const w = (barW - 2).toFixed(1);
      if (v === 'withheld') {
        const h = plotH * 0.08;
        out.push(
          `<rect x="${x}" y="${(m.top + plotH - h).toFixed(1)}" width="${w}" height="${h.toFixed(1)}" fill="url(#withheld)" stroke="#888"><title>${escapeXml(`${q} ${g}: ${L.withheld}`)}</title></rect>`,
        );
      } else if (typeof v === 'number') {
        out.push(
          `<rect x="${x}" y="${y(v).toFixed(1)}" width="${w}" height="${(m.top + plotH - y(v)).toFixed(1)}" fill="${PALETTE[gi % PALETTE.length]}"><title>${escapeXml(`${q} ${g}: ${v}`)}</title></rect>`,
        );
      }
    });
    out.push(`<text x="${(m.left + qi * slot + slot / 2).toFixed(1)}" y="${m.top + plotH + 18}" text-anchor="middle" fill="#1c2833">${escapeXml(q)}</text>`);
  });
  for (const l of lines) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(l.value).toFixed(1)}" y2="${y(l.value).toFixed(1)}" stroke="#c0392b" stroke-dasharray="6 4"/>`,
    );
    out.push(`<text x="${m.left + plotW - 4}" y="${(y(l.value) - 4).toFixed(1)}" text-anchor="end" fill="#c0392b">${escapeXml(l.label)}</text>`);
  }
  // Legend.
  groups.forEach((g, gi) => {
    const ly = m.top + 20 + gi * 18;
    out.push(`<rect x="${m.left + plotW + 6}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[gi % PALETTE.length]}"/>`);
    out.push(`<text x="${m.left + plotW + 24}" y="${ly}" fill="#1c2833">${escapeXml(g)}</text>`);
  });
  const ly = m.top + 20 + groups.length * 18;
  out.push(`<rect x="${m.left + plotW + 6}" y="${ly - 10}" width="12" height="12" fill="url(#withheld)" stroke="#888"/>`);
  out.push(`<text x="${m.left + plotW + 24}" y="${ly}" fill="#1c2833">${escapeXml(L.withheld)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** The same chart as PNG, rasterised from its SVG by sharp (librsvg). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg, 'utf8')).png().toBuffer();
}
