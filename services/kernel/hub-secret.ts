import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const secrets = new Map<string, Buffer>();

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
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    secret = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
    secrets.set(file, secret);
  }
  return secret;
}
