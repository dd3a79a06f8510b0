/** A GraphQL enum object (each value its own name) from a list of string literals: the list stays the one source. */
export function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}
