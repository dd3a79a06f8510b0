import type { Sql } from '../kernel/db';
import { eraseLeadsOfAdvert } from './lead.service';

/**
 * What the adverts subgraph offers the other subgraphs: the only module of services/adverts/ they
 * may import (eslint.config.mjs).
 */

/**
 * Work before an advert is erased (retention review, services/agencies), in the erasure's transaction
 * and before the advert is deleted: the leads that rest on it go with it (no lead may name an advert
 * that is gone), those of a computation running meanwhile too (eraseLeadsOfAdvert); the next
 * `computeAdvertLeads` makes them again from the adverts that remain.
 */
export async function beforeAdvertErased(tx: Sql, advertId: string): Promise<void> {
  await eraseLeadsOfAdvert(tx, advertId);
}
