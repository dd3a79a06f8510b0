import type { MigrationInterface, QueryRunner } from 'typeorm';

const RANK = `ARRAY['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED']`;

/**
 * A link from a person carries the person's handling (services/entities/entity.service.ts
 * `addCaseEntity`), never less: a RED or AMBER_STRICT person of a looser case reaches only whom it
 * reaches, and a link naming it reached everyone the case reached, who then saw the person's id,
 * the identifiers it uses and its place in the network. Links written before take the handling of
 * their most restricted person end where it is stricter than their own.
 */
export class EntitiesLinksCarryPersonHandling1764000003130 implements MigrationInterface {
  name = 'EntitiesLinksCarryPersonHandling1764000003130';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE entities.links l
        SET marking = p.marking, shared_with_agency_ids = p.shared_with_agency_ids, shared_with_group_ids = p.shared_with_group_ids,
            red_recipient_user_ids = CASE WHEN p.marking = 'RED'
              THEN ARRAY(SELECT DISTINCT u FROM unnest(p.red_recipient_user_ids || p.contributor_user_id) AS u) ELSE p.red_recipient_user_ids END
       FROM (SELECT DISTINCT ON (l2.id) l2.id AS link_id, pp.*
               FROM entities.links l2 JOIN cases.persons pp ON pp.id IN (l2.from_person_id, l2.to_person_id)
              ORDER BY l2.id, array_position(${RANK}, pp.marking) DESC) AS p
      WHERE l.id = p.link_id AND array_position(${RANK}, p.marking) > array_position(${RANK}, l.marking)`);
  }

  async down(): Promise<void> {
    // The looser handling is not kept: it was the leak.
  }
}
