import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { waitHealthy } from '../../services/kernel/http';

/**
 * Test hosts on this machine: one network namespace per service, each with a veth pair whose other
 * end is on one bridge in the root namespace (the test process, and its load balancers, sit on the
 * bridge's own address). Names carry a random tag, so two runs on one machine do not collide.
 */
export class TestNetwork {
  readonly tag = randomBytes(2).toString('hex');
  readonly bridge = `tsb${this.tag}`;
  /** 10.<a>.<b>.0/24, chosen at random among 10.200.0.0–10.249.255.0. */
  readonly prefix = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}`;
  readonly gatewayIp = `${this.prefix}.1`;
  private readonly namespaces: string[] = [];
  private hosts = 10;

  constructor() {
    ip('link', 'add', this.bridge, 'type', 'bridge');
    ip('addr', 'add', `${this.gatewayIp}/24`, 'dev', this.bridge);
    ip('link', 'set', this.bridge, 'up');
  }

  /** A new host: its namespace (named after `name`) and its address on the bridge. */
  host(name: string): { ns: string; ip: string } {
    const n = ++this.hosts;
    const ns = `ts${this.tag}-${name}`;
    const veth = `tv${this.tag}${n}`;
    const address = `${this.prefix}.${n}`;
    ip('netns', 'add', ns);
    this.namespaces.push(ns);
    ip('link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
    ip('link', 'set', veth, 'master', this.bridge, 'up');
    ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    return { ns, ip: address };
  }

  /** Removes every namespace (their veth ends go with them) and the bridge. */
  destroy(): void {
    for (const ns of this.namespaces.splice(0)) tryIp('netns', 'del', ns);
    tryIp('link', 'del', this.bridge);
  }
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function tryIp(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    /* already gone */
  }
}

const ROOT = path.join(__dirname, '..', '..');

/** A Tessera process (`scripts/gateway.ts` or `scripts/subgraph.ts <name>`) run inside namespace `ns`, healthy at `url`. */
export async function startService(
  ns: string,
  script: 'gateway' | 'subgraph',
  args: string[],
  env: Record<string, string>,
  url: string,
): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-r', '@swc-node/register', path.join(ROOT, 'scripts', `${script}.ts`), ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', TESSERA_METRICS_PORT: 'off', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitHealthy(url, child);
  return child;
}

/**
 * The load balancer of the test: a TCP proxy that hands each new connection to the next backend,
 * round robin, and counts what each got. Any balancer will do (nothing is sticky); this one is a
 * few lines and shows which backend served what.
 */
export class RoundRobin {
  readonly connections: number[];
  private next = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly backends: ReadonlyArray<{ host: string; port: number }>) {
    this.connections = backends.map(() => 0);
    this.server = net.createServer((client) => {
      const i = this.next++ % this.backends.length;
      this.connections[i]!++;
      const upstream = net.connect(this.backends[i]!);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
  }

  listen(host: string): Promise<number> {
    return new Promise((resolve) => this.server.listen(0, host, () => resolve((this.server.address() as net.AddressInfo).port)));
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
