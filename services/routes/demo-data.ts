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
}
