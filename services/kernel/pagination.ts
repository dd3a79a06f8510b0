import { ArgsType, type ClassType, Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { badInput } from './errors';

@ObjectType()
@Directive('@shareable')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: 'At most 1000 (wide pages are also bounded by the query cost limit)' })
  first: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

export const MAX_PAGE = 1000;

/** Validated page window: offset cursors are opaque to clients. */
export function pageWindow(args: PageArgs): { limit: number; offset: number } {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
  let offset = 0;
  if (args.after) {
    const decoded = Number(Buffer.from(args.after, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) throw badInput('after', 'is not a cursor this server issued');
    offset = decoded;
  }
  return { limit: args.first, offset };
}

/**
 * What a page read knows of the rest of the list: whether another page follows, and how to count
 * every row the caller may see (`selectPage`).
 */
export interface PageRest {
  hasMore: boolean;
  count: () => Promise<number>;
}

export interface Page<T> {
  nodes: T[];
  /** Counted when a client reads it (a getter), at most once. */
  readonly totalCount: Promise<number>;
  pageInfo: PageInfo;
}

/** A connection's page: `rest` from `selectPage`, or the total of a list already whole in memory. */
export function toPage<T>(nodes: T[], rest: PageRest | number, window: { limit: number; offset: number }): Page<T> {
  const end = window.offset + nodes.length;
  const { hasMore, count } = typeof rest === 'number' ? { hasMore: end < rest, count: async () => rest } : rest;
  return connectionPage(nodes, { hasNextPage: hasMore, endCursor: nodes.length ? Buffer.from(`o:${end}`).toString('base64url') : undefined }, count);
}

/** A page with its own cursors (a keyset); the total is counted when a client reads it, at most once. */
export function connectionPage<T>(nodes: T[], pageInfo: PageInfo, count: () => Promise<number>): Page<T> {
  let counted: Promise<number> | undefined;
  return {
    nodes,
    get totalCount() {
      return (counted ??= count());
    },
    pageInfo,
  };
}

/** A `<Name>Connection` type: one page of nodes, the total the caller may see, and the next cursor. */
export function Connection<T extends object>(item: ClassType<T>, name: string) {
  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [item])
    nodes: T[];

    @Field(() => Int)
    totalCount: number;

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionType;
}

export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortDirection, { name: 'SortDirection' });
