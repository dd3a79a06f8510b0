import { isMarkedSubject, type MarkedSubject } from '../../policies/subjects';

export { isMarkedSubject, type MarkedSubject };

/**
 * Where every marked subject lives: its table, the `<schema>.grants` table whose rows let another
 * agency reach it (layer 3, policies/reach.ts), how its lifecycle depends on another record, and its
 * retention class. Used by the cross-schema governance code (access grants, retention review and
 * erasure), which must know, given `{ subjectType, id }`, which table to check ownership in and
 * which grants table to write. Table names here are constants, never input: callers look a subject
 * up with `recordTable()` and get `undefined` for anything else.
 */

/**
 * Retention classes, after the UK's Management of Police Information (MoPI) review practice: every
 * record carries a review-due date; at review its owner records a decision to keep (with a reason,
 * which sets the next review one period later) or to erase.
 */
export const RETENTION_CLASSES = {
  /** Investigations (a case with its persons and events): MoPI's six-year review cycle. */
  INVESTIGATION: { years: 6 },
  /** Suspicious-transaction evidence: five years, as the Money Laundering Regulations 2017 (reg. 40) keep records. */
  FINANCIAL_REPORT: { years: 5 },
  /** De-identified financial patterns: re-validated every three years, when patterns go stale. */
  FINANCIAL_PATTERN: { years: 3 },
  /** Survivors' accounts held on consent: reviewed every two years with the consent. */
  SURVIVOR_ACCOUNT: { years: 2 },
  /** Statements about entities made on another agency's record: reviewed on their own every two years. */
  STATEMENT: { years: 2 },
  /**
   * Adverts collected from adult-services sites: open-source material about people who may be
   * victims, kept only while it can still lead somewhere; reviewed yearly, like the leads computed from them.
   */
  ADVERT_INTELLIGENCE: { years: 1 },
  /** Hub-derived aggregates, recomputed from cases: reviewed yearly. */
  AGGREGATE: { years: 1 },
  /**
   * A member of the public's report as written (text, contact, photos), once the hub has triaged it:
   * untested intelligence from an unknown source, reviewed every two years from the decision.
   */
  PUBLIC_REPORT: { years: 2 },
} as const;
export type RetentionClass = keyof typeof RETENTION_CLASSES;

/**
 * How a record's retention depends on another one:
 * - `parent`: it is part of its parent (a case's persons and events); it is never reviewed on its
 *   own, takes the parent's review date when the parent is kept and goes when the parent is erased
 *   (ON DELETE CASCADE);
 * - `source`: a statement (observation, link) made on a source record (`source_type`, `source_id`);
 *   when the same agency owns the source it follows it like a part, otherwise it is reviewed on its
 *   own under its retention class.
 */
export type Follows = { kind: 'parent'; subject: MarkedSubject; column: string } | { kind: 'source' };

export interface MarkedRecordTable {
  subject: MarkedSubject;
  /** `<schema>.<table>` */
  table: string;
  /** `<schema>.grants` */
  grantsTable: string;
  retention: RetentionClass;
  follows?: Follows;
}

