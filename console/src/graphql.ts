import { Client, type CombinedError, fetchExchange } from '@urql/core';
import { currentSession } from './auth';

/**
 * The console's GraphQL client: urql, POST only (a JSON POST is what Apollo's CSRF prevention lets
 * through), the bearer token from memory, and the purpose stated for this session as
 * `x-tessera-purpose`.
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
  fetchOptions: () => {
    const headers: Record<string, string> = {};
    const s = currentSession();
    if (s) headers.authorization = `Bearer ${s.accessToken}`;
    if (purpose) headers['x-tessera-purpose'] = purpose;
    return { headers };
  },
});

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
