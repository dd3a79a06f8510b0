import type { RequestContext } from '../kernel/context';
import type { Sql } from '../kernel/db';
import { visibleByIds } from '../kernel/repository';
import { typologyTable } from './typology.repository';

/**
 * What the typologies subgraph offers the other subgraphs: the only module of services/typologies/
 * they may import (eslint.config.mjs).
 */

/**
 * Work before a typology is erased (retention review, services/agencies): the transaction reports
 * that pointed to it keep their facts and lose the pointer, which a foreign key would otherwise
 * refuse to leave dangling.
 */
export async function beforeTypologyErased(tx: Sql, typologyId: string): Promise<void> {
  await tx.query('UPDATE typologies.transaction_reports SET typology_id = NULL WHERE typology_id = $1', [typologyId]);
}

/** Of these typology ids, those whose typology reaches the caller (the Typology policy). */
export async function visibleTypologyIds(ctx: RequestContext, ids: readonly string[]): Promise<Set<string>> {
  return new Set((await visibleByIds(ctx, typologyTable, ids)).keys());
}
