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

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  pageInfo: PageInfo;
}

export function toPage<T>(nodes: T[], totalCount: number, window: { limit: number; offset: number }): Page<T> {
  const end = window.offset + nodes.length;
  return {
    nodes,
    totalCount,
    pageInfo: { hasNextPage: end < totalCount, endCursor: nodes.length ? Buffer.from(`o:${end}`).toString('base64url') : undefined },
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
