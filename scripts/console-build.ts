import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Builds the console (console/ → console/dist, Vite) when dist is missing or older than any of its
 * sources: `npm install` (the prepare script), `npm start` and the browser tests call it.
 * `--force` builds whatever the dates say.
 */
const REPO = path.join(__dirname, '..');
export const CONSOLE_DIR = path.join(REPO, 'console');

function newest(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
}

export function consoleStale(): boolean {
  const built = path.join(CONSOLE_DIR, 'dist', 'index.html');
  if (!fs.existsSync(built)) return true;
  const sources = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((f) => path.join(CONSOLE_DIR, f));
  // The files outside console/ the last build bundled (listed by vite.config.ts): the hub's own identifier detection, for one.
  const listed = path.join(REPO, '.tessera', 'console-sources.json');
  if (!fs.existsSync(listed)) return true;
  sources.push(...(JSON.parse(fs.readFileSync(listed, 'utf8')) as string[]).map((f) => path.join(REPO, f)));
  const present = sources.filter((f) => fs.existsSync(f));
  if (present.length < sources.length) return true;
  return Math.max(...present.map(newest), newest(path.join(REPO, 'package-lock.json'))) > fs.statSync(built).mtimeMs;
}

export function buildConsole(force = false): void {
  if (!force && !consoleStale()) return;
  const vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', CONSOLE_DIR, '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`The console build failed (exit ${r.status}): run npm run console:build to see why`);
}

if (require.main === module) {
  try {
    buildConsole(process.argv.includes('--force'));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
