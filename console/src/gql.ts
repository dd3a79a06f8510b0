import { initGraphQLTada, type TadaDocumentNode } from 'gql.tada';
import type { introspection } from './graphql-env';

const tada = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTimeISO: string };
  disableMasking: true;
}>();

type Fragment = NonNullable<Parameters<typeof tada>[1]>[number];
/** gql.tada's parse with one signature, to name its result for given arguments. */
const parse = <const In extends string, const Fragments extends readonly Fragment[]>(input: In, fragments?: Fragments) => tada(input, fragments);

/** The paths (a.b.c) of a result whose type gql.tada could not find in the schema: fields the API does not have. */
type UnknownPaths<T, At extends string> = unknown extends T
  ? At
  : T extends readonly (infer E)[]
    ? UnknownPaths<E, At>
    : T extends object
      ? { [K in keyof T & string]-?: UnknownPaths<T[K], At extends '' ? K : `${At}.${K}`> }[keyof T & string]
      : never;

/** The document, or (naming a field or type the API does not have) a type no client accepts, which names the field. */
type Checked<D> = [D] extends [never]
  ? { 'a document gql.tada cannot type (a fragment on a type the API does not have?)': never }
  : D extends TadaDocumentNode<infer Result, infer _Variables, infer _Decoration>
    ? [Result] extends [never]
      ? { 'a fragment on a type the API does not have': never }
      : [UnknownPaths<Result, ''>] extends [never]
        ? D
        : { 'fields the API does not have': UnknownPaths<Result, ''> }
    : D;

/**
 * The console's GraphQL documents: `graphql(`...`)` parses an operation (or a fragment, given to
 * the documents that spread it as `graphql(`...`, [Fragment])`) and types its result and variables
 * from the API schema (graphql-env.d.ts, written by `npm run schema:compose`). `tsc -p console`
 * refuses a document that selects a field the API does not have, and a result or variables used in
 * another shape. Take the types with `ResultOf` and `VariablesOf`; fragments are not masked (a
 * result holds the fields its fragments select). The literal must be written out: gql.tada reads
 * its type, so an operation interpolates nothing. What tsc does not check (arguments, variable
 * types against the arguments they feed) scripts/console-operations.test.ts does.
 */
export function graphql<const In extends string, const Fragments extends readonly Fragment[] = []>(
  input: In,
  fragments?: Fragments,
): Checked<ReturnType<typeof parse<In, Fragments>>> {
  return parse(input, fragments) as never;
}

export type { ResultOf, VariablesOf } from 'gql.tada';

/** An input object or enum of the API schema, by name: `SchemaType<'HandlingInput'>`. */
export type SchemaType<Name extends string> = ReturnType<typeof tada.scalar<Name>>;
