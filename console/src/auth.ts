import * as oauth from 'oauth4webapi';

/**
 * Sign-in with Authorization Code + PKCE (oauth4webapi) at the agency's OpenID Provider. The tokens
 * live in this module's memory only: never in localStorage or sessionStorage, so a reload signs in
 * again (the provider's session makes that one redirect). Only the transient PKCE verifier, state
 * and nonce wait in sessionStorage across the redirect to the provider, and are removed on return.
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
}

const PENDING = 'tessera.signin.pending';
let session: Session | undefined;

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
  session = {
    accessToken: result.access_token,
    idToken: result.id_token!,
    issuer: pending.choice,
    expiresAt: Date.now() + (result.expires_in ?? 3600) * 1000,
  };
  return pending.returnTo || '/';
}

export function currentSession(): Session | undefined {
  return session && session.expiresAt > Date.now() ? session : undefined;
}

/** Forgets the tokens and ends the session at the provider (RP-initiated logout). */
export async function signOut(config: ConsoleConfig): Promise<void> {
  const s = session;
  session = undefined;
  if (!s) return location.assign('/');
  const as = await discover(s.issuer.issuer);
  if (!as.end_session_endpoint) return location.assign('/');
  const url = new URL(as.end_session_endpoint);
  url.search = new URLSearchParams({ id_token_hint: s.idToken, post_logout_redirect_uri: `${location.origin}/`, client_id: config.clientId }).toString();
  location.assign(url.href);
}
