import { SqlParams } from '../../policies/sql';
import type { Sql } from './db';
import type { DemoRegistry } from './subgraph';

/** Handling of a demo record; defaults to GREEN, graded B2 ("untested source, known indirectly but corroborated"), code P. */
export interface DemoHandling {
  marking?: 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER_STRICT' | 'RED';
  sourceEvaluation?: '1' | '2' | '3';
  intelligenceAssessment?: 'A' | 'B' | 'C' | 'D' | 'E';
  handlingCode?: 'P' | 'C';
  handlingConditions?: string;
  sharedWithAgencyIds?: string[];
  sharedWithGroupIds?: string[];
  redRecipientUserIds?: string[];
}

/** The demo user of an agency that contributes (role CONTRIBUTOR). */
export function demoOwner(demo: DemoRegistry, agencySlug: string): { agencyId: string; userId: string } {
  const agency = demo.agencies[agencySlug];
  if (!agency) throw new Error(`Unknown demo agency ${agencySlug}`);
  return { agencyId: agency.id, userId: agency.users.CONTRIBUTOR! };
}

/**
 * Inserts one marked demo record with its handling metadata and returns its id. Demo data only:
 * contributions from users go through the services and their policy checks.
 */
export async function insertDemoRecord(
  db: Sql,
  table: string,
  owner: { agencyId: string; userId: string },
  handling: DemoHandling,
  values: Record<string, unknown>,
): Promise<string> {
  const params = new SqlParams();
  const cols = [
    'owner_agency_id',
    'contributor_user_id',
    'marking',
    'source_evaluation',
    'intelligence_assessment',
    'handling_code',
    'handling_conditions',
    'shared_with_agency_ids',
    'shared_with_group_ids',
    'red_recipient_user_ids',
  ];
  const vals = [
    params.add(owner.agencyId),
    params.add(owner.userId),
    params.add(handling.marking ?? 'GREEN'),
    params.add(handling.sourceEvaluation ?? '2'),
    params.add(handling.intelligenceAssessment ?? 'B'),
    params.add(handling.handlingCode ?? 'P'),
    params.add(handling.handlingConditions ?? null),
    `${params.add(handling.sharedWithAgencyIds ?? [])}::uuid[]`,
    `${params.add(handling.sharedWithGroupIds ?? [])}::uuid[]`,
    `${params.add(handling.redRecipientUserIds ?? [])}::uuid[]`,
  ];
  for (const [k, v] of Object.entries(values)) {
    cols.push(k);
    vals.push(params.add(v));
  }
  const [row] = await db.query<{ id: string }>(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${vals.join(', ')}) RETURNING id`, params.values);
  return row!.id;
}
