import { randomUUID } from 'node:crypto';
import { type GraphQLResult, postGraphQL, type TestHub, tokenFor } from '../support/hub';

/** One request through the gateway as `persona`, with a stated purpose and a request id we can find the events by. */
export async function ask<T = Record<string, unknown>>(
  hub: TestHub,
  persona: string,
  query: string,
  variables?: Record<string, unknown>,
  opts: { purpose?: string; requestId?: string } = {},
): Promise<GraphQLResult<T> & { requestId: string }> {
  const requestId = opts.requestId ?? `audit-test-${randomUUID()}`;
  const headers: Record<string, string> = { authorization: `Bearer ${await tokenFor(persona)}`, 'x-request-id': requestId };
  if (opts.purpose) headers['x-tessera-purpose'] = opts.purpose;
  return { ...(await postGraphQL<T>(hub.url, headers, query, variables)), requestId };
}

export interface AuditRow {
  seq: string;
  action: string;
  actor_user_id: string | null;
  actor_agency_id: string | null;
  subject_type: string;
  subject_id: string;
  record_owner_agency_id: string | null;
  recipients: string[];
  purpose: string | null;
  fields: string[];
  request_id: string | null;
  /** A consultation's records (each with the fields released from it); null for an event about one subject. */
  records: Array<{ id: string; fields: string[] }> | null;
}

/** An event's records, one row each: a consultation's listed records, or the one subject of any other event, with that event's columns. */
export type RecordRow = Omit<AuditRow, 'records' | 'subject_id' | 'fields'> & { subject_id: string; fields: string[] };

/** The records the events are about, one row per record: "who saw this record, when, why" as a reader of the trail asks it. */
export function recordsOf(events: readonly AuditRow[]): RecordRow[] {
  return events.flatMap(({ records, ...e }) =>
    (records ?? [{ id: e.subject_id, fields: e.fields }]).map((r) => ({ ...e, subject_id: r.id, fields: r.fields })),
  );
}

/** The audit events one request wrote, in chain order. */
export function eventsOf(hub: TestHub, requestId: string): Promise<AuditRow[]> {
  return hub.db.query<AuditRow>(
    `SELECT seq::text AS seq, action, actor_user_id::text AS actor_user_id, actor_agency_id::text AS actor_agency_id, subject_type, subject_id,
       record_owner_agency_id::text AS record_owner_agency_id, recipients::text[] AS recipients, purpose, fields, request_id, records
     FROM audit.events e WHERE request_id = $1 ORDER BY e.seq`,
    [requestId],
  );
}

export async function eventCount(hub: TestHub): Promise<number> {
  const [row] = await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM audit.events');
  return Number(row!.n);
}

/** Makes every audit append whose purpose is `purpose` (or that meets `when`, SQL over NEW) fail, as a broken audit store would. */
export async function failAuditFor(hub: TestHub, purpose: string, when?: string): Promise<() => Promise<void>> {
  const name = `fail_audit_${Math.random().toString(36).slice(2, 10)}`;
  await hub.db.query(`CREATE FUNCTION audit.${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF ${when ?? `NEW.purpose = '${purpose.replace(/'/g, "''")}'`} THEN RAISE EXCEPTION 'audit store unavailable (test)'; END IF; RETURN NEW; END $$`);
  await hub.db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON audit.events FOR EACH ROW EXECUTE FUNCTION audit.${name}()`);
  return async () => {
    await hub.db.query(`DROP TRIGGER ${name} ON audit.events`);
    await hub.db.query(`DROP FUNCTION audit.${name}()`);
  };
}

export const HANDLING = { marking: 'AMBER', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' };
