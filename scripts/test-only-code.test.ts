import fs from 'node:fs';
import path from 'node:path';

/**
 * Production modules behave the same under test: no switch on the test runner, no hook or counter
 * kept for tests. Tests and the benchmark count from outside (test/support/probe.ts) and set their
 * environment themselves (test/support/log-level.ts).
 */

const ROOT = path.join(__dirname, '..');
const PRODUCTION = ['services', 'gateway', 'policies', 'scripts'];

const TEST_ONLY: Array<[RegExp, string]> = [
  [/NODE_ENV\s*[!=]==?\s*['"]test['"]|['"]test['"]\s*[!=]==?\s*process\.env\.NODE_ENV/, 'a switch on NODE_ENV=test'],
  [/process\.env\.(JEST_WORKER_ID|TESSERA_TEST\w*)/, 'a switch on the test runner'],
  [/\b\w*(ForTests?|__tests?__?)\w*\b/, 'a hook for tests'],
  [/export\s+(const|let|var)\s+\w+\s*(:[^=]+)?=\s*\{\s*count\s*:\s*0\s*\}/, 'an exported mutable counter'],
  [/export\s+let\s/, 'an exported mutable binding'],
];

function productionFiles(): string[] {
  return PRODUCTION.flatMap((dir) =>
    (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => /\.ts$/.test(f) && !/\.test\.ts$/.test(f))
      .map((f) => path.join(dir, f).split(path.sep).join('/')),
  );
}

function findings(source: string): string[] {
  return TEST_ONLY.filter(([re]) => re.test(source)).map(([, what]) => what);
}

test('no production module keeps code for tests', () => {
  const files = productionFiles();
  expect(files).toContain('services/kernel/db.ts');
  const found = files.flatMap((f) => findings(fs.readFileSync(path.join(ROOT, f), 'utf8')).map((what) => `${f}: ${what}`));
  expect(found).toEqual([]);
});

test('the scan recognises what it forbids', () => {
  expect(findings(`export const statementCounter = { count: 0 };`)).toEqual(['an exported mutable counter']);
  expect(findings(`level: process.env.NODE_ENV === 'test' ? 'silent' : 'info'`)).toEqual(['a switch on NODE_ENV=test']);
  expect(findings(`if (process.env.TESSERA_TEST_FAST) skip();`)).toEqual(['a switch on the test runner']);
  expect(findings(`export function resetCacheForTests() {}`)).toEqual(['a hook for tests']);
  expect(findings(`export let clock = () => Date.now();`)).toEqual(['an exported mutable binding']);
  expect(findings(`const development = process.env.NODE_ENV === 'development';`)).toEqual([]);
});
