import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A migration never changes once it has shipped: a database that ran it keeps what it ran, so an edit
 * would make fresh databases differ from existing ones. `migrations/SHA256SUMS` holds the sha256 of
 * every file under migrations/ (in `sha256sum` format: `cd migrations && sha256sum -c SHA256SUMS`),
 * and a unit test fails when a listed file changed, disappeared, or a file is not listed.
 *
 * `npm run db:manifest` lists the files not yet listed (a new migration). It never rewrites a listed
 * hash: when a shipped migration changed it refuses, and the change belongs in a new migration.
 */

export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');
export const MANIFEST_NAME = 'SHA256SUMS';

/** Every file under `dir` but the manifest, as sorted paths relative to `dir` with `/` separators. */
export function migrationFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .filter((f) => f !== MANIFEST_NAME)
    .sort();
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The manifest's entries, file → hash; empty when there is no manifest yet. */
export function readManifest(dir: string): Map<string, string> {
  const file = path.join(dir, MANIFEST_NAME);
  const entries = new Map<string, string>();
  if (!fs.existsSync(file)) return entries;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`${MANIFEST_NAME}: unreadable line "${line}"`);
    entries.set(m[2]!, m[1]!);
  }
  return entries;
}

export interface ManifestCheck {
  /** Listed files whose content is no longer what shipped. */
  changed: string[];
  /** Listed files that are gone. */
  missing: string[];
  /** Files the manifest does not list yet. */
  unlisted: string[];
}

export function checkManifest(dir: string): ManifestCheck {
  const listed = readManifest(dir);
  const files = migrationFiles(dir);
  return {
    changed: [...listed].filter(([f, hash]) => files.includes(f) && sha256(path.join(dir, f)) !== hash).map(([f]) => f),
    missing: [...listed.keys()].filter((f) => !files.includes(f)),
    unlisted: files.filter((f) => !listed.has(f)),
  };
}

/**
 * Adds the unlisted files to the manifest and returns them. Throws, writing nothing, when a listed
 * file changed or disappeared.
 */
export function addToManifest(dir: string): string[] {
  const { changed, missing, unlisted } = checkManifest(dir);
  if (changed.length || missing.length) {
    throw new Error(
      [
        ...changed.map((f) => `${f} changed after it shipped`),
        ...missing.map((f) => `${f} is listed but gone`),
        'A shipped migration never changes: restore it and write a new migration instead.',
      ].join('\n'),
    );
  }
  if (!unlisted.length) return [];
  const entries = readManifest(dir);
  for (const f of unlisted) entries.set(f, sha256(path.join(dir, f)));
  const lines = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([f, hash]) => `${hash}  ${f}\n`);
  fs.writeFileSync(path.join(dir, MANIFEST_NAME), lines.join(''));
  return unlisted;
}

if (require.main === module) {
  try {
    const added = addToManifest(MIGRATIONS_DIR);
    console.log(
      added.length ? `Added to migrations/${MANIFEST_NAME}:\n${added.map((f) => `  ${f}`).join('\n')}` : `migrations/${MANIFEST_NAME} lists every migration.`,
    );
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
