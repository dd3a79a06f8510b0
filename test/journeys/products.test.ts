import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_REPORTS } from '../../services/products/demo-data';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { tempDir } from '../support/temp-dir';

jest.setTimeout(120_000);

/**
 * Intelligence products: a hub analyst publishes a report for banks; a bank reads it in its feed with
 * the route map as banks read it (small counts "fewer than k", never the hub's exact figures), and
 * downloads it as a PDF with its text and pictures; an NGO never sees it. A new version keeps the old
 * one; withdrawal takes it from the bank's feed. Feedback closes the loop.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const PUBLISH = `mutation($input: PublishReportInput!) { publishIntelligenceReport(input: $input) {
  id status versionCount marking audienceAgencyTypes latest { version title } } }`;
const READ = `query($id: ID!) { intelligenceReport(id: $id) { id status versionCount
  latest { id version title summary keyJudgements body periodStart periodEnd linkedCases { id }
    visuals { agencyType periodStart periodEnd routeMapSvg networkSvg k routes { victimCount countSuppressed origin { name } destination { name } }
      hotspots { caseCount victimCount countSuppressed location { name } } } }
  versions { version title } } }`;
const FEED = `{ intelligenceFeed(first: 50) { totalCount nodes { id latest { title } } } }`;

const SECRET_TITLE = 'Loverboy funnel accounts: the Midlands picture for banks';
const input = (over: Record<string, unknown> = {}) => ({
  marking: 'AMBER',
  audience: { agencyTypes: ['FINANCIAL_INSTITUTION'] },
  content: {
    title: SECRET_TITLE,
    summary: 'Accounts receiving small advert payments and night cash deposits, moving money to Romania.',
    keyJudgements: ['Funnel accounts are likely run by the recruiters themselves.'],
    body: 'Banks should screen for the identifiers the hub holds and report matches.',
    linkedCaseIds: [hub.demo.ids['case:iasi'], hub.demo.ids['case:lanterna']],
    periodStart: '2025-01-01',
    periodEnd: '2025-12-31',
  },
  idempotencyKey: 'products-journey-0001',
  ...over,
});

describe('an intelligence report for banks', () => {
  let id: string;

  test('a hub analyst publishes it; publishing again with the same key returns the same report', async () => {
    const r = await hub.gql<{ publishIntelligenceReport: { id: string; status: string; versionCount: number; latest: { version: number } } }>(
      'tessera-hub',
      PUBLISH,
      {
        input: input(),
      },
    );
    expect(r.errors).toBeUndefined();
    id = r.data!.publishIntelligenceReport.id;
    expect(r.data!.publishIntelligenceReport).toMatchObject({ status: 'PUBLISHED', versionCount: 1, latest: { version: 1 } });
    const again = await hub.gql<{ publishIntelligenceReport: { id: string } }>('tessera-hub', PUBLISH, { input: input() });
    expect(again.data!.publishIntelligenceReport.id).toBe(id);
    const other = await hub.gql('tessera-hub', PUBLISH, { input: input({ marking: 'GREEN' }) });
    expect(codes(other)).toEqual(['CONFLICT']);
  });

  test('bad input is refused with the field named, and nothing is written', async () => {
    const before = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM products.reports');
    for (const [over, field] of [
      [{ audience: {} }, 'input.audience'],
      [{ audience: { agencyTypes: ['HUB_ADMIN'] } }, 'input.audience.agencyTypes[0]'],
      [{ audience: { agencyIds: [hub.demo.agencies['tessera-admin']!.id] } }, 'input.audience.agencyIds[0]'],
      [{ audience: { groupIds: [hub.demo.agencies['met-police']!.id] } }, 'input.audience.groupIds[0]'],
      [{ content: { ...input().content, periodEnd: '2023-01-01' } }, 'input.content.periodEnd'],
      [{ content: { ...input().content, title: ' ' } }, 'input.content.title'],
    ] as const) {
      const r = await hub.gql('tessera-hub', PUBLISH, { input: input({ ...over, idempotencyKey: `products-bad-${field.replace(/[^a-z.]/gi, '-')}` }) });
      expect({ field, codes: codes(r), at: r.errors?.[0]?.extensions?.field }).toEqual({ field, codes: ['BAD_USER_INPUT'], at: field });
    }
    const after = await hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM products.reports');
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  test('only a hub analyst publishes', async () => {
    for (const persona of ['albion-bank', 'met-police', 'safe-passage', 'tessera-hub:VIEWER', 'tessera-admin']) {
      const r = await hub.gql(persona, PUBLISH, { input: input({ idempotencyKey: `products-not-hub-${persona.replace(':', '-')}` }) });
      expect({ persona, codes: codes(r) }).toEqual({ persona, codes: ['FORBIDDEN'] });
    }
  });

  test('a bank reads it in its feed, with the map and hotspots as banks read them: small counts are "fewer than k"', async () => {
    const feed = await hub.gql<{ intelligenceFeed: { nodes: Array<{ id: string; latest: { title: string } }> } }>('albion-bank', FEED);
    expect(feed.data!.intelligenceFeed.nodes.map((n) => n.id)).toContain(id);
    const r = await hub.gql<{ intelligenceReport: { latest: { visuals: Array<Record<string, unknown>> } } }>('albion-bank', READ, { id });
    expect(r.errors).toBeUndefined();
    const [visuals, ...more] = r.data!.intelligenceReport.latest.visuals as Array<{
      agencyType: string;
      k: number;
      routeMapSvg: string;
      periodStart: string;
      routes: Array<{ victimCount: number | null; countSuppressed: boolean }>;
      hotspots: Array<{ victimCount: number | null; countSuppressed: boolean }>;
    }>;
    expect(more).toEqual([]);
    expect(visuals!.agencyType).toBe('FINANCIAL_INSTITUTION');
    // The map counts only what reaches every bank (GREEN cases), with the bank's disclosure control.
    expect(visuals!.routes.length).toBeGreaterThan(0);
    expect(visuals!.routes.every((route) => route.countSuppressed && route.victimCount === null)).toBe(true);
    expect(visuals!.routeMapSvg).toContain(`fewer than ${visuals!.k} victims`);
    expect(visuals!.routeMapSvg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(visuals!.routeMapSvg).not.toMatch(/<script|style=|href=/i);
    const consulted = await hub.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit.events WHERE action = 'CONSULT' AND subject_type = 'IntelligenceReportVersion' AND actor_agency_id = $1 AND 'visuals' = ANY(fields)`,
      [hub.demo.agencies['albion-bank']!.id],
    );
    expect(consulted[0]!.n).toBeGreaterThan(0);
  });

  test("the hub's own view of the same period has exact counts; the report does not carry them", async () => {
    const own = await hub.gql<{ routeAggregates: { nodes: Array<{ victimCount: number }> } }>(
      'tessera-hub',
      `{ routeAggregates(periodFrom: "2025-01-01", periodTo: "2025-12-31") { nodes { victimCount countSuppressed } } }`,
    );
    expect(own.data!.routeAggregates.nodes.some((n) => n.victimCount !== null)).toBe(true);
    const r = await hub.gql<{ intelligenceReport: { latest: { visuals: Array<{ agencyType: string; routes: Array<{ victimCount: number | null }> }> } } }>(
      'tessera-hub',
      READ,
      { id },
    );
    const views = r.data!.intelligenceReport.latest.visuals;
    expect(views.map((v) => v.agencyType)).toEqual(['FINANCIAL_INSTITUTION']);
    expect(views[0]!.routes.every((route) => route.victimCount === null)).toBe(true);
  });

  test('the bank downloads it as a PDF: its text, and pictures where the map is', async () => {
    const r = await hub.gql<{ intelligenceReport: { latest: { pdf: string } } }>(
      'albion-bank',
      `query($id: ID!) { intelligenceReport(id: $id) { latest { pdf } } }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    const dir = tempDir('tessera-pdf');
    const file = path.join(dir, 'report.pdf');
    fs.writeFileSync(file, Buffer.from(r.data!.intelligenceReport.latest.pdf, 'base64'));
    expect(fs.readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(SECRET_TITLE);
    expect(text).toContain('TLP:AMBER');
    expect(text).toContain('Funnel accounts are likely run by the recruiters themselves.');
    expect(text).toMatch(/fewer than \d+ victims/);
    expect(text).toContain('Route map');
    // Page 2 holds the map: rendered, its upper half is far from blank (sea, land, borders, routes).
    execFileSync('pdftoppm', ['-f', '2', '-l', '2', '-r', '40', '-gray', file, path.join(dir, 'page')]);
    const pgm = fs.readdirSync(dir).find((f) => f.startsWith('page'))!;
    const pixels = pgmPixels(fs.readFileSync(path.join(dir, pgm)));
    const band = pixels.data.subarray(Math.floor(pixels.height * 0.12) * pixels.width, Math.floor(pixels.height * 0.45) * pixels.width);
    const nonWhite = band.filter((v) => v < 240).length / band.length;
    expect(nonWhite).toBeGreaterThan(0.5);
    // The download is on the audit trail: consulted by the bank, disclosed to it by the hub.
    const audited = await hub.db.query<{ action: string; fields: string[]; recipients: string[] }>(
      `SELECT action, fields, recipients::text[] AS recipients FROM audit.events
       WHERE subject_type = 'IntelligenceReportVersion' AND actor_agency_id = $1 AND 'pdf' = ANY(fields) ORDER BY seq`,
      [hub.demo.agencies['albion-bank']!.id],
    );
    expect(audited.map((e) => [e.action, [...e.fields].sort()])).toEqual([
      ['CONSULT', ['agencyType:FINANCIAL_INSTITUTION', 'pdf']],
      ['DISCLOSE', ['agencyType:FINANCIAL_INSTITUTION', 'pdf']],
    ]);
    expect(audited[1]!.recipients).toEqual([hub.demo.agencies['albion-bank']!.id]);
  });

  test('an NGO, the police and frontline services do not see it: not by id, not in their feed', async () => {
    for (const persona of ['safe-passage', 'met-police', 'spitalul-iasi', 'tessera-admin']) {
      const byId = await hub.gql(persona, READ, { id });
      expect({ persona, codes: codes(byId) }).toEqual({ persona, codes: ['NOT_FOUND'] });
      const feed = await hub.gql(persona, FEED);
      expect(JSON.stringify(feed)).not.toContain(SECRET_TITLE);
    }
  });

  test('a new version keeps the old one; readers read the latest, and the history', async () => {
    const REVISE = `mutation($id: ID!, $input: ReviseReportInput!) { reviseIntelligenceReport(id: $id, input: $input) { versionCount latest { version title } } }`;
    const revision = { content: { ...input().content, title: `${SECRET_TITLE} (revised)` }, idempotencyKey: 'products-journey-0001-v2' };
    const r = await hub.gql<{ reviseIntelligenceReport: { versionCount: number } }>('tessera-hub', REVISE, { id, input: revision });
    expect(r.errors).toBeUndefined();
    expect(r.data!.reviseIntelligenceReport.versionCount).toBe(2);
    expect(
      (await hub.gql<{ reviseIntelligenceReport: { versionCount: number } }>('tessera-hub', REVISE, { id, input: revision })).data!.reviseIntelligenceReport
        .versionCount,
    ).toBe(2);
    const read = await hub.gql<{ intelligenceReport: { latest: { version: number; title: string }; versions: Array<{ version: number; title: string }> } }>(
      'albion-bank',
      READ,
      { id },
    );
    expect(read.data!.intelligenceReport.latest).toMatchObject({ version: 2, title: `${SECRET_TITLE} (revised)` });
    expect(read.data!.intelligenceReport.versions.map((v) => [v.version, v.title])).toEqual([
      [2, `${SECRET_TITLE} (revised)`],
      [1, SECRET_TITLE],
    ]);
    const bank = await hub.gql('albion-bank', REVISE, { id, input: { ...revision, idempotencyKey: 'products-journey-bank-v3' } });
    expect(codes(bank)).toEqual(['FORBIDDEN']);
  });

  test('feedback: the bank records outcomes and reads its own; the hub reads the sums per report and quarter', async () => {
    const FEEDBACK = `mutation($id: ID!, $input: ReportFeedbackInput!) { recordReportFeedback(reportId: $id, input: $input) { id useful accountsClosed } }`;
    const fb = { useful: true, accountsClosed: 3, advertsDisrupted: 1, note: 'Three accounts closed.', idempotencyKey: 'products-journey-feedback-1' };
    const r = await hub.gql<{ recordReportFeedback: { id: string } }>('albion-bank', FEEDBACK, { id, input: fb });
    expect(r.errors).toBeUndefined();
    const again = await hub.gql<{ recordReportFeedback: { id: string } }>('albion-bank', FEEDBACK, { id, input: fb });
    expect(again.data!.recordReportFeedback.id).toBe(r.data!.recordReportFeedback.id);
    expect(codes(await hub.gql('safe-passage', FEEDBACK, { id, input: { ...fb, idempotencyKey: 'products-journey-feedback-ngo' } }))).toEqual(['NOT_FOUND']);
    expect(codes(await hub.gql('albion-bank:VIEWER', FEEDBACK, { id, input: { ...fb, idempotencyKey: 'products-journey-feedback-viewer' } }))).toEqual([
      'FORBIDDEN',
    ]);
    const own = await hub.gql<{ reportFeedback: Array<{ accountsClosed: number }> }>('banca-carpati', `{ reportFeedback { accountsClosed } }`);
    expect(own.data!.reportFeedback).toEqual([]);
    const quarter = `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`;
    const SUMMARY = `{ reportFeedbackSummary(from: "2020-01-01", to: "2100-12-31") { reportId quarter feedbackCount usefulCount accountsClosed advertsDisrupted } }`;
    const sums = await hub.gql<{ reportFeedbackSummary: Array<Record<string, unknown>> }>('tessera-hub', SUMMARY);
    expect(sums.data!.reportFeedbackSummary).toContainEqual({
      reportId: id,
      quarter,
      feedbackCount: 1,
      usefulCount: 1,
      accountsClosed: 3,
      advertsDisrupted: 1,
    });
    const bankSums = await hub.gql<{ reportFeedbackSummary: unknown[] }>('albion-bank', SUMMARY);
    expect(bankSums.data!.reportFeedbackSummary).toEqual([]);
  });

  test('withdrawn, it leaves the bank’s feed and is not found; the hub keeps it with its reason', async () => {
    const WITHDRAW = `mutation($id: ID!) { withdrawIntelligenceReport(id: $id, reason: "Superseded by a joint product") { status withdrawnAt withdrawalReason } }`;
    expect(codes(await hub.gql('albion-bank', WITHDRAW, { id }))).toEqual(['FORBIDDEN']);
    const r = await hub.gql<{ withdrawIntelligenceReport: { status: string; withdrawalReason: string } }>('tessera-hub', WITHDRAW, { id });
    expect(r.data!.withdrawIntelligenceReport).toMatchObject({ status: 'WITHDRAWN', withdrawalReason: 'Superseded by a joint product' });
    expect(codes(await hub.gql('albion-bank', READ, { id }))).toEqual(['NOT_FOUND']);
    const feed = await hub.gql('albion-bank', FEED);
    expect(JSON.stringify(feed)).not.toContain(SECRET_TITLE);
    const kept = await hub.gql<{ intelligenceFeed: { nodes: Array<{ id: string }> } }>('tessera-hub', `{ intelligenceFeed(withdrawn: true) { nodes { id } } }`);
    expect(kept.data!.intelligenceFeed.nodes.map((n) => n.id)).toContain(id);
  });
});

describe("the audience's reader", () => {
  test('a report for one police agency shows what every police agency sees (exact counts), not what that agency holds', async () => {
    const WMP = hub.demo.agencies['west-midlands-police']!.id;
    const r = await hub.gql<{ publishIntelligenceReport: { id: string } }>('tessera-hub', PUBLISH, {
      input: input({ audience: { agencyIds: [WMP] }, idempotencyKey: 'products-journey-wmp-1' }),
    });
    expect(r.errors).toBeUndefined();
    const id = r.data!.publishIntelligenceReport.id;
    type Route = { origin: { name: string }; victimCount: number | null };
    const read = await hub.gql<{ intelligenceReport: { latest: { visuals: Array<{ agencyType: string; routes: Route[] }> } } }>('west-midlands-police', READ, {
      id,
    });
    const [visuals] = read.data!.intelligenceReport.latest.visuals;
    expect(visuals!.agencyType).toBe('LAW_ENFORCEMENT');
    // The Midlands case (AMBER, shared with the Midlands partnership) reaches West Midlands Police, not every police agency.
    const own = await hub.gql<{ routeAggregates: { nodes: Route[] } }>(
      'west-midlands-police',
      `{ routeAggregates(periodFrom: "2025-01-01", periodTo: "2025-12-31") { nodes { origin { name } victimCount } } }`,
    );
    expect(own.data!.routeAggregates.nodes.map((n) => n.origin.name)).toContain('Iași');
    expect(visuals!.routes.map((n) => n.origin.name)).not.toContain('Iași');
    expect(visuals!.routes.length).toBeGreaterThan(0);
    // Police read exact counts.
    expect(visuals!.routes.every((n) => n.victimCount !== null)).toBe(true);
    // Another police agency, not named, does not read it.
    expect(codes(await hub.gql('met-police', READ, { id }))).toEqual(['NOT_FOUND']);
  });

  test('reading the visuals or the PDF is a consultation of every identifier whose value the chart shows', async () => {
    const published = await hub.gql<{ publishIntelligenceReport: { id: string } }>('tessera-hub', PUBLISH, {
      input: input({
        marking: 'GREEN',
        audience: { agencyTypes: ['LAW_ENFORCEMENT'] },
        content: { ...input().content, networkSeedIds: [hub.demo.ids['entity:shared-phone'], hub.demo.ids['case:iasi']] },
        idempotencyKey: 'products-journey-consulted-1',
      }),
    });
    expect(published.errors).toBeUndefined();
    const id = published.data!.publishIntelligenceReport.id;
    const [{ labelled }] = (await hub.db.query<{ labelled: string[] }>(
      `SELECT v.labelled_entity_ids::text[] AS labelled FROM products.report_visuals v JOIN products.report_versions r ON r.id = v.version_id
        WHERE r.report_id = $1 AND v.agency_type = 'LAW_ENFORCEMENT'`,
      [id],
    )) as [{ labelled: string[] }];
    // Those the chart shows by value to police with nothing of their own (GREEN and CLEAR statements).
    expect(labelled.length).toBeGreaterThan(0);
    const shown = labelled[0]!;
    const reader = hub.demo.agencies['politia-romana']!.id;
    const consulted = async () =>
      (
        await hub.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM audit.events WHERE action = 'CONSULT' AND subject_type = 'Entity' AND actor_agency_id = $1
             AND records @> jsonb_build_array(jsonb_build_object('id', $2::text, 'fields', jsonb_build_array('value')))`,
          [reader, shown],
        )
      )[0]!.n;
    const before = await consulted();
    const visuals = await hub.gql<{ intelligenceReport: { latest: { visuals: Array<{ networkSvg: string }> } } }>('politia-romana', READ, { id });
    expect(visuals.errors).toBeUndefined();
    expect(await consulted()).toBe(before + 1);
    const pdf = await hub.gql('politia-romana', `query($id: ID!) { intelligenceReport(id: $id) { latest { pdf } } }`, { id });
    expect(pdf.errors).toBeUndefined();
    expect(await consulted()).toBe(before + 2);
  });

  test("a report for a sharing group reaches its members only, each with its own type's rendering", async () => {
    const r = await hub.gql<{ publishIntelligenceReport: { id: string } }>('tessera-hub', PUBLISH, {
      input: input({ audience: { groupIds: [hub.demo.groups['midlands-partnership']] }, idempotencyKey: 'products-journey-group-1' }),
    });
    expect(r.errors).toBeUndefined();
    const id = r.data!.publishIntelligenceReport.id;
    const VIEWS = `query($id: ID!) { intelligenceReport(id: $id) { latest { visuals { agencyType } } } }`;
    type Views = { intelligenceReport: { latest: { visuals: Array<{ agencyType: string }> } } };
    for (const [member, type] of [
      ['albion-bank', 'FINANCIAL_INSTITUTION'],
      ['west-midlands-police', 'LAW_ENFORCEMENT'],
      ['safe-passage', 'NGO'],
    ] as const) {
      const read = await hub.gql<Views>(member, VIEWS, { id });
      expect({ member, views: read.data?.intelligenceReport.latest.visuals.map((v) => v.agencyType) }).toEqual({ member, views: [type] });
    }
    for (const outsider of ['banca-carpati', 'met-police', 'lumina-ro']) {
      expect({ outsider, codes: codes(await hub.gql(outsider, VIEWS, { id })) }).toEqual({ outsider, codes: ['NOT_FOUND'] });
    }
  });

  test('the demo reports carry what a publication through the API renders for the same content (demo data runs before row-level security)', async () => {
    for (const demo of DEMO_REPORTS) {
      const { cases, typologies, hotspotLocationNames: _names, ...content } = demo.content;
      const published = await hub.gql<{ publishIntelligenceReport: { id: string } }>('tessera-hub', PUBLISH, {
        input: {
          marking: 'GREEN',
          audience: { agencyTypes: [demo.audience] },
          content: {
            ...content,
            exploitationType: content.exploitationType ?? undefined,
            linkedCaseIds: cases.map((k) => hub.demo.ids[k]),
            linkedTypologyIds: typologies.map((k) => hub.demo.ids[k]),
          },
          idempotencyKey: `products-journey-demo-${demo.key}`,
        },
      });
      expect(published.errors).toBeUndefined();
      const VISUALS = `query($id: ID!) { intelligenceReport(id: $id) { latest { visuals { agencyType routeMapSvg networkSvg routes { victimCount } hotspots { caseCount } } } } }`;
      const [seeded, fresh] = await Promise.all(
        [hub.demo.ids[`report:${demo.key}`], published.data!.publishIntelligenceReport.id].map((id) =>
          hub.gql<{ intelligenceReport: { latest: { visuals: unknown[] } } }>('tessera-hub', VISUALS, { id }),
        ),
      );
      if (demo.key === 'police') {
        // Police read links and identifiers: the chart of the linked cases has nodes.
        const [police] = seeded!.data!.intelligenceReport.latest.visuals as Array<{ networkSvg: string }>;
        expect(police!.networkSvg).toContain('<circle');
      }
      expect({ key: demo.key, visuals: seeded!.data!.intelligenceReport.latest.visuals }).toEqual({
        key: demo.key,
        visuals: fresh!.data!.intelligenceReport.latest.visuals,
      });
    }
  });

  test("the NGOs' demo report in Romanian: its PDF keeps ș, ț and ă", async () => {
    const r = await hub.gql<{ intelligenceReport: { latest: { pdf: string } } }>(
      'lumina-ro',
      `query($id: ID!) { intelligenceReport(id: $id) { latest { pdf } } }`,
      {
        id: hub.demo.ids['report:ngos'],
      },
    );
    expect(r.errors).toBeUndefined();
    const dir = tempDir('tessera-pdf-ro');
    fs.writeFileSync(path.join(dir, 'r.pdf'), Buffer.from(r.data!.intelligenceReport.latest.pdf, 'base64'));
    const text = execFileSync('pdftotext', [path.join(dir, 'r.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('rețele de socializare');
    expect(text).toContain('județul Iași');
  });
});

/** A binary PGM (P5, 8-bit) as its size and grey values. */
function pgmPixels(buf: Buffer): { width: number; height: number; data: Uint8Array } {
  const header = buf.subarray(0, 64).toString('latin1').split(/\s+/);
  const [, w, h, max] = header;
  const offset = buf.indexOf(Buffer.from(`${max}\n`, 'latin1'), 2) + `${max}\n`.length;
  return { width: Number(w), height: Number(h), data: new Uint8Array(buf.subarray(offset)) };
}
