import { v5 as uuidv5 } from 'uuid';
import { highestMarking, type Marking } from '../../policies/actor';
import { PERSONAL_FIELDS } from '../kernel/personal-fields';
import { type ExportEdge, type ExportNode, ownerIdOf, readable, readableMarking, readableString, readableTimestamp, type RecordSet } from './record-set';

/**
 * A RecordSet as a STIX 2.1 bundle (OASIS STIX Version 2.1, 2021; section numbers below are its).
 * The mapping is documented in docs/formats.md. Every id is a UUIDv5 of the Tessera record's id
 * (never of a value: a phone number is guessable, so an id made from it would give away a value the
 * recipient may not read), so the same records export to the same objects every time; the objects
 * come sorted by id and the bundle's id is derived from theirs.
 */

type StixObject = Record<string, unknown> & { type: string; id: string };
type Projected = Record<string, unknown>;

/**
 * Called for each personal value (kernel/personal-fields.ts) written into the export, so that the
 * request's consultation log (kernel/audit.ts) records it as it would the same field in a GraphQL answer.
 */
export type NoteDisclosure = (subject: string, record: Projected, field: string, value: unknown) => void;

/** The namespace of every UUIDv5 this module derives from a Tessera record id. */
export const TESSERA_STIX_NAMESPACE = '1ae29c87-6ba5-4259-a52b-ee2f5f855d05';

