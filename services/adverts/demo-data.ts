import type { Actor } from '../../policies/actor';
import { DEMO_S1_PHONE_RO, recordLinksBySource, recordObservationsBySource } from '../entities/api';
import type { Sql } from '../kernel/db';
import { demoOwner, insertDemoRecord } from '../kernel/demo';
import { HandlingCode, type HandlingInput, IntelligenceAssessment, Marking, SourceEvaluation } from '../kernel/marked-record';
import type { DemoRegistry } from '../kernel/subgraph';
import { cityOf } from './advert-file';
import { textIndicators } from './indicators';
import { computeLeads } from './lead.service';

/**
 * Invented adverts on fictional sites in the Romania → UK reference scenario (domain.md), collected
 * by a partner and held by the hub: S1's Romanian phone (+40 722 123 456, which the police cases of
 * the Met, West Midlands and the Romanian police and Albion Bank's screening also name) advertised in
 * Birmingham and then London, a photo reused on another site with a UK number, and one advert that
 * joins nothing. AMBER, shared with the police forces on the route. Registers `advert:<key>` ids,
 * computes the hub's leads and registers `advertLead:network` and `advertLead:movement` (the Romanian phone's).
 */
const DEMO_ADVERTS = [
  {
    key: 'brum-1',
    site: 'classifieds-one.example',
    advertRef: 'B-100231',
    firstSeen: '2026-01-10T21:00:00Z',
    lastSeen: '2026-01-24T23:00:00Z',
    location: 'Birmingham, West Midlands',
    phones: [DEMO_S1_PHONE_RO],
    imageHashes: ['c3a5f0e1d2b49687'],
    text: 'New in town, sweet Romanian girl, just arrived. My friend answers the phone.',
  },
  {
    key: 'london-1',
    site: 'classifieds-one.example',
    advertRef: 'L-200877',
    firstSeen: '2026-02-03T20:00:00Z',
    lastSeen: '2026-02-20T22:30:00Z',
    location: 'London, Ilford',
    phones: [DEMO_S1_PHONE_RO],
    imageHashes: ['9e1b44a07c3d2f65'],
    text: 'Fată nouă în oraș, doar câteva zile. Sunați pe WhatsApp.',
  },
  {
    key: 'london-2',
    site: 'escort-board.example',
    advertRef: 'EB-5521',
    firstSeen: '2026-02-05T19:00:00Z',
    lastSeen: '2026-02-18T21:00:00Z',
    location: 'London, Stratford',
    phones: ['+447700900123'],
    imageHashes: ['c3a5f0e1d2b49687'],
    text: 'She is 17 years, petite, new girl. Book for her by text.',
  },
  {
    key: 'coventry-1',
    site: 'escort-board.example',
    advertRef: 'EB-6010',
    firstSeen: '2026-02-12T18:00:00Z',
    lastSeen: '2026-02-14T18:00:00Z',
    location: 'Coventry',
    phones: ['+447700900456'],
    imageHashes: ['0f0e0d0c0b0a0908'],
    text: 'Independent, 29 years, own place.',
  },
];

const urlOf = (a: { site: string; advertRef: string }) => `https://${a.site}/ad/${a.advertRef}`;

export async function seedAdvertsDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  const owner = demoOwner(demo, 'tessera-hub');
  // Shared with the three police forces on the route: what identifies the people advertised goes no further.
  const police = ['met-police', 'west-midlands-police', 'politia-romana'].map((slug) => demo.agencies[slug]!.id);
  const handling: HandlingInput = {
    marking: Marking.AMBER,
    sourceEvaluation: SourceEvaluation.UNTESTED,
    intelligenceAssessment: IntelligenceAssessment.C,
    handlingCode: HandlingCode.P,
    sharedWithAgencyIds: police,
  };
  const items = [];
  for (const a of DEMO_ADVERTS) {
    const id = await insertDemoRecord(
      db,
      'adverts.adverts',
      owner,
      { marking: 'AMBER', sourceEvaluation: '2', intelligenceAssessment: 'C', sharedWithAgencyIds: police },
      {
        site: a.site,
        advert_ref: a.advertRef,
        url: urlOf(a),
        first_seen: a.firstSeen,
        last_seen: a.lastSeen,
        location: a.location,
        city: cityOf(a.location),
        phones: a.phones,
        image_hashes: a.imageHashes,
        text: a.text,
        collector: 'Open-source collector (demo partner)',
        indicators: textIndicators(a.text),
      },
    );
    demo.ids[`advert:${a.key}`] = id;
    items.push({
      source: { type: 'ADVERT' as const, id, handling },
      identifiers: [...a.phones.map((value) => ({ kind: 'PHONE' as const, value })), { kind: 'ONLINE_ADVERT' as const, value: urlOf(a) }],
    });
  }
  const actor: Actor = { ...owner, agencyType: 'HUB_ANALYST', role: 'CONTRIBUTOR', groupIds: [], country: 'GB' };
  // As importAdverts: each advert's phones and page observed, each phone ADVERTISED_AT the page.
  const observed = await recordObservationsBySource(db, actor, items, 'adverts');
  await recordLinksBySource(
    db,
    actor,
    items.flatMap((item, i) => {
      const entityIds = observed[i]!.entityIds;
      const page = entityIds[entityIds.length - 1]!;
      return entityIds.slice(0, -1).map((phone) => ({ kind: 'ADVERTISED_AT' as const, fromEntityId: phone, toEntityId: page, source: item.source }));
    }),
  );
  await computeLeads(db, owner);
  const leads = await db.query<{ id: string; kind: string }>(
    `SELECT id, kind FROM adverts.leads WHERE $1 = ANY(advert_ids) AND (kind = 'NETWORK' OR phones = ARRAY[$2])`,
    [demo.ids['advert:brum-1'], DEMO_S1_PHONE_RO],
  );
  for (const l of leads) demo.ids[`advertLead:${l.kind.toLowerCase()}`] = l.id;
}
