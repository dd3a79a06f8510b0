import type { Actor } from '../../policies/actor';
import { DEMO_S1_IBAN_GB, DEMO_S1_PHONE_RO, recordObservations } from '../entities/api';
import type { Sql } from '../kernel/db';
import { demoOwner, type DemoHandling, insertDemoRecord } from '../kernel/demo';
import { HandlingCode, type HandlingInput, IntelligenceAssessment, Marking, SourceEvaluation } from '../kernel/marked-record';
import type { DemoRegistry } from '../kernel/subgraph';

interface DemoTypology {
  key: string;
  owner: string;
  handling: DemoHandling;
  title: string;
  pattern: string;
  indicators: string[];
  channels: string[];
  amountBands: string[];
  geography: string[];
  periodStart: string;
  periodEnd: string;
}

/** Invented patterns in the Romania → UK reference scenario (domain.md). */
const DEMO_TYPOLOGIES: DemoTypology[] = [
  {
    key: 'loverboy-proceeds',
    owner: 'albion-bank',
    handling: { marking: 'GREEN', sourceEvaluation: '2', intelligenceAssessment: 'B' },
    title: 'Loverboy proceeds: small adult-advert payments, cash deposits at night, transfers to Romania',
    pattern:
      'Young Romanian account holders, accounts opened shortly after arrival with a third party present. Repeated card payments of GBP 20-150 to adult-services classified sites, cash deposits between 23:00 and 04:00 at branches in London and Birmingham, and the balance sent weekly to Romania through money-transfer services.',
    indicators: ['FIXED_PAYMENTS_TO_ADVERT_SITES', 'CASH_OUTSIDE_HOURS', 'TRANSFERS_TO_ORIGIN_COUNTRY', 'CONTACT_IN_ADULT_ADVERTS', 'THIRD_PARTY_CONTROL'],
    channels: ['card payments to classified-advert sites', 'cash deposits', 'money transfer'],
    amountBands: ['GBP 20-150 per advert payment', 'GBP 500-3,000 cash per week'],
    geography: ['GB', 'RO'],
    periodStart: '2025-06-01',
    periodEnd: '2026-03-31',
  },
  {
    key: 'funnel-couriers',
    owner: 'banca-carpati',
    handling: { marking: 'AMBER', sourceEvaluation: '2', intelligenceAssessment: 'C' },
    title: 'Funnel accounts and cash couriers',
    pattern:
      'Cash paid into Romanian accounts at branches in Constanța, Iași and Brașov by couriers returning from the UK, withdrawn within hours in Bucharest and invested in property and cars registered to relatives.',
    indicators: ['FUNNEL_ACCOUNT', 'TRANSFERS_TO_ORIGIN_COUNTRY', 'ASSETS_IN_THIRD_PARTY_NAMES', 'SHARED_BENEFICIARIES_OR_CONTACTS'],
    channels: ['cash couriers', 'branch cash deposits'],
    amountBands: ['RON 5,000-40,000 per deposit'],
    geography: ['RO', 'GB'],
    periodStart: '2025-01-01',
    periodEnd: '2026-02-28',
  },
  {
    key: 'travel-for-others',
    owner: 'albion-bank',
    handling: { marking: 'CLEAR', sourceEvaluation: '2', intelligenceAssessment: 'C' },
    title: 'One customer paying travel and lodging for several young women',
    pattern:
      'Coach and budget-airline tickets bought for several passengers, short hotel stays in several UK cities, and ride-hailing at night, all paid from one account.',
    indicators: ['PAYS_FOR_OTHERS', 'FREQUENT_TRAVEL_TICKETS', 'FREQUENT_CITY_MOVEMENT', 'LATE_NIGHT_ADULT_VENUES'],
    channels: ['card payments'],
    amountBands: ['GBP 40-400 per ticket'],
    geography: ['GB', 'RO'],
    periodStart: '2025-03-01',
    periodEnd: '2026-03-31',
  },
];

/** Registers `typology:<key>` and `report:<key>` ids for later loaders. */
export async function seedTypologiesDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  for (const t of DEMO_TYPOLOGIES) {
    demo.ids[`typology:${t.key}`] = await insertDemoRecord(db, 'typologies.typologies', demoOwner(demo, t.owner), t.handling, {
      title: t.title,
      pattern: t.pattern,
      indicators: t.indicators,
      channels: t.channels,
      amount_bands: t.amountBands,
      geography: t.geography,
      period_start: t.periodStart,
      period_end: t.periodEnd,
    });
  }

  const owner = demoOwner(demo, 'albion-bank');
  const handling: HandlingInput = {
    marking: Marking.AMBER,
    sourceEvaluation: SourceEvaluation.RELIABLE,
    intelligenceAssessment: IntelligenceAssessment.B,
    handlingCode: HandlingCode.P,
    sharedWithAgencyIds: [demo.agencies['politia-romana']!.id, demo.agencies['met-police']!.id],
  };
  const reportId = await insertDemoRecord(db, 'typologies.transaction_reports', owner, handling, {
    report_code: 'STR',
    reason:
      'Account opened in London in October 2025. Repeated card payments to an adult-services classified site, cash deposits late at night at branches in London and Birmingham, and weekly money-transfer payments to Romania that leave the account near zero. The contact number on the account is Romanian, +40 722 123 456, the number on the adult-services adverts the card paid for.',
    indicators: ['FIXED_PAYMENTS_TO_ADVERT_SITES', 'CASH_OUTSIDE_HOURS', 'TRANSFERS_TO_ORIGIN_COUNTRY'],
    amount: '48250.00',
    currency: 'GBP',
    date_from: '2025-10-20',
    date_to: '2026-02-27',
    typology_id: demo.ids['typology:loverboy-proceeds'],
  });
  demo.ids['report:popescu-str'] = reportId;
  const actor: Actor = { userId: owner.userId, agencyId: owner.agencyId, agencyType: 'FINANCIAL_INSTITUTION', role: 'CONTRIBUTOR', groupIds: [] };
  const [accountId] = await recordObservations(db, actor, { type: 'TRANSACTION_REPORT', id: reportId, handling }, [
    { kind: 'BANK_ACCOUNT', value: DEMO_S1_IBAN_GB },
    { kind: 'PHONE', value: DEMO_S1_PHONE_RO },
  ]);
  await db.query(
    `INSERT INTO typologies.report_parties (report_id, position, name, significance, account_entity_id)
     VALUES ($1, 0, 'Ionuț Popescu', 'SUBJECT', $2), ($1, 1, 'Classified-advert site (fictional)', 'COUNTERPARTY', NULL)`,
    [reportId, accountId],
  );
}
