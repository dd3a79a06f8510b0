import * as oauth from 'oauth4webapi';
import { API_SCOPE, CONSOLE_CLIENT_ID } from '../gateway/dev-idp';
import { devProviderIssuer } from '../gateway/dev-idp';
import { codes, startTestHub, type TestHub } from './support/hub';

/**
 * The development OpenID Provider as a client sees it: discovery, Authorization Code + PKCE through
 * its login page, a JWT access token the gateway accepts (the issuer is trusted by URL, its keys
 * read from its jwks_uri), and a key rotation in the middle of a session.
 */
describe('development OpenID Provider', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // No floor on refetching a key set here: the rotation below is followed at the next token.
    hub = await startTestHub('in-process', { devIdp: true, jwksCooldownMs: 0 });
  });
  afterAll(() => hub?.stop());

  const insecure = { [oauth.allowInsecureRequests]: true };

  /** A browser's cookie jar for one origin, enough for the provider's session and interaction cookies. */
  class Browser {
    private readonly cookies = new Map<string, string>();
    async fetch(url: string, init: RequestInit = {}): Promise<Response> {
      const res = await fetch(url, {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair!.indexOf('=');
        this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      return res;
    }
    /** Follows redirects from `url` until one leaves the provider (the client's redirect URI); returns that URL. */
    async followUntil(url: string, stop: (u: URL) => boolean, onPage?: (u: string, html: string) => Promise<string | undefined>): Promise<URL> {
      let next = url;
      for (let i = 0; i < 10; i++) {
        const u = new URL(next);
        if (stop(u)) return u;
        const res = await this.fetch(next);
        if (res.status >= 300 && res.status < 400) {
          next = new URL(res.headers.get('location')!, next).href;
          continue;
        }
        const html = await res.text();
        const after = await onPage?.(next, html);
        if (!after) throw new Error(`Stopped at ${next} (${res.status}): ${html.slice(0, 300)}`);
        next = after;
      }
      throw new Error('Too many redirects');
    }
  }

  async function signIn(browser: Browser, slug: string, role: string, pages: string[] = []) {
    const issuer = new URL(devProviderIssuer(hub.publicUrl, slug));
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    const client: oauth.Client = { client_id: CONSOLE_CLIENT_ID };
    const redirectUri = `${hub.publicUrl}/callback`;
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const auth = new URL(as.authorization_endpoint!);
    auth.search = new URLSearchParams({
      client_id: CONSOLE_CLIENT_ID,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: `openid profile ${API_SCOPE}`,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    const callback = await browser.followUntil(
      auth.href,
      (u) => u.pathname === '/callback',
      async (pageUrl, html) => {
        pages.push(html);
        // The login page: pick the role and submit the form.
        const action = /<form method="post" action="([^"]+\/login)"/.exec(html)?.[1];
        if (!action) return undefined;
        const res = await browser.fetch(new URL(action, pageUrl).href, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ role }).toString(),
        });
        return new URL(res.headers.get('location')!, pageUrl).href;
      },
    );
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, insecure);
    return { as, tokens: await oauth.processAuthorizationCodeResponse(as, client, response) };
  }

  const me = (accessToken: string) => hub.gql({ authorization: `Bearer ${accessToken}` }, '{ me { subject role } }');

  it('issues the console an hour-long access token and a refresh token that is rotated at each use, the used one refused after', async () => {
    const { as, tokens } = await signIn(new Browser(), 'lumina-ro', 'CONTRIBUTOR');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const client: oauth.Client = { client_id: CONSOLE_CLIENT_ID };
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const r = await me(refreshed.access_token);
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({ me: { role: 'CONTRIBUTOR' } });
    // The used refresh token is spent.
    await expect(
      oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token!, insecure)),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('publishes discovery and a JWKS URL, and signs a demo user in through its login page with PKCE; the gateway accepts the access token', async () => {
    const issuer = devProviderIssuer(hub.publicUrl, 'met-police');
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.jwks_uri).toBe(`${issuer}/jwks`);
    expect(discovery.code_challenge_methods_supported).toContain('S256');
    const jwks = (await (await fetch(String(discovery.jwks_uri))).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys.every((k) => !('d' in k))).toBe(true);

    const pages: string[] = [];
    const { tokens } = await signIn(new Browser(), 'met-police', 'SUPERVISOR', pages);
    expect(pages[0]).toContain('Metropolitan Police Service');
    expect(pages[0]).toContain('name="role"');
    const r = await me(tokens.access_token);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ me: { subject: 'met-police.supervisor', role: 'SUPERVISOR' } });
  });

  it('a token from a provider of another agency is that agency, whatever role is picked', async () => {
    const { tokens } = await signIn(new Browser(), 'albion-bank', 'VIEWER');
    expect((await me(tokens.access_token)).data).toEqual({ me: { subject: 'albion-bank.viewer', role: 'VIEWER' } });
  });

  it('rotates its keys mid-session: the next token (new key id) verifies, and so does the one signed before', async () => {
    const browser = new Browser();
    const first = await signIn(browser, 'politia-romana', 'CONTRIBUTOR');
    expect(codes(await me(first.tokens.access_token))).toEqual([]);
    const kidBefore = JSON.parse(Buffer.from(first.tokens.access_token.split('.')[0]!, 'base64url').toString()).kid as string;

    hub.devIdp!.rotateKeys('politia-romana');

    // Same browser session: no login page this time, a token signed with the new key.
    const pages: string[] = [];
    const second = await signIn(browser, 'politia-romana', 'CONTRIBUTOR', pages);
    expect(pages).toEqual([]);
    const kidAfter = JSON.parse(Buffer.from(second.tokens.access_token.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(kidAfter).not.toBe(kidBefore);
    expect((await me(second.tokens.access_token)).data).toEqual({ me: { subject: 'politia-romana.contributor', role: 'CONTRIBUTOR' } });
    expect(codes(await me(first.tokens.access_token))).toEqual([]);
  });

  it('an issuer registered through the API by URL alone: discovery finds its jwks_uri, and its tokens are accepted at once', async () => {
    const issuer = devProviderIssuer(hub.publicUrl, 'lumina-ro');
    // Not trusted yet: the provider's tokens are refused.
    await hub.db.query('DELETE FROM agencies.trusted_issuers WHERE issuer = $1', [issuer]);
    const { tokens } = await signIn(new Browser(), 'lumina-ro', 'VIEWER');
    const register = (input: Record<string, unknown>) =>
      hub.gql<{ registerTrustedIssuer: { issuer: string; jwks: string | null; jwksUri: string | null } }>(
        'tessera-admin',
        'mutation($input: RegisterTrustedIssuerInput!) { registerTrustedIssuer(input: $input) { issuer jwks jwksUri } }',
        { input: { agencyId: hub.demo.agencies['lumina-ro']!.id, audience: 'tessera', algorithms: ['ES256'], ...input } },
      );
    // Discovery that fails, or names another issuer, registers nothing.
    expect(codes(await register({ issuer: `${hub.publicUrl}/idp/no-such-agency` }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await register({ issuer: 'http://idp.lumina-ro.example' }))).toEqual(['BAD_USER_INPUT']);
    const r = await register({ issuer });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerTrustedIssuer).toEqual({ issuer, jwks: null, jwksUri: `${issuer}/jwks` });
    expect((await me(tokens.access_token)).data).toEqual({ me: { subject: 'lumina-ro.viewer', role: 'VIEWER' } });
  });

  it('refuses a token signed by a key the provider never published', async () => {
    const { tokens } = await signIn(new Browser(), 'safe-passage', 'VIEWER');
    const [h, p, sig] = tokens.access_token.split('.');
    const header = { ...JSON.parse(Buffer.from(h!, 'base64url').toString()), kid: 'made-up' };
    const forged = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${sig}`;
    expect(codes(await me(forged))).toEqual(['UNAUTHENTICATED']);
  });
});