/** The TLP 2.0 marking extension of the OASIS CTI TC (stix-common-objects, tlp-2.0) and its fixed marking definitions. */
export const TLP2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP2_CREATED = '2022-10-01T00:00:00.000Z';
export const TLP2_MARKINGS: Readonly<Record<Marking, { id: string; name: string; level: string }>> = {
  CLEAR: { id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487', name: 'TLP:CLEAR', level: 'clear' },
  GREEN: { id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb', name: 'TLP:GREEN', level: 'green' },
  AMBER: { id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421', name: 'TLP:AMBER', level: 'amber' },
  AMBER_STRICT: { id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003', name: 'TLP:AMBER+STRICT', level: 'amber+strict' },
  RED: { id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', name: 'TLP:RED', level: 'red' },
};

/** Tessera's own published objects (its identity, its extension definitions) carry this fixed time. */
const PUBLISHED = '2026-12-01T00:00:00.000Z';
export const TESSERA_IDENTITY = 'identity--5573a725-4f29-47a4-a62d-ce5f92c77248';

/**
 * The STIX Cyber-observable Objects STIX 2.1 does not define, each declared by its own extension
 * definition (§7.3, extension type new-sco), with the properties it carries.
 */
export const CUSTOM_SCOS = {
  'phone-number': {
    extension: 'extension-definition--66a79c42-ee9f-4581-a775-e6e2541b9349',
    description: 'A telephone number. value: the number in E.164 form.',
  },
  'bank-account': {
    extension: 'extension-definition--6f99b619-ebc3-405b-9ecd-39fdf332a279',
    description: 'A bank account. iban: the IBAN (ISO 13616, without spaces), or account_number: the account as contributed, normalised.',
  },
  vehicle: {
    extension: 'extension-definition--c04d0ac4-9f84-40af-ad4d-451fe31a5251',
    description: 'A road vehicle. registration: its registration plate, upper case, without spaces.',
  },
  'street-address': {
    extension: 'extension-definition--e4389588-9d02-40b7-8161-ac05a88276fc',
    description: 'A postal address. value: the address as contributed (whitespace and diacritics normalised).',
  },
  'withheld-identifier': {
    extension: 'extension-definition--c9edc5a4-ca79-4b2f-a5ce-7f73783579e4',
    description:
      'An identifier whose value the recipient may not read. identifier_kind: PHONE, EMAIL, BANK_ACCOUNT, ONLINE_ADVERT, SOCIAL_PROFILE, ADDRESS, VEHICLE or ORGANISATION; masked_value: the value masked.',
  },
} as const;
type CustomSco = keyof typeof CUSTOM_SCOS;

/** A property extension (§7.3, property-extension) of identity for what Tessera knows of a person beyond the identity properties. */
export const PERSON_EXTENSION = 'extension-definition--339144dc-92be-496e-8490-ccf6b57b030f';
const PERSON_EXTENSION_DESCRIPTION =
  'What Tessera holds on a person of a case, each property present only where the recipient may read it: pseudonym, role (VICTIM, SUSPECT, WITNESS, ...), age_band, gender, nationality, date_of_birth (YYYY-MM-DD), documents, case_ref (the incident of the case).';

/** The UUID part of the STIX id of the object made from a Tessera record. */
export const stixUuid = (recordId: string) => uuidv5(recordId.toLowerCase(), TESSERA_STIX_NAMESPACE);
const stixId = (type: string, recordId: string) => `${type}--${stixUuid(recordId)}`;
const kebab = (s: string) => s.toLowerCase().replace(/_/g, '-');
const short = (id: string) => id.slice(0, 8);
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString();
const startOf = (date: string) => new Date(`${date}T00:00:00.000Z`).toISOString();
const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Reads a field; where it is personal (PERSONAL_FIELDS) and has a value, notes its disclosure. */
function disclosed<T = unknown>(note: NoteDisclosure, subject: string, record: Projected | null, field: string): T | undefined {
  const v = readable<T>(record, field);
  if (v !== undefined && record && PERSONAL_FIELDS[subject]?.includes(field)) note(subject, record, field, v);
  return v;
}

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** STIX type and properties of an entity; the custom types carry their extension's marker (§7.3). */
function entityObject(node: ExportNode, note: NoteDisclosure): { type: string; props: Record<string, unknown> } {
  const e = node.record;
  const kind = readableString(e, 'kind');
  const value = disclosed<string>(note, 'Entity', e, 'value');
  const custom = (type: CustomSco, props: Record<string, unknown>) => ({
    type,
    props: { ...props, extensions: { [CUSTOM_SCOS[type].extension]: { extension_type: 'new-sco' } } },
  });
  if (value === undefined || kind === undefined)
    return custom('withheld-identifier', { identifier_kind: kind, masked_value: readableString(e, 'maskedValue') });
  switch (kind) {
    case 'EMAIL':
      return { type: 'email-addr', props: { value } }; // §6.4
    case 'ONLINE_ADVERT':
      return { type: 'url', props: { value } }; // §6.15
    case 'SOCIAL_PROFILE': {
      // §6.16; the platform is the account type (account-type-ov is open).
      const at = value.indexOf(':');
      const [platform, handle] = at > 0 ? [value.slice(0, at), value.slice(at + 1)] : [undefined, value];
      return { type: 'user-account', props: { account_type: platform, user_id: handle, account_login: handle } };
    }
    case 'PHONE':
      return custom('phone-number', { value });
    case 'BANK_ACCOUNT':
      return custom('bank-account', IBAN.test(value) ? { iban: value } : { account_number: value });
    case 'VEHICLE':
      return custom('vehicle', { registration: value });
    case 'ADDRESS':
      return custom('street-address', { value });
    case 'ORGANISATION': {
      // §4.5: an organisation is an identity (an SDO, so it needs timestamps: first seen, as far as the caller can tell).
      const seen = readableTimestamp(e, 'firstSeenAt') ?? PUBLISHED;
      return { type: 'identity', props: { created: seen, modified: seen, name: value, identity_class: 'organization' } };
    }
    default:
      return custom('withheld-identifier', { identifier_kind: kind, masked_value: readableString(e, 'maskedValue') });
  }
}

const markingRefs = (m: Marking | undefined) => (m ? { object_marking_refs: [TLP2_MARKINGS[m].id] } : {});

/** Common properties of an object made from a marked record (§3.2): times, creator, TLP marking. */
function recordMeta(record: Projected | null, fallbackTime: string, agencies: ReadonlyMap<string, Projected>): Record<string, unknown> {
  const created = readableTimestamp(record, 'createdAt') ?? fallbackTime;
  const updated = readableTimestamp(record, 'updatedAt');
  const owner = ownerIdOf(record);
  return {
    created,
    modified: updated && updated >= created ? updated : created,
    ...(owner && agencies.has(owner) ? { created_by_ref: stixId('identity', owner) } : {}),
    ...markingRefs(readableMarking(record)),
  };
}

function personObject(node: ExportNode, caseIds: ReadonlySet<string>, fallbackTime: string, set: RecordSet, note: NoteDisclosure): StixObject {
  const p = node.record;
  const fullName = disclosed<string>(note, 'Person', p, 'fullName');
  const pseudonym = readableString(p, 'pseudonym');
  const role = readableString(p, 'role');
  const caseId = readableString(p, 'caseId');
  const contact = disclosed<string>(note, 'Person', p, 'contact');
  const ext: Record<string, unknown> = {
    pseudonym,
    role,
    age_band: readableString(p, 'ageBand'),
    gender: readableString(p, 'gender'),
    nationality: readableString(p, 'nationality'),
    date_of_birth: disclosed<string>(note, 'Person', p, 'dateOfBirth'),
    documents: disclosed<string>(note, 'Person', p, 'documents'),
    case_ref: caseId && caseIds.has(caseId) ? stixId('incident', caseId) : undefined,
  };
  const defined = Object.entries(ext).filter(([, v]) => v !== undefined);
  return {
    type: 'identity', // §4.5
    spec_version: '2.1',
    id: stixId('identity', node.id),
    ...recordMeta(p, fallbackTime, set.agencies),
    name: fullName ?? pseudonym ?? `Person ${short(node.id)}`,
    identity_class: 'individual',
    ...(role ? { roles: [role.toLowerCase()] } : {}),
    ...(contact ? { contact_information: contact } : {}),
    ...(defined.length ? { extensions: { [PERSON_EXTENSION]: { extension_type: 'property-extension', ...Object.fromEntries(defined) } } } : {}),
  };
}

function caseObject(node: ExportNode, fallbackTime: string, set: RecordSet): StixObject {
  const c = node.record;
  const types = readable<string[]>(c, 'exploitationTypes');
  const summary = readableString(c, 'summary');
  return {
    type: 'incident', // §4.6
    spec_version: '2.1',
    id: stixId('incident', node.id),
    ...recordMeta(c, fallbackTime, set.agencies),
    name: readableString(c, 'reference') ?? `Case ${short(node.id)}`,
    ...(summary ? { description: summary } : {}),
    ...(Array.isArray(types) && types.length ? { labels: types.map((t) => `exploitation-${kebab(t)}`) } : {}),
  };
}

function edgeObject(edge: ExportEdge, refs: ReadonlyMap<string, string>, set: RecordSet): StixObject | null {
  const source = refs.get(edge.source);
  const target = refs.get(edge.target);
  if (!source || !target) return null;
  const s = edge.statement;
  const from = readable(s, 'validFrom');
  const to = readable(s, 'validTo');
  return {
    type: 'relationship', // §5.1
    spec_version: '2.1',
    id: stixId('relationship', edge.id),
    ...recordMeta(s, PUBLISHED, set.agencies),
    relationship_type: kebab(edge.kind),
    source_ref: source,
    target_ref: target,
    // validFrom and validTo are inclusive dates; stop_time is exclusive and must be later than start_time.
    ...(isDate(from) ? { start_time: startOf(from) } : {}),
    ...(isDate(to) && (!isDate(from) || to >= from) ? { stop_time: nextDay(to) } : {}),
  };
}

function agencyObject(id: string, agency: Projected): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: stixId('identity', id),
    created: PUBLISHED,
    modified: PUBLISHED,
    name: readableString(agency, 'name') ?? `Agency ${short(id)}`,
    identity_class: 'organization',
  };
}

function markingDefinition(m: Marking): StixObject {
  const { id, name, level } = TLP2_MARKINGS[m];
  return {
    type: 'marking-definition', // §7.2, with the TLP 2.0 extension's fixed objects
    spec_version: '2.1',
    id,
    created: TLP2_CREATED,
    name,
    extensions: { [TLP2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: level } },
  };
}

function extensionDefinition(id: string, name: string, description: string, extensionType: 'new-sco' | 'property-extension'): StixObject {
  return {
    type: 'extension-definition', // §7.3
    spec_version: '2.1',
    id,
    created: PUBLISHED,
    modified: PUBLISHED,
    created_by_ref: TESSERA_IDENTITY,
    name,
    description,
    schema: `Tessera docs/formats.md, "${name}": ${description}`,
    version: '1.0.0',
    extension_types: [extensionType],
  };
}

const tesseraIdentity = (): StixObject => ({
  type: 'identity',
  spec_version: '2.1',
  id: TESSERA_IDENTITY,
  created: PUBLISHED,
  modified: PUBLISHED,
  name: 'Tessera',
  identity_class: 'system',
  description: 'The multi-agency intelligence-sharing hub that produced this bundle and defines its extensions',
});

/** Drops undefined members (JSON.stringify would too, but the objects are compared and validated as built). */
function clean(o: StixObject): StixObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as StixObject;
}

/** The bundle (§8) of a record set: every object once, sorted by id; the bundle's id derives from the objects'. */
export function toStixBundle(set: RecordSet, note: NoteDisclosure): { type: 'bundle'; id: string; objects?: StixObject[] } {
  const objects = new Map<string, StixObject>();
  const add = (o: StixObject) => objects.set(o.id, clean(o));
  const refs = new Map<string, string>();
  const caseIds = new Set(set.nodes.filter((n) => n.type === 'CASE').map((n) => n.id));

  // A node's marking and time where its own record does not give them: from the statements naming it.
  const incident = new Map<string, Projected[]>();
  for (const e of set.edges) {
    if (!e.statement) continue;
    for (const end of [e.source, e.target]) incident.set(end, [...(incident.get(end) ?? []), e.statement]);
  }
  const earliest = (id: string) =>
    (incident.get(id) ?? [])
      .map((s) => readableTimestamp(s, 'createdAt'))
      .filter((t): t is string => !!t)
      .sort()[0] ?? PUBLISHED;

  for (const node of set.nodes) {
    if (node.type === 'ENTITY') {
      const { type, props } = entityObject(node, note);
      const markings = (incident.get(node.id) ?? []).map(readableMarking).filter((m): m is Marking => !!m);
      // An identifier is as restricted as the most restricted statement in the export naming it (AMBER if none does).
      const marking = markings.length ? highestMarking(...markings) : 'AMBER';
      add({ type, spec_version: '2.1', id: stixId(type, node.id), ...props, ...markingRefs(marking) });
      refs.set(node.id, stixId(type, node.id));
    } else if (node.type === 'PERSON') {
      const o = personObject(node, caseIds, earliest(node.id), set, note);
      add(o);
      refs.set(node.id, o.id);
    } else {
      const o = caseObject(node, earliest(node.id), set);
      add(o);
      refs.set(node.id, o.id);
    }
  }
  for (const edge of set.edges) {
    const o = edgeObject(edge, refs, set);
    if (o) add(o);
  }
  for (const [id, agency] of set.agencies) add(agencyObject(id, agency));

  const used = [...objects.values()];
  const markings = new Set(used.flatMap((o) => (o.object_marking_refs as string[] | undefined) ?? []));
  for (const m of Object.keys(TLP2_MARKINGS) as Marking[]) if (markings.has(TLP2_MARKINGS[m].id)) add(markingDefinition(m));
  const extensions = new Set(used.flatMap((o) => Object.keys((o.extensions as Record<string, unknown> | undefined) ?? {})));
  let defines = false;
  for (const [type, def] of Object.entries(CUSTOM_SCOS)) {
    if (!extensions.has(def.extension)) continue;
    add(extensionDefinition(def.extension, type, def.description, 'new-sco'));
    defines = true;
  }
  if (extensions.has(PERSON_EXTENSION)) {
    add(extensionDefinition(PERSON_EXTENSION, 'tessera-person', PERSON_EXTENSION_DESCRIPTION, 'property-extension'));
    defines = true;
  }
  if (defines) add(tesseraIdentity());

  const sorted = [...objects.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const id = `bundle--${uuidv5(sorted.map((o) => o.id).join('\n'), TESSERA_STIX_NAMESPACE)}`;
  // §8: objects, where present, holds at least one object.
  return sorted.length ? { type: 'bundle', id, objects: sorted } : { type: 'bundle', id };
}
