import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm ci` on a fresh machine refuses a lockfile that lacks any platform's optional binary of a
 * package it installs (@swc/core, unrs-resolver and the like ship one package per platform). An npm
 * with a warm cache can write such a lockfile without complaint; this finds it before CI does.
 */
type LockEntry = { optionalDependencies?: Record<string, string> };
const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };

/** Where Node would find `name` from the package at `from`: nested node_modules first, then each parent's. */
function resolves(from: string, name: string): boolean {
  let base = from;
  for (;;) {
    if (lock.packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

test('the lockfile holds every optional dependency of every package, for every platform', () => {
  const missing = Object.entries(lock.packages).flatMap(([at, entry]) =>
    Object.keys(entry.optionalDependencies ?? {})
      .filter((name) => !resolves(at, name))
      .map((name) => `${at || '(root)'} -> ${name}`),
  );
  expect(missing).toEqual([]);
  expect(Object.keys(lock.packages)).toContain('node_modules/@swc/core-darwin-arm64');
});
