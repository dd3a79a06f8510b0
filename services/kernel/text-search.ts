/**
 * Fuzzy text search over `<schema>.fold(text)`, which each schema that searches text creates in its
 * migrations: lower-case, unaccented, with the old cedilla forms (ş ţ) read as comma-below (ș ț), so
 * "Ionuț", "Ionuţ" and "Ionut" fold alike.
 */

/**
 * Trigram match of a folded column against a folded search term: similar as a whole, similar to a
 * run of the column's words (pg_trgm word similarity, so a misspelt surname alone finds the full
 * name), or containing it.
 */
export function fuzzyMatchSql(schema: string, column: string, termParam: string): string {
  const col = `${schema}.fold(${column})`;
  const term = `${schema}.fold(${termParam})`;
  return `(${col} % ${term} OR ${term} <% ${col} OR ${col} LIKE '%' || ${term} || '%')`;
}

/** The better of whole-text and word similarity, 0–1: the score the match above is ranked by. */
export function similaritySql(schema: string, column: string, termParam: string): string {
  const col = `${schema}.fold(${column})`;
  const term = `${schema}.fold(${termParam})`;
  return `GREATEST(similarity(${col}, ${term}), word_similarity(${term}, ${col}))`;
}
