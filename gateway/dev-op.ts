import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { JWK } from 'jose';
import { type AdapterFactory, type Configuration, type KoaContextWithOIDC, Provider } from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { ROLES } from '../policies/actor';
import { DEMO_AGENCIES } from '../services/agencies/api';
import { fileMadeOnce, hubSecret } from '../services/kernel/hub-secret';
import { newKeyPairJwks } from '../services/kernel/key-pairs';
import { API_SCOPE, CONSOLE_CLIENT_ID, DEV_OP_PREFIX, devProviderIssuer, devSubject } from './dev-idp';

export { API_SCOPE, CONSOLE_CLIENT_ID };

/**
 * The development OpenID Provider: one issuer per demo agency at `<publicUrl>/idp/<slug>` (an
 * issuer decides the agency, as a real agency IdP does), with discovery, a JWKS URL, key rotation
 * and a login page where a demo user of that agency picks a role. It signs JWT access tokens for
 * the hub's audience; the console signs in with Authorization Code + PKCE as its public client.
 * Sessions and codes live in memory (oidc-provider's memory adapter, one store per agency that
 * outlives key rotations): a restart signs everyone out.
 */
const ALG = 'ES256';

function keyFile(dataDir: string, slug: string): string {
  return path.join(dataDir, 'keys', 'dev-op', `${slug}.jwks.json`);
}

function newSigningKey(slug: string): JWK {
  return {
    ...newKeyPairJwks('p-256').privateJwk,
    kid: `${slug}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    alg: ALG,
    use: 'sig',
  };
}

/** The provider's private keys, newest (the signing key) first; made on first use, never committed. */
export function devProviderKeys(dataDir: string, slug: string): JWK[] {
  return (JSON.parse(fileMadeOnce(keyFile(dataDir, slug), () => JSON.stringify({ keys: [newSigningKey(slug)] }))) as { keys: JWK[] }).keys;
}

/**
 * A new signing key; the previous one stays published (not used to sign) so tokens it signed
 * still verify until they expire. Older keys are dropped.
 */
export function rotateDevProviderKeys(dataDir: string, slug: string): JWK[] {
  const keys = [newSigningKey(slug), devProviderKeys(dataDir, slug)[0]!];
  const file = keyFile(dataDir, slug);
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(aside, JSON.stringify({ keys }), { mode: 0o600, flag: 'wx' });
  fs.renameSync(aside, file);
  return keys;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The login page's stylesheet: served from /idp/login.css (the pages carry no inline style or script). */
const LOGIN_CSS = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1b1f24; }
main { max-width: 28rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
h1 { font-size: 1.3rem; margin-top: 0; } p.note { color: #4a4f57; font-size: .9rem; }
fieldset { border: 1px solid #c9ccd1; border-radius: 6px; margin: 1rem 0; } legend { font-weight: 600; padding: 0 .3rem; }
label { display: block; padding: .35rem 0; } select, button { font: inherit; padding: .45rem .8rem; }
button { background: #0b5cad; color: #fff; border: 0; border-radius: 4px; cursor: pointer; } button.secondary { background: #5a6068; }
.actions { display: flex; gap: .6rem; margin-top: 1rem; }
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="${DEV_OP_PREFIX}/login.css"></head><body><main>${body}</main></body></html>`;
}

const PAGE_CSP = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store' }).end(html);
}

