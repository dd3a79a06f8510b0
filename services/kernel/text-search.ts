/**
 * Fuzzy text search over `<schema>.fold(text)`, which each schema that searches text creates in its
 * migrations: lower-case, unaccented, with the old cedilla forms (ş ţ) read as comma-below (ș ț), so
 * "Ionuț", "Ionuţ" and "Ionut" fold alike.
 */

/**
 * Trigram match of a folded column (`folded`: its text as `<schema>.fold` gives it, e.g. a
 * generated column, so rows are not folded again at every search) against a folded search term:
 * similar as a whole, similar to a run of the column's words (pg_trgm word similarity, so a misspelt
 * surname alone finds the full name), or containing it.
 */
export function fuzzyMatchSql(schema: string, folded: string, termParam: string, trgmSchema?: string): string {
  const term = `${schema}.fold(${termParam})`;
  // Qualified where the search path holds only pg_catalog (a SECURITY DEFINER function's).
  const op = (o: string) => (trgmSchema ? `OPERATOR(${trgmSchema}.${o})` : o);
  // Containment of the term as written: LIKE's own wildcards and escape in it are escaped.
  const literal = `replace(replace(replace(${term}, '\\', '\\\\'), '%', '\\%'), '_', '\\_')`;
  return `(${folded} ${op('%')} ${term} OR ${term} ${op('<%')} ${folded} OR ${folded} LIKE '%' || ${literal} || '%')`;
}

/** The better of whole-text and word similarity, 0–1: the score the match above is ranked by. */
export function similaritySql(schema: string, folded: string, termParam: string): string {
  const term = `${schema}.fold(${termParam})`;
  return `GREATEST(similarity(${folded}, ${term}), word_similarity(${term}, ${folded}))`;
}
