import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLField, type GraphQLResolveInfo, type GraphQLSchema, isObjectType, parse } from 'graphql';
import { buildSchema, type BuildSchemaOptions, createResolversMap } from 'type-graphql';
import { PURPOSE_REQUIRED } from '../../policies/ability';
import { rawOf, REDACTED } from '../../policies/enforce';
import { type PolicyRecord, SUBJECT_FIELDS, type SubjectType } from '../../policies/subjects';
import type { Action } from '../../policies/subjects';
import type { RequestContext } from './context';
import { forbidden, forbiddenField, purposeRequired } from './errors';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires"])';

/**
 * The access every root field needs, declared next to the subgraph. Reads are filtered record by
 * record in the services (a missing record is NOT_FOUND); any other action is checked here first
 * at type level, so an agency type that may never create a subject is refused with FORBIDDEN.
 */
export type RootAccess = Record<string, readonly [Action, SubjectType] | AnyMember>;

/**
 * A root field any authenticated member may call whatever its agency type and role, checked by
 * nothing but its service: a rare exception, declared with the one-line reason it cannot name a
 * policy subject. test/any-member.test.ts lists every one; a new one fails it until added there.
 */
export interface AnyMember {
  anyMember: string;
}

const anyMemberFields = new WeakMap<GraphQLSchema, string[]>();

/** The root fields of a subgraph schema declared AnyMember (for the test that lists them). */
export function anyMemberRootFields(schema: GraphQLSchema): string[] {
  return anyMemberFields.get(schema) ?? [];
}

/**
 * Wraps a field's resolver with `check`, which sees the resolved value. Synchronous when the
 * resolver is: these run on every field of every response, so no promise is made where none is
 * needed (type-graphql's global middlewares made several per field, the benchmark's hot spot).
 */
function wrapResolver(
  field: GraphQLField<unknown, RequestContext>,
  check: (value: unknown, source: unknown, ctx: RequestContext, info: GraphQLResolveInfo) => unknown,
): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  field.resolve = (source, args, ctx, info) => {
    const value: unknown = resolve(source, args, ctx, info);
    return value instanceof Promise ? value.then((v) => check(v, source, ctx, info)) : check(value, source, ctx, info);
  };
}

/**
 * A field the policy projected as REDACTED becomes null plus an error at its path, on every field of
 * every type: PURPOSE_REQUIRED when the rule that withheld it asks for a stated purpose (the same
 * request with `x-tessera-purpose` would read it), FORBIDDEN_FIELD otherwise.
 */
function guardRedactedFields(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      wrapResolver(field, (value, source, ctx, info) => {
        if (value !== REDACTED) return value;
        if (withheldForPurpose(ctx, source, info.fieldName)) throw purposeRequired(info.parentType.name, info.fieldName);
        throw forbiddenField(info.parentType.name, info.fieldName);
      });
    }
  }
}

function withheldForPurpose(ctx: RequestContext, source: unknown, field: string): boolean {
  const record = source && typeof source === 'object' ? (source as PolicyRecord) : null;
  if (!record || !(record.__typename in SUBJECT_FIELDS)) return false;
  const raw = rawOf<PolicyRecord>(record);
  const rules = ctx.ability.rulesFor('read', raw.__typename, field);
  const withheld = rules.find((r) => r.inverted && r.matchesConditions(raw));
  // Only where the purpose is all that is missing: some rule of the caller's would then release it.
  return withheld?.reason === PURPOSE_REQUIRED && rules.some((r) => !r.inverted && r.matchesConditions(raw));
}

/** Before a root field runs, its declared access (start-up fails if one is missing, see buildFederatedSchema). */
function guardRootFields(schema: GraphQLSchema, access: RootAccess): void {
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const [name, field] of Object.entries(root?.getFields() ?? {})) {
      if (name === '_entities' || name === '_service') continue;
      const rule = access[name];
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx: RequestContext, info) => {
        if (!rule) throw forbidden(`No access rule declared for ${info.parentType.name}.${name}`);
        if (Array.isArray(rule) && rule[0] !== 'read' && !ctx.ability.can(rule[0], rule[1])) {
          throw forbidden(`Your agency or role may not ${rule[0]} ${rule[1]}`);
        }
        return resolve(source, args, ctx, info);
      };
    }
  }
}

export interface FederatedSchemaOptions {
  /** Every Query and Mutation field with the access it needs; start-up fails if one is missing. */
  rootAccess: RootAccess;
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  /** `__resolveReference` per entity type; they must call the same service (and policy) as queries. */
  references?: Record<string, { __resolveReference: (ref: never, ctx: RequestContext) => unknown }>;
  /** GraphQL fields of subject types that are relations or federation keys, not policy fields. */
  relations?: Partial<Record<SubjectType, string[]>>;
}

/**
 * Secure-schema check: every field a subject type exposes must be a field the policy knows
 * (SUBJECT_FIELDS) or a declared relation. A field nobody wrote a rule for fails at start-up.
 */
export function assertSecureSchema(schema: GraphQLSchema, relations: FederatedSchemaOptions['relations'] = {}): void {
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !(type.name in SUBJECT_FIELDS)) continue;
    const subject = type.name as SubjectType;
    const known = new Set<string>([...SUBJECT_FIELDS[subject], ...(relations[subject] ?? [])]);
    for (const field of Object.keys(type.getFields())) {
      if (!known.has(field)) problems.push(`${subject}.${field}`);
    }
  }
  if (problems.length) throw new Error(`Fields without an access rule (add them to policies/subjects.ts or declare them as relations): ${problems.join(', ')}`);
}

/** The one helper that turns type-graphql classes into an Apollo Federation 2 subgraph schema. */
export async function buildFederatedSchema(opts: FederatedSchemaOptions): Promise<GraphQLSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: opts.resolvers,
    orphanedTypes: opts.orphanedTypes,
    skipCheck: true,
    validate: false,
  });
  const sdl = `${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphqlSchema)}`;
  const resolvers = createResolversMap(typeGraphqlSchema) as GraphQLResolverMap<RequestContext>;
  for (const [typeName, ref] of Object.entries(opts.references ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), __resolveReference: ref.__resolveReference } as never;
  }
  const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);
  assertSecureSchema(schema, opts.relations);
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.keys(root?.getFields() ?? {})) {
      if (field !== '_entities' && field !== '_service' && !opts.rootAccess[field]) {
        throw new Error(`Root field ${root?.name}.${field} has no declared access rule`);
      }
    }
  }
  for (const [field, rule] of Object.entries(opts.rootAccess)) {
    if (!Array.isArray(rule) && !(rule as AnyMember).anyMember?.trim()) throw new Error(`Root field ${field} is declared any-member without a reason`);
  }
  anyMemberFields.set(
    schema,
    Object.entries(opts.rootAccess)
      .filter(([, rule]) => !Array.isArray(rule))
      .map(([field]) => field),
  );
  guardRedactedFields(schema);
  guardRootFields(schema, opts.rootAccess);
  return schema;
}
