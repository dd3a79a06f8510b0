import DataLoader from 'dataloader';
import { defineAbilityFor, type AppAbility } from '../../policies/ability';
import type { Actor } from '../../policies/actor';
import { type GatewayKeys, type SubgraphOperation, verifyActorToken } from './actor-token';
import { ConsultationLog } from './audit';
import type { ActorSession, Database, SessionRoute } from './db';
import { type Logger, rootLogger } from './logger';

/** Everything one request to one subgraph carries: who asks, what they may do, batched loaders. */
export interface RequestContext {
  actor: Actor;
  ability: AppAbility;
  /** This request's session: every statement runs as the actor, under row-level security. */
  db: ActorSession;
  log: Logger;
  requestId: string;
  /**
   * Personal data this request released and resolved (kernel/audit.ts): written as CONSULT /
   * DISCLOSE audit events before the response leaves the subgraph.
   */
  consulted: ConsultationLog;
  /** The request's DataLoader called `name`, made on first use: one batch per key set, per request. */
  loader<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V>;
}

export function createContext(actor: Actor, requestId: string, db: Database, service: string, route: SessionRoute = {}): RequestContext {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    actor,
    ability: defineAbilityFor(actor),
    db: db.sessionFor(actor, route),
    requestId,
    consulted: new ConsultationLog(),
    log: rootLogger.child({ requestId, service, agencyId: actor.agencyId, userId: actor.userId }),
    loader<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
      let l = loaders.get(name) as DataLoader<K, V> | undefined;
      if (!l) {
        l = make();
        loaders.set(name, l as DataLoader<unknown, unknown>);
      }
      return l;
    },
  };
}

/**
 * The one way a subgraph turns an incoming request into a context: the gateway's token, signed for
 * this very operation, or nothing.
 */
export async function contextFromAuthorization(
  keys: GatewayKeys,
  authorization: string | undefined,
  operation: SubgraphOperation,
  service: string,
  db: Database,
  route: SessionRoute = {},
): Promise<RequestContext> {
  const { actor, requestId } = await verifyActorToken(keys, authorization, service, operation);
  return createContext(actor, requestId, db, service, route);
}
