import type { Sql } from '../kernel/db';

/**
 * What the adverts subgraph offers the other subgraphs: the only module of services/adverts/ they
 * may import (eslint.config.mjs).
 */

/**
 * Work before an advert is erased (retention review, services/agencies): the leads that rest on it
 * go with it (no lead may name an advert that is gone); the next `computeAdvertLeads` makes them
 * again from the adverts that remain.
 */
export async function beforeAdvertErased(tx: Sql, advertId: string): Promise<void> {
  await tx.query('DELETE FROM adverts.leads WHERE $1::uuid = ANY(advert_ids)', [advertId]);
}
