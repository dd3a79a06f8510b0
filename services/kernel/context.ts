import DataLoader from 'dataloader';
import { defineAbilityFor, type AppAbility } from '../../policies/ability';
import type { Actor } from '../../policies/actor';
import { type GatewayKeys, type SubgraphOperation, tokenUsedBefore, verifyActorToken } from './actor-token';
import { GraphQLError } from 'graphql';
import { ConsultationLog } from './audit';
import { unexpectedError } from './errors';
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
  return createContextWith(actor, requestId, db.sessionFor(actor, route), service);
}

/** A context over a session made elsewhere (`readAs`; demo data, which runs before there is a hub). */
export function createContextWith(actor: Actor, requestId: string, session: ActorSession, service: string): RequestContext {
  const loaders = new Map<string, DataLoader<unknown, unknown>>();
  return {
    actor,
    ability: defineAbilityFor(actor),
    db: session,
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
 * Reads as another, read-only actor beside the request: `fn` gets a context of its own for `actor`
 * (its ability, its own database session under row-level security as that actor, its own loaders),
 * whose session is always rolled back when `fn` ends. Used where what the request produces must be
 * what someone else may see (an intelligence report's visuals, rendered as its audience sees them);
 * the caller records what it discloses. Only VIEWER actors: they create, change and withdraw nothing.
 */
export async function readAs<T>(ctx: RequestContext, actor: Actor, service: string, fn: (other: RequestContext) => Promise<T>): Promise<T> {
  if (actor.role !== 'VIEWER') throw new Error('readAs takes a VIEWER actor only');
  const other = createContextWith(actor, ctx.requestId, await ctx.db.readerSession(actor), service);
  try {
    return await fn(other);
  } finally {
    await other.db.finish(false);
  }
}

/**
 * The one way a subgraph turns an incoming request into a context: the gateway's token, signed for
 * this very operation, or nothing. A request that may write (not `route.readOnly`: a mutation, or a
 * query of the subgraph's `primaryQueries`) claims the token's id in the table every replica of the
 * subgraph shares, in the round trip that opens its session, and is refused (UNAUTHENTICATED) if
 * another request already ran it, here or at another replica: a captured token repeats no write.
 */
export async function contextFromAuthorization(
  keys: GatewayKeys,
  authorization: string | undefined,
  operation: SubgraphOperation,
  service: string,
  db: Database,
  route: SessionRoute,
): Promise<RequestContext> {
  const { actor, requestId, token } = await verifyActorToken(keys, authorization, service, operation);
  const ctx = createContext(actor, requestId, db, service, route);
  if (route.readOnly !== true) {
    let first: boolean;
    try {
      first = await ctx.db.claimActorToken(token);
    } catch (err) {
      // The database unreachable is SERVICE_UNAVAILABLE, as in a resolver; nothing else of it leaves.
      const { message, extensions } = unexpectedError(err);
      throw new GraphQLError(message, { extensions, originalError: err instanceof Error ? err : undefined });
    }
    if (!first) throw tokenUsedBefore();
  }
  return ctx;
}
