import { stringify } from 'csv-stringify/sync';
import { PERSONAL_FIELDS } from '../kernel/personal-fields';
import { type ExportNode, ownerIdOf, readable, readableMarking, readableString, readableTimestamp, type RecordSet } from './record-set';
import type { NoteDisclosure } from './stix';

/**
 * A RecordSet as the two delimited files i2 Analyst's Notebook's import wizard takes: one row per
 * entity (icon type, identity, label, attributes) and one row per link (the identities and types of
 * both ends, link type, label, dates, direction). Columns are documented in docs/formats.md; a cell
 * the caller may not read is empty.
 */

export const I2_ENTITY_COLUMNS = [
  'Identity',
  'Entity Type',
  'Label',
  'Kind',
  'Value',
  'Masked Value',
  'Role',
  'Pseudonym',
  'Full Name',
  'Date of Birth',
  'Contact',
  'Documents',
  'Nationality',
  'Reference',
  'Status',
  'Marking',
  'Owner Agency',
  'Date',
] as const;

export const I2_LINK_COLUMNS = [
  'Link ID',
  'From Identity',
  'From Entity Type',
  'To Identity',
  'To Entity Type',
  'Link Type',
  'Label',
  'Marking',
  'Owner Agency',
  'Date From',
  'Date To',
  'Direction',
] as const;

/** The entity types of the chart: names the import wizard maps to icons (docs/formats.md). */
const ENTITY_TYPES: Record<string, string> = {
  PHONE: 'Telephone',
  EMAIL: 'Email Address',
  BANK_ACCOUNT: 'Bank Account',
  ONLINE_ADVERT: 'Web Page',
  SOCIAL_PROFILE: 'Social Media Account',
  ADDRESS: 'Address',
  VEHICLE: 'Vehicle',
  ORGANISATION: 'Organisation',
};

function entityType(node: ExportNode | undefined): string {
  if (!node) return '';
  if (node.type === 'PERSON') return 'Person';
  if (node.type === 'CASE') return 'Case';
  return ENTITY_TYPES[readableString(node.record, 'kind') ?? ''] ?? 'Identifier';
}

const date = (v: string | undefined) => (v ? v.slice(0, 10) : '');

function disclosed(note: NoteDisclosure, subject: string, record: Record<string, unknown> | null, field: string): string {
  const v = readable(record, field);
  if (v === undefined) return '';
  if (record && PERSONAL_FIELDS[subject]?.includes(field)) note(subject, record, field, v);
  return Array.isArray(v) ? v.join('; ') : String(v);
}

export function toI2Entities(set: RecordSet, note: NoteDisclosure): string {
  const agencyName = (record: Record<string, unknown> | null) => {
    const owner = ownerIdOf(record);
    return owner ? (readableString(set.agencies.get(owner), 'name') ?? '') : '';
  };
  const rows = set.nodes.map((n) => {
    const r = n.record;
    const cells: Record<(typeof I2_ENTITY_COLUMNS)[number], string> = {
      Identity: n.id,
      'Entity Type': entityType(n),
      Label: '',
      Kind: readableString(r, 'kind') ?? '',
      Value: '',
      'Masked Value': '',
      Role: readableString(r, 'role') ?? '',
      Pseudonym: '',
      'Full Name': '',
      'Date of Birth': '',
      Contact: '',
      Documents: '',
      Nationality: '',
      Reference: '',
      Status: '',
      Marking: readableMarking(r) ?? '',
      'Owner Agency': agencyName(r),
      Date: '',
    };
    if (n.type === 'ENTITY') {
      cells.Value = disclosed(note, 'Entity', r, 'value');
      cells['Masked Value'] = readableString(r, 'maskedValue') ?? '';
      cells.Label = cells.Value || cells['Masked Value'];
      cells.Date = date(readableTimestamp(r, 'firstSeenAt'));
    } else if (n.type === 'PERSON') {
      cells.Pseudonym = readableString(r, 'pseudonym') ?? '';
      cells['Full Name'] = disclosed(note, 'Person', r, 'fullName');
      cells['Date of Birth'] = disclosed(note, 'Person', r, 'dateOfBirth');
      cells.Contact = disclosed(note, 'Person', r, 'contact');
      cells.Documents = disclosed(note, 'Person', r, 'documents');
      cells.Nationality = readableString(r, 'nationality') ?? '';
      cells.Label = cells['Full Name'] || cells.Pseudonym || `Person ${n.id.slice(0, 8)}`;
      cells.Date = date(readableTimestamp(r, 'createdAt'));
    } else {
      cells.Reference = readableString(r, 'reference') ?? '';
      cells.Status = readableString(r, 'status') ?? '';
      cells.Label = cells.Reference || `Case ${n.id.slice(0, 8)}`;
      cells.Date = readableString(r, 'periodStart') ?? '';
    }
    return I2_ENTITY_COLUMNS.map((c) => cells[c]);
  });
  return stringify([[...I2_ENTITY_COLUMNS], ...rows], { record_delimiter: 'windows' });
}

export function toI2Links(set: RecordSet): string {
  const nodes = new Map(set.nodes.map((n) => [n.id, n]));
  const rows = set.edges.map((e) => {
    const s = e.statement;
    const owner = ownerIdOf(s);
    const label = e.kind
      .toLowerCase()
      .replace(/_/g, ' ')
      .replace(/^./, (c) => c.toUpperCase());
    return [
      e.id,
      e.source,
      entityType(nodes.get(e.source)),
      e.target,
      entityType(nodes.get(e.target)),
      e.kind,
      label,
      readableMarking(s) ?? '',
      owner ? (readableString(set.agencies.get(owner), 'name') ?? '') : '',
      readableString(s, 'validFrom') ?? date(readableTimestamp(s, 'observedAt')),
      readableString(s, 'validTo') ?? '',
      'Directed',
    ];
  });
  return stringify([[...I2_LINK_COLUMNS], ...rows], { record_delimiter: 'windows' });
}
