import type { Actor, AgencyType } from '../../policies/actor';
import { createContextWith } from '../kernel/context';
import type { ActorSession, Sql } from '../kernel/db';
import { demoOwner } from '../kernel/demo';
import type { DemoRegistry } from '../kernel/subgraph';
import { insertRenderings, insertVersion, renderingsFor, type ValidContent } from './report.service';

/** One published report per audience (police, banks, NGOs), each with its visuals as that audience reads them. */
export const DEMO_REPORTS: Array<{
  key: string;
  audience: AgencyType;
  content: Omit<ValidContent, 'linkedCaseIds' | 'linkedTypologyIds'> & { cases: string[]; typologies: string[] };
}> = [
  {
    key: 'police',
    audience: 'LAW_ENFORCEMENT',
    content: {
      title: 'Romania → UK: recruitment by “loverboys” into sexual exploitation',
      summary:
        'Young Romanian women are recruited in Iași and the north-east through relationships begun on social media, moved to London and the Midlands by coach, and exploited in flats advertised online.',
      keyJudgements: [
        'It is highly likely that the same recruiters work for several exploitation sites in the UK.',
        'Victims are kept through debt for travel and accommodation rather than by force.',
      ],
      body: 'The hub has linked cases reported by police and NGOs in both countries. Travel is booked by the recruiter; victims arrive on coaches through Hungary and Austria, and are first placed in London. Advertising and payments follow the loverboy typology shared by banks.',
      cases: ['case:iasi', 'case:safe-passage'],
      typologies: ['typology:loverboy-proceeds'],
      linkedRouteIds: [],
      hotspotLocationIds: [],
      hotspotLocationNames: [],
      networkSeedIds: [],
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      exploitationType: null,
    },
  },
  {
    key: 'banks',
    audience: 'FINANCIAL_INSTITUTION',
    content: {
      title: 'Exploitation proceeds: what banks can see on the Romania → UK route',
      summary:
        'Accounts that receive many small payments from adult-advert sites, take cash deposits at night and send money on to Romania match the loverboy typology; the route map shows where the hub counts cases.',
      keyJudgements: ['Funnel accounts in the Midlands are likely to be linked to the London exploitation sites.'],
      body: 'Screen customers against the identifiers the hub holds with hit/no-hit, and report matches with a transaction report. Counts on the map are perturbed and small ones withheld.',
      cases: [],
      typologies: ['typology:loverboy-proceeds', 'typology:funnel-couriers'],
      linkedRouteIds: [],
      hotspotLocationIds: [],
      hotspotLocationNames: [],
      networkSeedIds: [],
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      exploitationType: null,
    },
  },
  {
    key: 'ngos',
    audience: 'NGO',
    content: {
      title: 'Recrutare prin oferte de muncă false: semne pentru consilieri',
      summary:
        'Ofertele de muncă în restaurante și spălătorii auto din Regatul Unit, trimise prin rețele de socializare, sunt folosite pentru a recruta tinere din județul Iași.',
      keyJudgements: ['Victimele păstrează legătura cu familia doar în prezența recrutorului.'],
      body: 'Consilierii care întâlnesc asemenea situații pot notifica un caz și pot cere sprijinul hub-ului. Hărțile arată rutele pe care hub-ul le numără; cifrele mici nu sunt afișate.',
      cases: ['case:iasi'],
      typologies: [],
      linkedRouteIds: [],
      hotspotLocationIds: [],
      hotspotLocationNames: [],
      networkSeedIds: [],
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      exploitationType: null,
    },
  },
];

/**
 * Demo data runs in the seeding transaction, before the hub and its row-level security exist: the
 * visuals are rendered through the same services as a publication (the audience's reader, the
 * application's policy filters), over that transaction.
 */
function seedingSession(tx: Sql): ActorSession {
  const session = {
    query: <T>(text: string, params?: readonly unknown[]) => tx.query<T>(text, params),
    transaction: <T>(fn: (s: Sql) => Promise<T>): Promise<T> => fn(session),
    readerSession: async () => session,
    finish: async () => undefined,
    afterCommit: (fn: () => void) => fn(),
  };
  return session as unknown as ActorSession;
}

export async function seedProductsDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  const hub = demoOwner(demo, 'tessera-hub');
  const author: Actor = { agencyId: hub.agencyId, userId: hub.userId, agencyType: 'HUB_ANALYST', role: 'CONTRIBUTOR', groupIds: [] };
  const ctx = createContextWith(author, 'demo-data', seedingSession(db), 'products');
  for (const r of DEMO_REPORTS) {
    const { cases, typologies, ...rest } = r.content;
    const content: ValidContent = {
      ...rest,
      linkedCaseIds: cases.map((k) => demo.ids[k]!),
      linkedTypologyIds: typologies.map((k) => demo.ids[k]!),
    };
    const audience = { agencyTypes: [r.audience], groupIds: [], agencyIds: [] };
    const renderings = await renderingsFor(ctx, audience, [], content);
    const [report] = await db.query<{ id: string }>(
      `INSERT INTO products.reports (owner_agency_id, author_user_id, marking, audience_agency_types, idempotency_key, request_hash)
       VALUES ($1, $2, 'GREEN', $3, $4, 'demo') RETURNING id`,
      [hub.agencyId, hub.userId, [r.audience], `demo-report-${r.key}`],
    );
    const versionId = await insertVersion(db, ctx, report!.id, 1, content, `demo-report-${r.key}-v1`, 'demo');
    await insertRenderings(db, ctx, versionId, renderings);
    demo.ids[`report:${r.key}`] = report!.id;
    demo.ids[`reportVersion:${r.key}:1`] = versionId;
  }
  // A bank's feedback on the report for banks.
  const bank = demoOwner(demo, 'albion-bank');
  await db.query(
    `INSERT INTO products.feedback (report_id, agency_id, user_id, useful, accounts_closed, note, idempotency_key, request_hash)
     VALUES ($1, $2, $3, TRUE, 2, 'Two accounts matched the funnel pattern and were closed.', 'demo-feedback-banks', 'demo')`,
    [demo.ids['report:banks'], bank.agencyId, bank.userId],
  );
}
