import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { addToManifest, checkManifest, MANIFEST_NAME, migrationFiles, MIGRATIONS_DIR, readManifest } from './migration-manifest';

/**
 * Migrations are frozen snapshots: what a migration runs is written in the migration itself, never
 * taken from code that keeps changing (services/, policies/ or any other project module), and a
 * shipped migration file never changes (migrations/SHA256SUMS).
 */

const ROOT = path.join(__dirname, '..');

/** The modules `source` (a file under `dir`) imports that are project code outside `dir`. */
function projectImports(source: string, file: string, dir: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((spec) => {
      if (spec.startsWith('.') || path.isAbsolute(spec)) {
        const target = path.resolve(path.dirname(file), spec);
        return path.relative(dir, target).startsWith('..');
      }
      // tsconfig's baseUrl lets `services/kernel/db` name a project module without a relative path.
      const first = spec.split('/')[0]!;
      return first !== 'node_modules' && fs.existsSync(path.join(ROOT, first));
    });
}

describe('migrations import no project code', () => {
  test('no file under migrations/ imports from services/, policies/ or any other project module', () => {
    const offenders = migrationFiles(MIGRATIONS_DIR)
      .filter((f) => /\.[cm]?[jt]s$/.test(f))
      .flatMap((f) => {
        const file = path.join(MIGRATIONS_DIR, f);
        return projectImports(fs.readFileSync(file, 'utf8'), file, MIGRATIONS_DIR).map((spec) => `${f}: ${spec}`);
      });
    expect(offenders).toEqual([]);
  });

  test('the scan finds every form of import of project code, and lets typeorm types through', () => {
    const file = path.join(MIGRATIONS_DIR, 'cases', 'x.ts');
    const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';
      import { MARKED_COLUMNS_DDL } from '../../services/kernel/marked-record';
      import type { Actor } from '../../policies/actor';
      export { reachSqlFor } from '../../policies/reach';
      const records = require('../../services/kernel/records');
      const later = () => import('../../gateway/limits');
      import { connect } from 'services/kernel/db';
      import { helper } from './helper';`;
    expect(projectImports(source, file, MIGRATIONS_DIR)).toEqual([
      '../../services/kernel/marked-record',
      '../../policies/actor',
      '../../policies/reach',
      '../../services/kernel/records',
      '../../gateway/limits',
      'services/kernel/db',
    ]);
  });
});

describe('shipped migrations never change', () => {
  test(`migrations/${MANIFEST_NAME} lists every migration file with the hash it shipped with`, () => {
    expect(readManifest(MIGRATIONS_DIR).size).toBeGreaterThan(0);
    // unlisted: a new migration is added with `npm run db:manifest`; changed: write a new migration instead.
    expect(checkManifest(MIGRATIONS_DIR)).toEqual({ changed: [], missing: [], unlisted: [] });
  });

  describe('over a copy of migrations/', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-migrations-'));
      fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const someMigration = () => migrationFiles(dir).find((f) => f.startsWith('cases/'))!;

    test('an edited migration is reported, even by one byte, and db:manifest refuses to list its new hash', () => {
      const f = someMigration();
      const before = fs.readFileSync(path.join(dir, MANIFEST_NAME), 'utf8');
      fs.appendFileSync(path.join(dir, f), ' ');
      expect(checkManifest(dir)).toEqual({ changed: [f], missing: [], unlisted: [] });
      expect(() => addToManifest(dir)).toThrow(`${f} changed after it shipped`);
      expect(fs.readFileSync(path.join(dir, MANIFEST_NAME), 'utf8')).toBe(before);
    });

    test('a removed migration is reported', () => {
      const f = someMigration();
      fs.rmSync(path.join(dir, f));
      expect(checkManifest(dir)).toEqual({ changed: [], missing: [f], unlisted: [] });
      expect(() => addToManifest(dir)).toThrow(`${f} is listed but gone`);
    });

    test('a new migration is reported until db:manifest lists it, keeping every other entry', () => {
      const f = 'cases/1764000009999-cases-new.ts';
      fs.writeFileSync(path.join(dir, f), `export class CasesNew1764000009999 {}\n`);
      expect(checkManifest(dir)).toEqual({ changed: [], missing: [], unlisted: [f] });
      const before = readManifest(dir);
      expect(addToManifest(dir)).toEqual([f]);
      expect(checkManifest(dir)).toEqual({ changed: [], missing: [], unlisted: [] });
      const after = readManifest(dir);
      expect(after.size).toBe(before.size + 1);
      for (const [file, hash] of before) expect(after.get(file)).toBe(hash);
      expect(addToManifest(dir)).toEqual([]);
    });
  });
});
