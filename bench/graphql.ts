/**
 * A GraphQL POST over Node's fetch (undici, keep-alive by default), only ever to 127.0.0.1.
 * Throws on a non-200 status or an error whose code is not expected, so a load loop counts failures
 * instead of measuring error pages.
 */
export interface GraphQLError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string };
}

export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  authorization: string,
  query: string,
  variables?: Record<string, unknown>,
  allowedCodes: readonly string[] = [],
  /** Sent as `x-tessera-purpose`: a victim's identity is released only with a stated purpose. */
  purpose?: string,
): Promise<{ data: T; errors: GraphQLError[] }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization, ...(purpose ? { 'x-tessera-purpose': purpose } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body: { data?: T; errors?: GraphQLError[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  const errors = body.errors ?? [];
  const unexpected = errors.filter((e) => !allowedCodes.includes(e.extensions?.code ?? ''));
  if (res.status !== 200 || unexpected.length || !body.data) {
    const first = unexpected[0] ?? errors[0];
    throw new Error(
      `HTTP ${res.status}: ${first ? `${first.extensions?.code ?? ''} ${first.message} at ${first.path?.join('.') ?? '-'}` : text.slice(0, 200)}`,
    );
  }
  return { data: body.data, errors };
}
