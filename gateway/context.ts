import { randomUUID } from 'node:crypto';
import type { HeaderMap } from '@apollo/server';
import type { Actor } from '../policies/actor';
import { type GatewayKeys, signActorToken, type SubgraphOperation } from '../services/kernel/actor-token';
import { type Logger, rootLogger } from '../services/kernel/logger';
import type { IdentityVerifier } from './identity';

export interface GatewayContext {
  actor: Actor;
  requestId: string;
  log: Logger;
  /** The short-lived token that tells subgraph `name` who is asking, good for `operation` once (a new one per subgraph fetch). */
  actorToken(name: string, operation: SubgraphOperation): Promise<string>;
}

export async function gatewayContext(headers: HeaderMap, verifier: IdentityVerifier, keys: GatewayKeys): Promise<GatewayContext> {
  const incoming = headers.get('x-request-id');
  const requestId = incoming && /^[A-Za-z0-9-]{8,64}$/.test(incoming) ? incoming : randomUUID();
  const actor = await verifier.authenticate(headers.get('authorization'), headers.get('x-tessera-purpose'));
  return {
    actor,
    requestId,
    log: rootLogger.child({ requestId, service: 'gateway', agencyId: actor.agencyId, userId: actor.userId }),
    actorToken: (name, operation) => signActorToken(keys, actor, name, requestId, operation),
  };
}
