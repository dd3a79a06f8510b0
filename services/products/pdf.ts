import PDFDocument from 'pdfkit';
import { countText, MAP_SIZE } from './visuals';
import type { MapHotspot } from '../routes/api';

// svg-to-pdfkit ships no types: one function that draws an SVG string on a PDFKit page.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SVGtoPDF = require('svg-to-pdfkit') as (
  doc: PDFKit.PDFDocument,
  svg: string,
  x: number,
  y: number,
  options?: { width?: number; height?: number },
) => void;

/** What a report's PDF shows: one version as one reader's agency type was shown it (its stored rendering). */
export interface PdfReport {
  title: string;
  marking: string;
  version: number;
  publishedAt: string;
  summary: string;
  keyJudgements: string[];
  body: string;
  periodStart: string;
  periodEnd: string;
  agencyType: string;
  routeMapSvg: string;
  networkSvg: string;
  hotspots: MapHotspot[];
  k: number;
}

/**
 * A font that has Romanian's ș and ț (PDFKit's built-in Helvetica is WinAnsi only): DejaVu Sans,
 * shipped with the app (the dejavu-fonts-ttf package), so a PDF reads the same on every host.
 */
const FONTS = { regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'), bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf') };

/** The report as a PDF: its marking on every page, its text, the route map, the hotspot table and the network chart. */
export function reportPdf(r: PdfReport): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: r.title, Creator: 'Tessera' }, bufferPages: true });
  const { regular, bold } = FONTS;
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const width = doc.page.width - 100;
  const heading = (text: string) => doc.moveDown(0.8).font(bold).fontSize(13).fillColor('#000000').text(text).moveDown(0.3);

  doc.font(bold).fontSize(10).fillColor('#b3261e').text(`TLP:${r.marking}`, { align: 'right' });
  doc.font(bold).fontSize(20).fillColor('#000000').text(r.title);
  doc
    .font(regular)
    .fontSize(9)
    .fillColor('#444444')
    .text(`Version ${r.version}, published ${r.publishedAt.slice(0, 10)}. Period ${r.periodStart} to ${r.periodEnd}.`);
  doc.text(`Figures as shown to ${r.agencyType.replace(/_/g, ' ').toLowerCase()} recipients.`);
  heading('Summary');
  doc.font(regular).fontSize(11).text(r.summary);
  if (r.keyJudgements.length) {
    heading('Key judgements');
    doc.font(regular).fontSize(11).list(r.keyJudgements, { bulletRadius: 2 });
  }
  heading('Assessment');
  doc.font(regular).fontSize(11).text(r.body);

  doc.addPage();
  heading('Route map');
  const mapHeight = (width * MAP_SIZE.height) / MAP_SIZE.width;
  SVGtoPDF(doc, r.routeMapSvg, 50, doc.y, { width, height: mapHeight });
  doc.y += mapHeight + 10;
  heading('Hotspots');
  if (!r.hotspots.length) doc.font(regular).fontSize(10).text('No hotspot to show.');
  for (const h of r.hotspots) {
    const place = h.location ? `${h.location.name}${h.location.countryCode ? ` (${h.location.countryCode})` : ''}` : 'Unknown place';
    doc
      .font(regular)
      .fontSize(10)
      .text(`${place}: ${countText(h, r.k, 'cases')}, ${countText(h, r.k, 'victims')}`);
  }

  doc.addPage();
  heading('Network');
  SVGtoPDF(doc, r.networkSvg, 50, doc.y, { width, height: (width * 420) / 640 });

  const pages = doc.bufferedPageRange();
  for (let i = pages.start; i < pages.start + pages.count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin, which PDFKit would otherwise answer with a new page.
    doc.page.margins.bottom = 0;
    doc
      .font(bold)
      .fontSize(8)
      .fillColor('#b3261e')
      .text(`TLP:${r.marking}`, 50, doc.page.height - 40, { lineBreak: false });
  }
  doc.end();
  return done;
}
