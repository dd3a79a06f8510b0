import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { RouteHandler } from '../services/kernel/http';

/** Where `npm run console:build` writes the console (console/vite.config.ts). */
export const CONSOLE_DIST = path.join(__dirname, '..', 'console', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** What the console needs to know before sign-in: the identity providers it offers. */
export interface ConsoleConfig {
  issuers: Array<{ slug: string; name: string; issuer: string }>;
  clientId: string;
  scope: string;
}

/**
 * The console's Content-Security-Policy: its own scripts and styles only (no inline script, no
 * eval), its own workers (the public report page's proof of work), requests to this origin and to
 * the identity providers it signs in with.
 */
export function consoleCsp(idpOrigins: string[]): string {
  const idps = [...new Set(idpOrigins)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${idps ? ` ${idps}` : ''}`,
    `form-action 'self'${idps ? ` ${idps}` : ''}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * Serves the built console at `/` (any path that is no file of it gets index.html: the console
 * routes in the browser) and its configuration at /console-config.json, for GET and HEAD.
 */
export function consoleRoutes(config: () => ConsoleConfig, dist = CONSOLE_DIST): RouteHandler {
  const root = path.resolve(dist);
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const cfg = config();
    const headers = {
      'content-security-policy': consoleCsp(cfg.issuers.map((i) => new URL(i.issuer).origin)),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    };
    if (pathname === '/console-config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(cfg));
      return true;
    }
    let file = path.resolve(root, `.${pathname}`);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) file = path.join(root, 'index.html');
    if (!fs.existsSync(file)) {
      res
        .writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8' })
        .end('The console is not built: run `npm run console:build` (npm install and npm start build it).');
      return true;
    }
    const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
    return true;
  };
}
