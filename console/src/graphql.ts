import { Client, type CombinedError, fetchExchange } from '@urql/core';
import { accessToken, afterUnauthenticated } from './auth';

/**
 * The console's GraphQL client: urql, POST only (a JSON POST is what Apollo's CSRF prevention lets
 * through), the bearer token from memory (renewed before it expires), and the purpose stated for this
 * session as `x-tessera-purpose`. An UNAUTHENTICATED answer is retried once after a token refresh.
 */
let purpose: string | undefined;

export const statedPurpose = () => purpose;
export function setPurpose(p: string | undefined): void {
  purpose = p?.trim() || undefined;
}

export const client = new Client({
  url: '/graphql',
  exchanges: [fetchExchange],
  preferGetMethod: false,
  requestPolicy: 'network-only',
  fetchOptions: () => (purpose ? { headers: { 'x-tessera-purpose': purpose } } : {}),
  fetch: authenticatedFetch,
});

/** Whether the API refused the request's token (HTTP 401, or an UNAUTHENTICATED error). */
async function unauthenticated(res: Response): Promise<boolean> {
  if (res.status === 401) return true;
  if (!(res.headers.get('content-type') ?? '').includes('json')) return false;
  const body = (await res.clone().json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return !!body.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

async function authenticatedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const send = async () => {
    const headers = new Headers(init?.headers);
    const token = await accessToken();
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(input, { ...init, headers });
  };
  const res = await send();
  if (!(await unauthenticated(res)) || !(await afterUnauthenticated())) return res;
  return send();
}

/**
 * The public's client, for the pages anyone may open without signing in: no token and no purpose,
 * so the gateway runs it as the anonymous public, for the public intake fields only.
 */
export const publicClient = new Client({ url: '/graphql', exchanges: [fetchExchange], preferGetMethod: false, requestPolicy: 'network-only' });

export interface GraphQLIssue {
  code: string;
  path: string;
  message: string;
}

export function issues(error: CombinedError | undefined): GraphQLIssue[] {
  return (error?.graphQLErrors ?? []).map((e) => ({
    code: String(e.extensions?.code ?? ''),
    path: (e.path ?? []).join('.'),
    message: e.message,
  }));
}

/** The paths (a.b.0.c) of fields withheld by policy: FORBIDDEN_FIELD errors, whose value is null. */
export function withheldPaths(error: CombinedError | undefined): Set<string> {
  return new Set(
    issues(error)
      .filter((i) => i.code === 'FORBIDDEN_FIELD')
      .map((i) => i.path),
  );
}

export const needsPurpose = (error: CombinedError | undefined) => issues(error).some((i) => i.code === 'PURPOSE_REQUIRED');
