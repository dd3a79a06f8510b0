import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The walls between subgraphs (eslint.config.mjs) on small files placed where real code lives: each
 * import below is linted with the project's own configuration. ESLint loads its configuration as an
 * ES module, which Jest's CommonJS runtime cannot import, so the linting runs in one child process.
 */
const root = path.join(__dirname, '..');
const WALL_RULES = ['import-x/no-restricted-paths', '@typescript-eslint/no-restricted-imports'];

interface Probe {
  file: string;
  source: string;
}

const LINT = `
import { ESLint } from 'eslint';
const probes = JSON.parse(process.argv[1]);
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const p of probes) {
  const [result] = await eslint.lintText(p.source, { filePath: p.file });
  out.push(result.messages.map((m) => m.ruleId));
}
process.stdout.write(JSON.stringify(out));
`;

/** For each probe, the wall rules its import breaks (empty: allowed). */
function wallsBroken(probes: Probe[]): string[][] {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(probes)], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as string[][]).map((rules) => rules.filter((r) => WALL_RULES.includes(r)));
}

const importing = (file: string, from: string, typeOnly = false): Probe => ({
  file,
  source: `import ${typeOnly ? 'type ' : ''}* as m from '${from}';\nexport const probe: unknown = m;\n`,
});

describe('walls between subgraphs', () => {
  const cases: Array<[string, Probe, boolean]> = [
    ["a subgraph importing another's internals", importing('services/narratives/probe.ts', '../cases/case.repository'), false],
    ["a subgraph importing another's service", importing('services/entities/probe.ts', '../cases/case.service'), false],
    ["a subgraph importing another's API", importing('services/narratives/probe.ts', '../cases/api'), true],
    ['a subgraph importing its own internals', importing('services/cases/probe.ts', './case.repository'), true],
    ['a subgraph importing the kernel', importing('services/routes/probe.ts', '../kernel/identifier'), true],
    ['the kernel importing a subgraph, even its API', importing('services/kernel/probe.ts', '../cases/api'), false],
    ['the policies importing a subgraph', importing('policies/probe.ts', '../services/entities/api'), false],
    ['the gateway importing the agencies API', importing('gateway/probe.ts', '../services/agencies/api'), true],
    ['the gateway importing the kernel', importing('gateway/probe.ts', '../services/kernel/errors'), true],
    ["the gateway importing the agencies' internals", importing('gateway/probe.ts', '../services/agencies/identity.repository'), false],
    ["the gateway importing another subgraph's API", importing('gateway/probe.ts', '../services/cases/api'), false],
    ['a migration importing kernel code', importing('migrations/cases/probe.ts', '../../services/kernel/marked-record'), false],
    ['a migration importing a policy', importing('migrations/cases/probe.ts', '../../policies/reach'), false],
    ['a migration importing kernel types only', importing('migrations/cases/probe.ts', '../../services/kernel/db', true), true],
  ];
  const results = wallsBroken(cases.map(([, probe]) => probe));

  test.each(cases.map(([name, probe, allowed], i) => ({ name, probe, allowed, broken: results[i]! })))('$name: allowed = $allowed', ({ allowed, broken }) => {
    if (allowed) expect(broken).toEqual([]);
    else expect(broken.length).toBeGreaterThan(0);
  });
});
