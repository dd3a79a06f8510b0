import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const secrets = new Map<string, Buffer>();

/**
 * The content of `file`, made by `make()` the first time (mode 0600, directory 0700). Several
 * processes may start at once: the file appears whole or not at all (written aside, then linked
 * into place, which fails if another process linked first), so no reader ever sees half of it.
 */
export function fileMadeOnce(file: string, make: () => string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    fs.writeFileSync(aside, make(), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(aside, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
    } finally {
      fs.unlinkSync(aside);
    }
  }
  return fs.readFileSync(file, 'utf8');
}

/**
 * One of the hub's symmetric secrets, never in the database (whoever reads the tables, a backup or
 * an insider, does not hold it): the environment variable `envVar` (base64url, at least 32 bytes)
 * when set, else a random 32-byte secret made once in `<dataDir>/keys/<name>` (mode 0600, directory
 * 0700; the first of several processes to start makes it, the others read it).
 */
export function hubSecret(dataDir: string, name: string, envVar: string): Buffer {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    let secret = secrets.get(`env:${envVar}:${fromEnv}`);
    if (!secret) {
      secret = Buffer.from(fromEnv, 'base64url');
      if (secret.length < 32) throw new Error(`${envVar} must be at least 32 bytes, base64url-encoded`);
      secrets.set(`env:${envVar}:${fromEnv}`, secret);
    }
    return secret;
  }
  const file = path.join(dataDir, 'keys', name);
  let secret = secrets.get(file);
  if (!secret) {
    secret = Buffer.from(fileMadeOnce(file, () => randomBytes(32).toString('base64url')).trim(), 'base64url');
    secrets.set(file, secret);
  }
  return secret;
}
