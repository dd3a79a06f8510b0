import { randomUUID } from 'node:crypto';
import type { HeaderMap } from '@apollo/server';
import { type Actor, publicActor } from '../policies/actor';
import { type GatewayKeys, signActorToken, type SubgraphOperation } from '../services/kernel/actor-token';
import { rateLimited } from '../services/kernel/errors';
import type { Peer } from '../services/kernel/http';
import { type Logger, rootLogger } from '../services/kernel/logger';
import type { IdentityVerifier } from './identity';
import type { WriteMarks } from './read-your-writes';
import { lsnFromHeader, MIN_LSN_HEADER } from '../services/kernel/replica';
import { clientAddress, PUBLIC_SUBMISSIONS, publicRootFields, type PublicSourceLimiter } from './public-intake';

export interface GatewayContext {
  actor: Actor;
  requestId: string;
  log: Logger;
  /** The short-lived token that tells subgraph `name` who is asking, good for `operation` once (a new one per subgraph fetch). */
  actorToken(name: string, operation: SubgraphOperation): Promise<string>;
  /**
   * Read-your-writes with a read replica (gateway/read-your-writes.ts): the WAL position this
   * caller's reads must see (its last write), sent to subgraphs; and `wrote`, noting a subgraph's
   * answer that it committed a write at `lsn`. Absent without a replica.
   */
  readAfter?: ReadAfter;
}

export interface ReadAfter {
  /** The caller's last write known to this gateway or echoed by the client, if any. */
  lsn(): string | undefined;
  wrote(lsn: string): void;
}

/** The read-your-writes state of one request of `userId`: the gateway's mark, or the client's echo of an earlier answer's header if later. */
function readAfterFor(marks: WriteMarks, userId: string, echoed: string | undefined): ReadAfter {
  if (echoed) marks.note(userId, echoed);
  return { lsn: () => marks.get(userId), wrote: (lsn) => marks.note(userId, lsn) };
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
  marks?: WriteMarks,
): Promise<GatewayContext> {
  const publicFields = intake && !headers.get('authorization') ? publicRootFields(intake.operation) : undefined;
  if (publicFields) {
    const budget = intake!.limiter.take(
      clientAddress(intake!.peer.address, headers.get('x-forwarded-for'), intake!.limiter.limits.trustedProxyHops),
      // Each submission counts, however many one request carries (aliases of one field included).
      publicFields.filter((f) => PUBLIC_SUBMISSIONS.has(f)).length,
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
  const context = contextFor(actor, requestId, keys);
  if (marks) context.readAfter = readAfterFor(marks, actor.userId, lsnFromHeader(headers.get(MIN_LSN_HEADER)));
  return context;
}

function contextFor(actor: Actor, requestId: string, keys: GatewayKeys): GatewayContext {
  return {
    actor,
    requestId,
    log: rootLogger.child({ requestId, service: 'gateway', agencyId: actor.agencyId, userId: actor.userId }),
    actorToken: (name, operation) => signActorToken(keys, actor, name, requestId, operation),
  };
}