function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > 10_000) req.destroy(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

/** How long an access token lasts, unless a test asks for less (to see the console refresh it). */
const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** How long a sign-in lasts: the provider's session, the grant and the refresh tokens issued under it. */
const SESSION_TTL_SECONDS = 8 * 3600;

export interface DevOpenIdProviderOptions {
  dataDir: string;
  publicUrl: string;
  audience: string;
  /** Access-token lifetime (default ACCESS_TOKEN_TTL_SECONDS). */
  accessTokenTtlSeconds?: number;
}

export interface DevOpenIdProviders {
  /** Handles a request under /idp/; false when the path is not the providers'. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean;
  /** The issuers, for the console's sign-in page: one per demo agency. */
  issuers: Array<{ slug: string; name: string; issuer: string }>;
  /** Rotates one provider's signing key (the previous key stays in its JWKS). */
  rotateKeys(slug: string): void;
}

/** The demo agencies' development OpenID Providers, served by the gateway's HTTP server. */
export function devOpenIdProviders(opts: DevOpenIdProviderOptions): DevOpenIdProviders {
  const accessTokenTtl = opts.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS;
  const publicUrl = opts.publicUrl.replace(/\/$/, '');
  const resource = `${publicUrl}/graphql`;
  const cookieKey = hubSecret(opts.dataDir, 'dev-idp-cookies', 'TESSERA_DEV_IDP_COOKIE_SECRET').toString('base64url');
  const providers = new Map<string, Provider>();
  // One store per agency, kept when its provider is rebuilt with rotated keys: sessions, grants and codes survive a rotation.
  const stores = new Map(DEMO_AGENCIES.map((a) => [a.slug, createMemoryAdapter()] as [string, AdapterFactory]));

  const build = (agency: (typeof DEMO_AGENCIES)[number], keys: JWK[]): Provider => {
    const mount = `${DEV_OP_PREFIX}/${agency.slug}`;
    const configuration: Configuration = {
      adapter: stores.get(agency.slug),
      clients: [
        {
          client_id: CONSOLE_CLIENT_ID,
          token_endpoint_auth_method: 'none',
          application_type: 'web',
          redirect_uris: [`${publicUrl}/callback`],
          post_logout_redirect_uris: [`${publicUrl}/`],
          response_types: ['code'],
          // Refresh tokens keep the console's session past its access token's lifetime.
          grant_types: ['authorization_code', 'refresh_token'],
          id_token_signed_response_alg: ALG,
        },
      ],
      jwks: { keys: keys as never },
      cookies: { keys: [cookieKey], long: { signed: true }, short: { signed: true } },
      pkce: { required: () => true },
      // The console asks for no offline_access: its refresh tokens last as long as the sign-in (the
      // provider's session) and are rotated on every use, the one used becoming invalid.
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: () => true,
      claims: { openid: ['sub'], profile: ['name'] },
      async findAccount(_ctx, sub) {
        const role = ROLES.find((r) => devSubject(agency.slug, r) === sub);
        if (!role) return undefined;
        return { accountId: sub, claims: async () => ({ sub, name: `${agency.name.split(' (')[0]} ${role.toLowerCase()}` }) };
      },
      interactions: { url: (_ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
      // The console is the hub's own (first-party) client: no consent screen, the grant is made at sign-in.
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const { client, session, provider } = ctx.oidc;
        if (!client || !session?.accountId) return undefined;
        const grantId = (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ?? session.grantIdFor(client.clientId);
        if (grantId) {
          const found = await provider.Grant.find(grantId);
          if (found) return found;
        }
        const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
        grant.addOIDCScope('openid profile');
        grant.addResourceScope(resource, API_SCOPE);
        await grant.save();
        return grant;
      },
      // The console is served from the hub's own origin: no other origin's page may call these endpoints.
      clientBasedCORS: (_ctx, origin) => origin === new URL(publicUrl).origin,
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: {
          enabled: true,
          async logoutSource(ctx, form) {
            ctx.type = 'html';
            ctx.set('content-security-policy', PAGE_CSP);
            ctx.body = page(
              'Sign out',
              `<h1>Sign out of ${escapeHtml(agency.name)}?</h1>${form}<div class="actions"><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button></div>`,
            );
          },
          async postLogoutSuccessSource(ctx) {
            ctx.type = 'html';
            ctx.set('content-security-policy', PAGE_CSP);
            ctx.body = page('Signed out', `<h1>You are signed out</h1><p><a href="${publicUrl}/">Back to Tessera</a></p>`);
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resource,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: API_SCOPE,
            audience: opts.audience,
            accessTokenTTL: accessTokenTtl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: ALG } },
          }),
        },
      },
      ttl: {
        AccessToken: accessTokenTtl,
        AuthorizationCode: 60,
        IdToken: 3600,
        Interaction: 600,
        Session: SESSION_TTL_SECONDS,
        Grant: SESSION_TTL_SECONDS,
        RefreshToken: SESSION_TTL_SECONDS,
      },
      async renderError(ctx, out) {
        ctx.type = 'html';
        ctx.set('content-security-policy', PAGE_CSP);
        ctx.body = page(
          'Sign-in error',
          `<h1>Sign-in could not go on</h1><p>${escapeHtml(String(out.error_description ?? out.error))}</p><p><a href="${publicUrl}/">Back to Tessera</a></p>`,
        );
      },
    };
    return new Provider(devProviderIssuer(publicUrl, agency.slug), configuration);
  };

  for (const agency of DEMO_AGENCIES) providers.set(agency.slug, build(agency, devProviderKeys(opts.dataDir, agency.slug)));

  const loginPage = (agencyName: string, uid: string, mount: string, slug: string) =>
    page(
      'Sign in — Tessera development IdP',
      `<h1>Sign in to Tessera</h1>
<p class="note">Development identity provider of <strong>${escapeHtml(agencyName)}</strong>. Demo users only: no password.</p>
<form method="post" action="${mount}/interaction/${escapeHtml(uid)}/login">
<fieldset><legend>Agency</legend><label for="agency">Agency</label>
<select id="agency" name="agency" disabled><option>${escapeHtml(agencyName)}</option></select></fieldset>
<fieldset><legend>Role</legend>
${ROLES.map((r, i) => `<label><input type="radio" name="role" value="${r}"${i === 1 ? ' checked' : ''}> ${escapeHtml(`${r.charAt(0)}${r.slice(1).toLowerCase()}`)} (${escapeHtml(devSubject(slug, r))})</label>`).join('\n')}
</fieldset>
<div class="actions"><button type="submit">Sign in</button></form>
<form method="post" action="${mount}/interaction/${escapeHtml(uid)}/abort"><button type="submit" class="secondary">Cancel</button></form></div>`,
    );

  const interaction = async (req: http.IncomingMessage, res: http.ServerResponse, provider: Provider, slug: string, rest: string) => {
    const agency = DEMO_AGENCIES.find((a) => a.slug === slug)!;
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/.exec(rest);
    if (!m) return sendHtml(res, 404, page('Not found', '<h1>Not found</h1>'));
    const [, uid, action] = m;
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('interaction mismatch');
      if (!action && req.method === 'GET') return sendHtml(res, 200, loginPage(agency.name, uid!, `${DEV_OP_PREFIX}/${slug}`, slug));
      if (req.method !== 'POST') return sendHtml(res, 405, page('Not allowed', '<h1>Not allowed</h1>'));
      if (action === '/abort') {
        return await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'Sign-in cancelled' },
          { mergeWithLastSubmission: false },
        );
      }
      const role = (await readForm(req)).get('role') ?? '';
      if (!(ROLES as readonly string[]).includes(role)) return sendHtml(res, 400, loginPage(agency.name, uid!, `${DEV_OP_PREFIX}/${slug}`, slug));
      await provider.interactionFinished(req, res, { login: { accountId: devSubject(slug, role) } }, { mergeWithLastSubmission: false });
    } catch (err) {
      sendHtml(
        res,
        400,
        page('Sign-in error', `<h1>Sign-in could not go on</h1><p>${escapeHtml((err as Error).message)}</p><p><a href="/">Back to Tessera</a></p>`),
      );
    }
  };

  return {
    issuers: DEMO_AGENCIES.map((a) => ({ slug: a.slug, name: a.name, issuer: devProviderIssuer(publicUrl, a.slug) })),
    rotateKeys(slug) {
      const agency = DEMO_AGENCIES.find((a) => a.slug === slug);
      if (!agency) throw new Error(`No demo agency ${slug}`);
      providers.set(slug, build(agency, rotateDevProviderKeys(opts.dataDir, slug)));
    },
    handle(req, res) {
      const url = req.url ?? '/';
      if (!url.startsWith(`${DEV_OP_PREFIX}/`)) return false;
      if (url === `${DEV_OP_PREFIX}/login.css`) {
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' }).end(LOGIN_CSS);
        return true;
      }
      const m = /^\/idp\/([a-z0-9-]+)(\/[^?]*)?(\?.*)?$/.exec(url);
      const provider = m ? providers.get(m[1]!) : undefined;
      if (!m || !provider) return false;
      const rest = m[2] ?? '/';
      if (rest.startsWith('/interaction/')) {
        void interaction(req, res, provider, m[1]!, rest);
        return true;
      }
      // Mounted as Express mounts it: the provider reads its mount path from originalUrl.
      (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = url;
      req.url = `${rest}${m[3] ?? ''}`;
      void (provider.callback() as unknown as (q: http.IncomingMessage, s: http.ServerResponse) => Promise<void>)(req, res);
      return true;
    },
  };
}
