/**
 * One policy path: services reach the reach rule (policies/reach.ts) and the governance checks only
 * through the kernel's policy functions (services/kernel/policy.ts, repository.ts), so every
 * decision about whether a record reaches the caller has one definition.
 */
import fs from 'node:fs';
import path from 'node:path';

const SERVICES = path.join(__dirname, '..', 'services');

function sourcesOutsideKernel(dir = SERVICES): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === path.join(SERVICES, 'kernel') ? [] : sourcesOutsideKernel(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

test('no service outside the kernel imports the reach rule directly', () => {
  const offenders = sourcesOutsideKernel().filter((f) => /from '(\.\.\/)+policies\/reach'/.test(fs.readFileSync(f, 'utf8')));
  expect(offenders.map((f) => path.relative(SERVICES, f))).toEqual([]);
});

test('no service writes its own copy of the RED reach rule', () => {
  const offenders = sourcesOutsideKernel().filter((f) => /= ANY\([^)]*red_recipient_user_ids\)/.test(fs.readFileSync(f, 'utf8')));
  expect(offenders.map((f) => path.relative(SERVICES, f))).toEqual([]);
});
