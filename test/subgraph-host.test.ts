import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { waitHealthy } from '../services/kernel/http';
import { freePort } from '../services/kernel/postgres';
import { appDatabaseUrl } from '../services/kernel/security';
import { cloneDatabase, dataDir } from './support/hub';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..');

/** An address of this machine other than loopback, if it has one. */
const external = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

async function reachable(host: string, port: number): Promise<boolean> {
  try {
    return (await fetch(`http://${host}:${port}/healthz`, { signal: AbortSignal.timeout(3_000) })).ok;
  } catch {
    return false;
  }
}

/** Subgraph processes (scripts/subgraph.ts) are for the gateway only: loopback unless an address is configured. */
describe('subgraph process address', () => {
  const children: ChildProcess[] = [];
  let appUrl: string;
  beforeAll(async () => {
    appUrl = appDatabaseUrl(await cloneDatabase(), process.env.TESSERA_TEST_APP_PASSWORD!);
  });
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM')));

  async function startSubgraphProcess(env: Record<string, string>): Promise<number> {
    const port = await freePort();
    const { TESSERA_SUBGRAPH_HOST: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'scripts', 'subgraph.ts'), 'routes'], {
      cwd: ROOT,
      env: { ...inherited, TESSERA_APP_DATABASE_URL: appUrl, TESSERA_DATA_DIR: dataDir(), PORT: String(port), LOG_LEVEL: 'warn', ...env },
      stdio: 'ignore',
    });
    children.push(child);
    await waitHealthy(`http://127.0.0.1:${port}/graphql`, child);
    return port;
  }

  test('listens on 127.0.0.1 only by default, and on the configured address with TESSERA_SUBGRAPH_HOST', async () => {
    const [loopbackOnly, everywhere] = await Promise.all([startSubgraphProcess({}), startSubgraphProcess({ TESSERA_SUBGRAPH_HOST: '0.0.0.0' })]);
    expect(await reachable('127.0.0.1', loopbackOnly)).toBe(true);
    expect(await reachable('127.0.0.1', everywhere)).toBe(true);
    if (external) {
      expect(await reachable(external, loopbackOnly)).toBe(false);
      expect(await reachable(external, everywhere)).toBe(true);
    }
  });

  test('docker-compose.yml gives every subgraph container TESSERA_SUBGRAPH_HOST=0.0.0.0, and the gateway their URLs', () => {
    // YAML 1.1 merge keys (<<) resolved, as Compose resolves them.
    const compose = load(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { schema: YAML11_SCHEMA }) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    const subgraphs = Object.entries(compose.services).filter(([, s]) => s.command?.includes('start:subgraph'));
    expect(subgraphs.map(([name]) => name).sort()).toEqual([
      'adverts',
      'agencies',
      'audit',
      'cases',
      'entities',
      'intake',
      'narratives',
      'products',
      'routes',
      'typologies',
    ]);
    for (const [name, service] of subgraphs) {
      expect([name, service.environment?.TESSERA_SUBGRAPH_HOST]).toEqual([name, '0.0.0.0']);
      expect(compose.services.gateway!.environment![`TESSERA_SUBGRAPH_URL_${name.toUpperCase()}`]).toBe(`http://${name}:${service.environment!.PORT}/graphql`);
    }
  });
});
