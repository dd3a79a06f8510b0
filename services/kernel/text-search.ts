import type { QueryRunner } from 'typeorm';

/**
 * Creates `<schema>.fold(text)`: lower-case, unaccented, with the old cedilla forms (ş ţ) read as
 * comma-below (ș ț), so "Ionuț", "Ionuţ" and "Ionut" fold alike. IMMUTABLE and independent of
 * search_path (unaccent named by its schema), so it can back a trigram index.
 */
export async function createFoldFunction(q: QueryRunner, schema: string): Promise<void> {
  await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
  const [ext] = (await q.query(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'unaccent'`)) as Array<{ schema: string }>;
  const s = ext!.schema;
  await q.query(`CREATE FUNCTION ${schema}.fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT lower(${s}.unaccent('${s}.unaccent'::regdictionary, translate($1, 'şţŞŢ', 'șțȘȚ'))) $$`);
}

/** Trigram match of a folded column against a folded search term: similar, or containing it. */
export function fuzzyMatchSql(schema: string, column: string, termParam: string): string {
  return `(${schema}.fold(${column}) % ${schema}.fold(${termParam}) OR ${schema}.fold(${column}) LIKE '%' || ${schema}.fold(${termParam}) || '%')`;
}

export function similaritySql(schema: string, column: string, termParam: string): string {
  return `similarity(${schema}.fold(${column}), ${schema}.fold(${termParam}))`;
}
