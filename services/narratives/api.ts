import type { Sql } from '../kernel/db';

/**
 * What the narratives subgraph offers the other subgraphs: the only module of services/narratives/
 * they may import (eslint.config.mjs).
 */

/** Where a text meant to carry no identifier (a typology shared with peers) names one anyway. */
export { describeFirstIdentifier, firstIdentifier } from './extract';

/**
 * Identifiers (normalised, with their offsets) and exploitation indicators a free text names, in
 * English or Romanian: proposals a person confirms (the hub's triage of public reports).
 */
export { extract, type ExtractOptions, type FoundIdentifier, type FoundIndicator, fold } from './extract';

/**
 * Work before a narrative is erased (retention review, services/agencies): the log of its consent
 * withdrawals refers to it by a foreign key; the erasure's own review row and audit event replace it.
 */
export async function beforeNarrativeErased(tx: Sql, narrativeId: string): Promise<void> {
  await tx.query('DELETE FROM narratives.erasures WHERE narrative_id = $1', [narrativeId]);
}
