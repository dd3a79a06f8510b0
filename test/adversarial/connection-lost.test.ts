import type { Actor } from '../../policies/actor';
import { connect, type Database } from '../../services/kernel/db';
import { isDatabaseUnavailable } from '../../services/kernel/errors';
import { cloneDatabase } from '../support/hub';

const actor: Actor = {
  userId: '00000000-0000-0000-0000-000000000001',
  agencyId: '00000000-0000-0000-0000-000000000002',
  agencyType: 'LAW_ENFORCEMENT',
  role: 'CONTRIBUTOR',
  groupIds: [],
};

/**
 * A request's session whose connection the database ends between two statements (a restart, an
 * administrator, a crash): what fails next (the COMMIT at the end of the request, or another
 * statement) fails with the connection's own error, which the error masking answers as
 * SERVICE_UNAVAILABLE, not with the driver's "query runner already released".
 */
describe('a session whose connection is ended by the database', () => {
  let db: Database;
  let admin: Database;

  beforeAll(async () => {
    const url = await cloneDatabase();
    db = await connect(url, 2);
    admin = await connect(url, 1);
  });

  afterAll(async () => {
    await db?.close();
    await admin?.close();
  });

  async function sessionWithTerminatedBackend() {
    const session = db.sessionFor(actor);
    const [{ pid }] = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    // The backend's FATAL message reaches the idle client as an 'error' event.
    for (let i = 0; i < 50 && (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    return session;
  }

  test('the commit fails with the connection error (57P01), which is the database being unavailable', async () => {
    const session = await sessionWithTerminatedBackend();
    const err = await session.finish(true).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: '57P01' });
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  test('a statement after the loss fails the same way', async () => {
    const session = await sessionWithTerminatedBackend();
    const err = await session.query('SELECT 1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDatabaseUnavailable(err)).toBe(true);
    await session.finish(false).catch(() => undefined);
  });
});
