import { REDACTED } from '../../policies/enforce';
import type { Marking } from '../../policies/actor';
import type { NetworkEdgeKind, NetworkNodeKind } from './network.type';

/**
 * What an export is made of: the nodes and edges of a `network` answer, each with the record behind
 * it exactly as the policy projected it for the caller (a field the caller may not read is REDACTED
 * there, and stays out of every format). The formats (stix.ts, i2.ts) are pure functions of a
 * RecordSet: they read nothing else, so they cannot show what the GraphQL answer would withhold.
 */

type Projected = Record<string, unknown>;

export interface ExportNode {
  id: string;
  type: NetworkNodeKind;
  /** The projected Entity, Person or Case; null where the record does not reach the caller (only its id is known, from an edge). */
  record: Projected | null;
}

export interface ExportEdge {
  id: string;
  kind: NetworkEdgeKind;
  source: string;
  target: string;
  subject: 'Link' | 'Observation';
  /** The projected Link or Observation behind the edge. */
  statement: Projected | null;
}

export interface RecordSet {
  nodes: ExportNode[];
  edges: ExportEdge[];
  /** Projected agencies by id: the owners of the records in the set whose ownerAgency the caller may read. */
  agencies: ReadonlyMap<string, Projected>;
}

/** A field's value where the caller may read it and it holds something; else undefined (the field is left out). */
export function readable<T = unknown>(record: Projected | null | undefined, field: string): T | undefined {
  const v = record?.[field];
  if (v === REDACTED || v === null || v === undefined || v === '') return undefined;
  if (Array.isArray(v) && v.length === 0) return undefined;
  return v as T;
}

export function readableString(record: Projected | null | undefined, field: string): string | undefined {
  const v = readable(record, field);
  return typeof v === 'string' ? v : undefined;
}

/** ISO 8601 with milliseconds (a Date, or a timestamp text as Postgres returns it), or undefined. */
export function readableTimestamp(record: Projected | null | undefined, field: string): string | undefined {
  const v = readable(record, field);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v).toISOString();
  return undefined;
}

export function readableMarking(record: Projected | null | undefined): Marking | undefined {
  return readableString(record, 'marking') as Marking | undefined;
}

/** The id of the agency owning a record, where the caller may read `ownerAgency`. */
export function ownerIdOf(record: Projected | null | undefined): string | undefined {
  const owner = readable<{ id?: unknown }>(record, 'ownerAgency');
  return owner && typeof owner.id === 'string' ? owner.id : undefined;
}
