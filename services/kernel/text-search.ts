/**
 * Fuzzy text search over `<schema>.fold(text)`, which each schema that searches text creates in its
 * migrations: lower-case, unaccented, with the old cedilla forms (ş ţ) read as comma-below (ș ț), so
 * "Ionuț", "Ionuţ" and "Ionut" fold alike.
 */

/** Trigram match of a folded column against a folded search term: similar, or containing it. */
export function fuzzyMatchSql(schema: string, column: string, termParam: string): string {
  return `(${schema}.fold(${column}) % ${schema}.fold(${termParam}) OR ${schema}.fold(${column}) LIKE '%' || ${schema}.fold(${termParam}) || '%')`;
}

export function similaritySql(schema: string, column: string, termParam: string): string {
  return `similarity(${schema}.fold(${column}), ${schema}.fold(${termParam}))`;
}
