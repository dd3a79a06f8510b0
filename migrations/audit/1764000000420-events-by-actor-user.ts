import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A user's own events, newest first: every user but a supervisor reads only the events they caused
 * (the AuditEvent rules), so the trail of a user with few events is an index range, not a scan of
 * the whole chain backwards.
 */
export class AuditEventsByActorUser1764000000420 implements MigrationInterface {
  name = 'AuditEventsByActorUser1764000000420';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_actor_user_idx ON audit.events (actor_user_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit.events_actor_user_idx`);
  }
}
