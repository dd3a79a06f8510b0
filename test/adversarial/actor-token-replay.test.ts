import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import type { Actor, ActorType, Role } from '../../policies/actor';
import { DEMO_GROUPS } from '../../services/agencies/demo-data';
import { loadGatewayKeys, signActorToken } from '../../services/kernel/actor-token';
import { waitHealthy } from '../../services/kernel/http';
import { freePort } from '../../services/kernel/postgres';
import { appDatabaseUrl } from '../../services/kernel/security';
import { cloneDatabase, dataDir, demoRegistry } from '../support/hub';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');

/**
 * A subgraph run as several replicas (processes) on one database: an actor token captured between
 * the gateway and one replica, replayed at another within its minute, repeats no write. Each
 * replica remembers the tokens it ran, and a request that writes claims its token in the table the
 * replicas share (audit.used_actor_tokens), in the transaction of the write.
 */
describe('an actor token replayed at another replica of the subgraph', () => {
  const children: ChildProcess[] = [];
  let ownerUrl: string;
  let replicas: [string, string];

  beforeAll(async () => {
    ownerUrl = await cloneDatabase();
    const appUrl = appDatabaseUrl(ownerUrl, process.env.TESSERA_TEST_APP_PASSWORD!);
    const start = async (): Promise<string> => {
      const port = await freePort();
      const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'subgraph.ts'), 'cases'], {
        cwd: ROOT,
        env: { ...process.env, TESSERA_APP_DATABASE_URL: appUrl, TESSERA_DATA_DIR: dataDir(), PORT: String(port), LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}/graphql`;
      await waitHealthy(url, child);
      return url;
    };
    replicas = (await Promise.all([start(), start()])) as [string, string];
  });
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM')));

  const demo = demoRegistry();
  const actorOf = (slug: string, role: Role = 'CONTRIBUTOR'): Actor => {
    const a = demo.agencies[slug]!;
    const groupIds = DEMO_GROUPS.filter((g) => g.members.includes(slug)).map((g) => demo.groups[g.slug]!);
    return { userId: a.users[role]!, agencyId: a.id, agencyType: a.type as ActorType, role, groupIds };
  };

  /** openCase without an idempotency key: run twice, it would open two cases. */
  const openCase = (reference: string) => ({
    query: 'mutation Open($input: OpenCaseInput!) { openCase(input: $input) { id reference } }',
    operationName: 'Open',
    variables: {
      input: {
        handling: { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
        reference,
        summary: 'Replay test',
        exploitationTypes: ['LABOUR'],
      },
    },
  });

  type Answer = { data?: { openCase?: { id: string } } | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const post = async (url: string, token: string, body: object): Promise<Answer> =>
    (
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
    ).json() as Promise<Answer>;

  async function casesWithReference(reference: string): Promise<number> {
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      const { rows } = await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM cases.cases WHERE reference = $1', [reference]);
      return rows[0]!.n;
    } finally {
      await owner.end();
    }
  }

  const signed = async (body: ReturnType<typeof openCase>) =>
    signActorToken(await loadGatewayKeys(dataDir()), actorOf('met-police'), 'cases', randomUUID(), body);

  test('a mutation run at one replica is refused at the other with UNAUTHENTICATED, and written once', async () => {
    const reference = `REPLAY-${randomUUID().slice(0, 8)}`;
    const body = openCase(reference);
    const token = await signed(body);
    const first = await post(replicas[0], token, body);
    expect(first.errors).toBeUndefined();
    expect(first.data?.openCase?.id).toBeDefined();
    const replayed = await post(replicas[1], token, body);
    expect(replayed.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(replayed.errors?.[0]?.message).toMatch(/used before/);
    expect(replayed.data ?? null).toBeNull();
    expect(await casesWithReference(reference)).toBe(1);
  });

  test('the same mutation token at both replicas at once: one runs it, the other is refused', async () => {
    const reference = `REPLAY-${randomUUID().slice(0, 8)}`;
    const body = openCase(reference);
    const token = await signed(body);
    const answers = await Promise.all(replicas.map((url) => post(url, token, body)));
    expect(answers.filter((a) => a.data?.openCase?.id && !a.errors)).toHaveLength(1);
    expect(answers.flatMap((a) => a.errors ?? []).map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(await casesWithReference(reference)).toBe(1);
  });

  test('a fresh token for the same mutation still runs at either replica (only the token is spent)', async () => {
    const reference = `REPLAY-${randomUUID().slice(0, 8)}`;
    const body = openCase(reference);
    expect((await post(replicas[1], await signed(body), body)).errors).toBeUndefined();
    expect((await post(replicas[0], await signed(body), body)).errors).toBeUndefined();
    expect(await casesWithReference(reference)).toBe(2);
  });
});
