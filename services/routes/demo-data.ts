import type { Sql } from '../kernel/db';
import { demoOwner, insertDemoRecord } from '../kernel/demo';
import type { DemoRegistry } from '../kernel/subgraph';

/** Routes the hub published from the reference scenario's cases (domain.md); the counts are invented. */
const DEMO_ROUTES = [
  {
    name: 'constanta-london',
    origin: 'constanta',
    transit: ['bucuresti'],
    destination: 'london',
    types: ['SEXUAL'],
    start: '2025-09-01',
    end: '2026-03-31',
    victims: 7,
    cases: 3,
  },
  {
    name: 'iasi-leicester',
    origin: 'iasi',
    transit: [],
    destination: 'leicester',
    types: ['SEXUAL', 'LABOUR'],
    start: '2025-06-01',
    end: '2026-02-28',
    victims: 3,
    cases: 2,
  },
  {
    name: 'brasov-sheffield',
    origin: 'brasov',
    transit: ['timisoara'],
    destination: 'sheffield',
    types: ['SEXUAL'],
    start: '2025-03-01',
    end: '2025-12-31',
    victims: 2,
    cases: 1,
  },
];

/**
 * A prevention campaign in Constanța, the origin of the reference scenario's route to London, run
 * by the Romanian NGO with the hub; its reach per week (the weeks before its start are the baseline
 * of the calls it took).
 */
export const DEMO_CAMPAIGN = {
  name: 'Fără capcane — Constanța',
  goal: 'Warn young women in Constanța county about "loverboy" recruitment and job offers abroad, and make the helpline known',
  partner: 'lumina-ro',
  languages: ['ro'],
  channels: ['SOCIAL_MEDIA', 'SCHOOLS', 'HELPLINE'],
  startsOn: '2026-03-02',
  endsOn: '2026-05-31',
  targets: ['constanta'],
  reach: [
    { week: '2026-W06', people: 0, calls: 2 },
    { week: '2026-W07', people: 0, calls: 1 },
    { week: '2026-W10', people: 4200, calls: 6 },
    { week: '2026-W11', people: 5100, calls: 9 },
    { week: '2026-W12', people: 3900, calls: 7 },
  ],
};

/** Registers every gazetteer slug in `demo.locations` (later loaders place events with them), then `route:<name>`. */
export async function seedRoutesDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  for (const { slug, id } of await db.query<{ slug: string; id: string }>('SELECT slug, id::text FROM routes.locations')) demo.locations[slug] = id;
  const location = (slug: string) => {
    const id = demo.locations[slug];
    if (!id) throw new Error(`Demo location ${slug} is not in the gazetteer`);
    return id;
  };
  const owner = demoOwner(demo, 'tessera-hub');
  for (const r of DEMO_ROUTES) {
    demo.ids[`route:${r.name}`] = await insertDemoRecord(
      db,
      'routes.routes',
      owner,
      { marking: 'GREEN' },
      {
        origin_location_id: location(r.origin),
        transit_location_ids: r.transit.map(location),
        destination_location_id: location(r.destination),
        exploitation_types: r.types,
        period_start: r.start,
        period_end: r.end,
        victim_count: r.victims,
        case_count: r.cases,
      },
    );
  }

  const c = DEMO_CAMPAIGN;
  const partner = demoOwner(demo, c.partner);
  const [campaign] = await db.query<{ id: string }>(
    `INSERT INTO routes.campaigns (owner_agency_id, partner_agency_id, created_by_user_id, name, goal, languages, channels, starts_on, ends_on,
       target_location_ids, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::uuid[], 'demo-campaign', 'demo') RETURNING id`,
    [owner.agencyId, partner.agencyId, owner.userId, c.name, c.goal, c.languages, c.channels, c.startsOn, c.endsOn, c.targets.map(location)],
  );
  demo.ids['campaign:constanta'] = campaign!.id;
  for (const r of c.reach) {
    await db.query(
      `INSERT INTO routes.campaign_reach (campaign_id, recorded_by_agency_id, owner_agency_id, location_id, iso_week, people_reached, partner_calls, recorded_by_user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [campaign!.id, partner.agencyId, owner.agencyId, location('constanta'), r.week, r.people, r.calls, partner.userId],
    );
  }
}
