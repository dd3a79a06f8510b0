import { randomUUID } from 'node:crypto';
import type { HeaderMap } from '@apollo/server';
import { type Actor, publicActor } from '../policies/actor';
import { type GatewayKeys, signActorToken, type SubgraphOperation } from '../services/kernel/actor-token';
import { rateLimited } from '../services/kernel/errors';
import type { Peer } from '../services/kernel/http';
import { type Logger, rootLogger } from '../services/kernel/logger';
import type { IdentityVerifier } from './identity';
import { clientAddress, PUBLIC_SUBMISSIONS, publicRootFields, type PublicSourceLimiter } from './public-intake';

export interface GatewayContext {
  actor: Actor;
  requestId: string;
  log: Logger;
  /** The short-lived token that tells subgraph `name` who is asking, good for `operation` once (a new one per subgraph fetch). */
  actorToken(name: string, operation: SubgraphOperation): Promise<string>;
}

/**
 * A request without an Authorization header whose operation is only public intake fields
 * (gateway/public-intake.ts) runs as the anonymous public actor, within its source's daily budget;
 * its own request id and purpose headers are ignored (a client-chosen id could follow a device).
 * Every other request is authenticated by its agency's IdP token.
 */
export async function gatewayContext(
  headers: HeaderMap,
  verifier: IdentityVerifier,
  keys: GatewayKeys,
  intake?: { operation: SubgraphOperation; peer: Peer; limiter: PublicSourceLimiter },
): Promise<GatewayContext> {
  const publicFields = intake && !headers.get('authorization') ? publicRootFields(intake.operation) : undefined;
  if (publicFields) {
    const budget = intake!.limiter.take(
      clientAddress(intake!.peer.address, headers.get('x-forwarded-for'), intake!.limiter.limits.trustedProxyHops),
      publicFields.some((f) => PUBLIC_SUBMISSIONS.has(f)),
    );
    if (!budget.ok) {
      const err = rateLimited('Too many reports from this connection today; please try again tomorrow', budget.retryAfterSeconds);
      err.extensions.http = { status: 429 };
      throw err;
    }
    return contextFor(publicActor(), randomUUID(), keys);
  }
  const incoming = headers.get('x-request-id');
  const requestId = incoming && /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  const actor = await verifier.authenticate(headers.get('authorization'), headers.get('x-tessera-purpose'));
  return contextFor(actor, requestId, keys);
}

function contextFor(actor: Actor, requestId: string, keys: GatewayKeys): GatewayContext {
  return {
    actor,
    requestId,
    log: rootLogger.child({ requestId, service: 'gateway', agencyId: actor.agencyId, userId: actor.userId }),
    actorToken: (name, operation) => signActorToken(keys, actor, name, requestId, operation),
  };
}