export const RECORDS: Readonly<Record<MarkedSubject, MarkedRecordTable>> = {
  Case: { subject: 'Case', table: 'cases.cases', grantsTable: 'cases.grants', retention: 'INVESTIGATION' },
  Person: {
    subject: 'Person',
    table: 'cases.persons',
    grantsTable: 'cases.grants',
    retention: 'INVESTIGATION',
    follows: { kind: 'parent', subject: 'Case', column: 'case_id' },
  },
  ReferralStage: {
    subject: 'ReferralStage',
    table: 'cases.referral_stages',
    grantsTable: 'cases.grants',
    retention: 'INVESTIGATION',
    follows: { kind: 'parent', subject: 'Case', column: 'case_id' },
  },
  TraffickingEvent: {
    subject: 'TraffickingEvent',
    table: 'cases.events',
    grantsTable: 'cases.grants',
    retention: 'INVESTIGATION',
    follows: { kind: 'parent', subject: 'Case', column: 'case_id' },
  },
  Observation: { subject: 'Observation', table: 'entities.observations', grantsTable: 'entities.grants', retention: 'STATEMENT', follows: { kind: 'source' } },
  Link: { subject: 'Link', table: 'entities.links', grantsTable: 'entities.grants', retention: 'STATEMENT', follows: { kind: 'source' } },
  Route: { subject: 'Route', table: 'routes.routes', grantsTable: 'routes.grants', retention: 'AGGREGATE' },
  Typology: { subject: 'Typology', table: 'typologies.typologies', grantsTable: 'typologies.grants', retention: 'FINANCIAL_PATTERN' },
  TransactionReport: { subject: 'TransactionReport', table: 'typologies.transaction_reports', grantsTable: 'typologies.grants', retention: 'FINANCIAL_REPORT' },
  Narrative: { subject: 'Narrative', table: 'narratives.narratives', grantsTable: 'narratives.grants', retention: 'SURVIVOR_ACCOUNT' },
  Advert: { subject: 'Advert', table: 'adverts.adverts', grantsTable: 'adverts.grants', retention: 'ADVERT_INTELLIGENCE' },
  AdvertLead: { subject: 'AdvertLead', table: 'adverts.leads', grantsTable: 'adverts.grants', retention: 'ADVERT_INTELLIGENCE' },
};

/** The record an observation or link names in `source_type` / `source_id`. */
export const SOURCE_SUBJECTS = {
  CASE: 'Case',
  TRANSACTION_REPORT: 'TransactionReport',
  NARRATIVE: 'Narrative',
  TYPOLOGY: 'Typology',
  ADVERT: 'Advert',
} as const satisfies Record<string, MarkedSubject>;
export type SourceTypeName = keyof typeof SOURCE_SUBJECTS;

export function sourceTypeOf(subject: MarkedSubject): SourceTypeName | undefined {
  return (Object.keys(SOURCE_SUBJECTS) as SourceTypeName[]).find((k) => SOURCE_SUBJECTS[k] === subject);
}

/** Statements (observations, links) are the subjects whose rows name a source record. */
export const STATEMENT_SUBJECTS = (Object.values(RECORDS) as MarkedRecordTable[]).filter((r) => r.follows?.kind === 'source').map((r) => r.subject);

/** Every distinct grants table, once. */
export const GRANTS_TABLES: readonly string[] = [...new Set(Object.values(RECORDS).map((r) => r.grantsTable))];

/** The storage of a marked subject, or undefined for any other name. */
export function recordTable(subject: string): MarkedRecordTable | undefined {
  return isMarkedSubject(subject) ? RECORDS[subject] : undefined;
}

/** The review period of a retention class, as a Postgres interval literal. */
export function retentionInterval(cls: RetentionClass): string {
  return `${RETENTION_CLASSES[cls].years} years`;
}

/**
 * SQL: whether the statement row `alias` (an observation or link) was made on a source record its
 * own agency owns, in which case it follows that record's retention instead of being reviewed alone.
 */
export function followsOwnSourceSql(alias: string): string {
  const branches = (Object.keys(SOURCE_SUBJECTS) as SourceTypeName[]).map(
    (type) =>
      `WHEN '${type}' THEN EXISTS (SELECT 1 FROM ${RECORDS[SOURCE_SUBJECTS[type]].table} s WHERE s.id = ${alias}.source_id AND s.owner_agency_id = ${alias}.owner_agency_id)`,
  );
  return `(CASE ${alias}.source_type ${branches.join(' ')} ELSE FALSE END)`;
}

/**
 * Every grant row of every schema, with the table it lives in: one relation to join on when a
 * grant is known only by its id.
 */
export function allGrantsSql(): string {
  return `(${GRANTS_TABLES.map(
    (t) => `SELECT id, record_id, grantee_agency_id, granted_by_user_id, purpose, expires_at, revoked_at, created_at, '${t}'::text AS grants_table FROM ${t}`,
  ).join(' UNION ALL ')})`;
}
