/**
 * OpenID Connect discovery of an issuer's key set: `<issuer>/.well-known/openid-configuration`
 * names its `jwks_uri`. The issuer must be https, except on a development hub or on a loopback
 * address (an identity provider on this machine), where http is accepted.
 */
export class DiscoveryError extends Error {}

export function assertIssuerUrl(issuer: string, allowHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new DiscoveryError('must be a URL');
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !((allowHttp || loopback) && url.protocol === 'http:')) throw new DiscoveryError('must be an https URL');
  return url;
}

/** The issuer's `jwks_uri`, read from its discovery document, which must name the same issuer. */
export async function discoverJwksUri(issuer: string, opts: { allowHttp: boolean; timeoutMs?: number }): Promise<string> {
  assertIssuerUrl(issuer, opts.allowHttp);
  const wellKnown = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await fetch(wellKnown, { signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000), redirect: 'error' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as typeof doc;
  } catch (err) {
    throw new DiscoveryError(`discovery at ${wellKnown} failed: ${(err as Error).message}`);
  }
  if (doc.issuer !== issuer) throw new DiscoveryError(`the discovery document names issuer ${String(doc.issuer)}, not ${issuer}`);
  if (typeof doc.jwks_uri !== 'string') throw new DiscoveryError('the discovery document names no jwks_uri');
  assertIssuerUrl(doc.jwks_uri, opts.allowHttp);
  return doc.jwks_uri;
}
