import * as oauth from 'oauth4webapi';

/**
 * Sign-in with Authorization Code + PKCE (oauth4webapi) at the agency's OpenID Provider. The tokens
 * live in this module's memory only: never in localStorage or sessionStorage, so a reload signs in
 * again (the provider's session makes that one redirect). Only the transient PKCE verifier, state
 * and nonce wait in sessionStorage across the redirect to the provider, and are removed on return.
 *
 * The session outlives its access token: when the provider issues a refresh token (rotated on each
 * use), a new access token is fetched shortly before the current one expires, and again when the
 * API answers UNAUTHENTICATED (`accessToken`, `afterUnauthenticated`). Without one, or when the
 * refresh is refused, the person goes through the provider's sign-in again and comes back to the
 * page they were on.
 */
export interface IssuerChoice {
  slug: string;
  name: string;
  issuer: string;
}

export interface ConsoleConfig {
  issuers: IssuerChoice[];
  clientId: string;
  scope: string;
}

export interface Session {
  accessToken: string;
  idToken: string;
  issuer: IssuerChoice;
  expiresAt: number;
  /** Absent when the provider issues none: the session then ends with the access token. */
  refreshToken?: string;
  /** When the access token is renewed: `renewalMargin` before it expires. */
  renewAt: number;
}

const PENDING = 'tessera.signin.pending';
let session: Session | undefined;
/** The configuration signed in with: a session that cannot be refreshed signs in again with it. */
let signedInWith: ConsoleConfig | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | undefined;

/** How long before its expiry an access token is renewed: a fifth of its lifetime, at most a minute. */
const renewalMargin = (lifetimeMs: number) => Math.min(60_000, lifetimeMs / 5);

export const redirectUri = () => `${location.origin}/callback`;

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  // A development provider on this machine is reached over http.
  const opts = url.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, opts));
}

const insecureFor = (issuer: string) => (issuer.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {});

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/console-config.json');
  if (!res.ok) throw new Error(`console configuration: HTTP ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}

export async function signIn(config: ConsoleConfig, choice: IssuerChoice, returnTo: string): Promise<void> {
  const as = await discover(choice.issuer);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING, JSON.stringify({ choice, verifier, state, nonce, returnTo }));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: config.scope,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/** Completes a sign-in at /callback; returns where to go next. */
export async function completeSignIn(config: ConsoleConfig): Promise<string> {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!raw) throw new Error('No sign-in was started in this tab');
  const pending = JSON.parse(raw) as { choice: IssuerChoice; verifier: string; state: string; nonce: string; returnTo: string };
  const as = await discover(pending.choice.issuer);
  const client: oauth.Client = { client_id: config.clientId, id_token_signed_response_alg: 'ES256' };
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    insecureFor(pending.choice.issuer),
  );
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  signedInWith = config;
  keep(pending.choice, result, undefined);
  return pending.returnTo || '/';
}

/** Holds a token response in memory and schedules the renewal of its access token. */
function keep(issuer: IssuerChoice, result: oauth.TokenEndpointResponse, previous: Session | undefined): void {
  const lifetimeMs = (result.expires_in ?? 3600) * 1000;
  const now = Date.now();
  session = {
    accessToken: result.access_token,
    idToken: result.id_token ?? previous?.idToken ?? '',
    issuer,
    expiresAt: now + lifetimeMs,
    // A provider that does not rotate keeps the refresh token it gave.
    refreshToken: result.refresh_token ?? previous?.refreshToken,
    renewAt: now + lifetimeMs - renewalMargin(lifetimeMs),
  };
  clearTimeout(refreshTimer);
  if (session.refreshToken) refreshTimer = setTimeout(() => void refresh(), session.renewAt - now);
}

/**
 * A new access token from the refresh token, one request at a time (concurrent callers share it);
 * false when there is no refresh token or the provider refuses it (the session then ends).
 */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const s = session;
    const config = signedInWith;
    if (!s?.refreshToken || !config) return false;
    try {
      const as = await discover(s.issuer.issuer);
      const client: oauth.Client = { client_id: config.clientId, id_token_signed_response_alg: 'ES256' };
      const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), s.refreshToken, insecureFor(s.issuer.issuer));
      const result = await oauth.processRefreshTokenResponse(as, client, response);
      if (session !== s) return false; // signed out meanwhile
      keep(s.issuer, result, s);
      return true;
    } catch {
      if (session === s) session = { ...s, refreshToken: undefined };
      return false;
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

/**
 * Whether someone is signed in: an access token still valid, or a refresh token to get the next
 * one with.
 */
export function currentSession(): Session | undefined {
  return session && (session.expiresAt > Date.now() || session.refreshToken) ? session : undefined;
}

/**
 * The access token to send now: renewed first when its renewal is due (a timer late after the
 * computer slept, say).
 */
export async function accessToken(): Promise<string | undefined> {
  if (!session) return undefined;
  if (session.refreshToken && Date.now() >= session.renewAt) await refresh();
  // Expired and not renewable: the session ends here, rather than on the API's clock tolerance.
  if (session && Date.now() >= session.expiresAt) {
    endSession();
    return undefined;
  }
  return session?.accessToken;
}

/** Ends a session that can no longer get a token (once), so that the app signs in again (`endedSession`). */
function endSession(): void {
  if (!session || (session.expiresAt === 0 && !session.refreshToken)) return;
  session = { ...session, expiresAt: 0, renewAt: 0, refreshToken: undefined };
  clearTimeout(refreshTimer);
  dispatchEvent(new Event(SESSION_ENDED));
}

/**
 * The API answered UNAUTHENTICATED: whether a refreshed token is worth one more try. Without a
 * refresh token, or when the refresh is refused, the session ends and the person signs in again
 * (`endedSession`).
 */
export async function afterUnauthenticated(): Promise<boolean> {
  if (!session) return false;
  if (await refresh()) return true;
  endSession();
  return false;
}

/** Dispatched on `window` when the session ends without a sign-out: the app signs in again. */
export const SESSION_ENDED = 'tessera:session-ended';

/**
 * The provider of a session that ended on its own (its access token expired and could not be
 * renewed): signing in there again, back to the same page, is usually one redirect with no question
 * (the provider's session).
 */
export function endedSession(): { config: ConsoleConfig; issuer: IssuerChoice } | undefined {
  return session && !currentSession() && signedInWith ? { config: signedInWith, issuer: session.issuer } : undefined;
}

/** Forgets the tokens and ends the session at the provider (RP-initiated logout). */
export async function signOut(config: ConsoleConfig): Promise<void> {
  const s = session;
  session = undefined;
  clearTimeout(refreshTimer);
  if (!s) return location.assign('/');
  const as = await discover(s.issuer.issuer);
  if (!as.end_session_endpoint) return location.assign('/');
  const url = new URL(as.end_session_endpoint);
  url.search = new URLSearchParams({ id_token_hint: s.idToken, post_logout_redirect_uri: `${location.origin}/`, client_id: config.clientId }).toString();
  location.assign(url.href);
}
