/**
 * Every table of a subgraph's schema is declared once, by that subgraph (`services/<name>/tables.ts`),
 * with whose rows it holds and which statements the hub's paths run on it. The application role's
 * privileges and the row-level security of every table are generated from these declarations
 * (services/kernel/security.ts), and a subgraph whose schema holds an undeclared table does not
 * get secured at all: setup fails closed.
 *
 * Whose rows a table holds (`rows`):
 * - `marked`: TLP-marked records (MARKED_COLUMNS): a row reaches the caller by marking, ownership,
 *   sharing and grants (policies/reach.ts); only the owner agency writes it.
 * - `part`: rows that belong to a row of `parent` (a report's parties, a narrative's proposals):
 *   visible when that row is visible to the caller, written when the caller's agency owns it.
 * - `agency`: rows of one agency, or of the agencies named in `columns` (a submission, an access
 *   request between two agencies): visible to and written by those agencies only.
 * - `grants`: a schema's grants table (layer 3): visible to the grantee and to the owner of the
 *   record granted, written by that owner.
 * - `reached-through`: shared ground (entities): visible where a row of `through` naming it is;
 *   never written by the application role (the owner's SECURITY DEFINER functions do).
 * - `audit`: the audit trail: an agency's events (as actor, record owner or recipient), all of them
 *   for a HUB_ANALYST supervisor; appended through the audit schema's own function only.
 * - `public-intake`: what the anonymous public sends (reports, their photos and additions): inserted
 *   only by the public actor, which reads none of it back (receipts go through the schema's own
 *   functions); read and triaged by HUB_ANALYST actors only.
 * - `audience`: what the hub publishes to an audience (intelligence reports): read by HUB_ANALYST
 *   actors, and, until withdrawn, by the agency types, agencies and sharing groups its
 *   `audience_agency_types`, `audience_agency_ids` and `audience_group_ids` name; written by
 *   HUB_ANALYST actors of the owner agency.
 * - `audience-view`: a rendering for one agency type of a row of `parent` (a report version's
 *   visuals): read where that row is, by that agency type only (and HUB_ANALYST actors); written like
 *   `audience`.
 * - `function-only`: bookkeeping of the schema's own SECURITY DEFINER functions (the actor tokens
 *   mutations ran with, the hit/no-hit quota's counts): no privilege and no policy, so the
 *   application role reads and writes none of it but through those functions.
 * - `reference`: the hub's directory and gazetteer (agencies, users, issuers, groups, places): no
 *   tenant rows; readable by every connection (authentication reads it before there is an actor),
 *   written only with a HUB_ADMIN actor.
 *
 * A `marked` or `reached-through` table searched by name names its folded name column (`searchedBy`,
 * kernel/text-search.ts): `nameMatchFunction(table)` answers the ids of the rows the session's actor
 * reaches whose name matches a term, through the column's trigram index (row-level security keeps a
 * query's own trigram match off the index).
 */
export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

export type RowOwnership =
  | { kind: 'marked'; searchedBy?: string }
  | { kind: 'part'; parent: string; column: string }
  | { kind: 'agency'; columns: readonly [string, ...string[]] }
  | { kind: 'grants'; records: readonly string[] }
  | { kind: 'reached-through'; through: string; column: string; searchedBy?: string }
  | { kind: 'audit' }
  | { kind: 'public-intake' }
  | { kind: 'audience' }
  | { kind: 'audience-view'; parent: string; column: string; agencyTypeColumn: string }
  | { kind: 'function-only' }
  | { kind: 'reference' };

export interface TableDeclaration {
  /** `<schema>.<table>`, in the schema of the subgraph that declares it. */
  table: string;
  rows: RowOwnership;
  /** The statements the application role may run on it: nothing else is granted. */
  privileges: readonly Privilege[];
}

/** A subgraph's tables; `schema` must be the subgraph's own (checked when the declarations are read). */
export function declareTables(schema: string, tables: readonly TableDeclaration[]): readonly TableDeclaration[] {
  for (const t of tables) {
    if (t.table.split('.')[0] !== schema) throw new Error(`${t.table} is declared by the ${schema} subgraph but lives in another schema`);
  }
  return tables;
}

export const READ_WRITE: readonly Privilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
