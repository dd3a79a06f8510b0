import { SqlParams } from '../../policies/sql';
import type { Sql } from './db';
import { HandlingCode, handlingInsert, IntelligenceAssessment, Marking, SourceEvaluation } from './marked-record';
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
  const h = handlingInsert(
    owner,
    {
      marking: (handling.marking ?? 'GREEN') as Marking,
      sourceEvaluation: (handling.sourceEvaluation ?? '2') as SourceEvaluation,
      intelligenceAssessment: (handling.intelligenceAssessment ?? 'B') as IntelligenceAssessment,
      handlingCode: (handling.handlingCode ?? 'P') as HandlingCode,
      handlingConditions: handling.handlingConditions,
      sharedWithAgencyIds: handling.sharedWithAgencyIds,
      sharedWithGroupIds: handling.sharedWithGroupIds,
      redRecipientUserIds: handling.redRecipientUserIds,
    },
    params,
  );
  const cols = [h.columns];
  const vals = [h.values];
  for (const [k, v] of Object.entries(values)) {
    cols.push(k);
    vals.push(params.add(v));
  }
  const [row] = await db.query<{ id: string }>(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${vals.join(', ')}) RETURNING id`, params.values);
  return row!.id;
}
