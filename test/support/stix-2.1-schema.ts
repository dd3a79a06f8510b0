/**
 * A JSON Schema (draft 2020-12, for ajv) of the subset of STIX 2.1 that Tessera's exports emit,
 * written from the OASIS specification text (STIX Version 2.1, OASIS Standard, 10 June 2021; the
 * section numbers below are its) and the OASIS TLP 2.0 marking-definition extension. No npm package
 * ships the OASIS STIX 2.1 JSON schemas, so this one states the rules the export must keep:
 * what each object requires, the form of identifiers and timestamps, and the extension mechanics.
 */

/** §2.9 Identifier: `type--UUID`, the type part as in §3.1. */
const identifier = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]+[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' };
const ref = (type: string) => ({ allOf: [identifier, { pattern: `^${type}--` }] });
/** §2.7 / §3.2: RFC 3339 UTC with a Z; created and modified MUST be precise to the millisecond. */
const timestamp = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', format: 'date-time' };
const timestampMs = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$', format: 'date-time' };
const markingRefs = { type: 'array', minItems: 1, items: ref('marking-definition') };

/** §3.2 / §7.3: an `extensions` dictionary, keyed by extension-definition id; each value names its extension_type. */
const extensions = {
  type: 'object',
  minProperties: 1,
  propertyNames: { pattern: '^extension-definition--' },
  additionalProperties: {
    type: 'object',
    required: ['extension_type'],
    properties: { extension_type: { enum: ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'] } },
  },
};

/** §3.2 Common properties of SDOs and SROs. */
const sdoCommon = {
  type: { type: 'string' },
  spec_version: { const: '2.1' },
  id: identifier,
  created: timestampMs,
  modified: timestampMs,
  created_by_ref: ref('identity'),
  object_marking_refs: markingRefs,
  labels: { type: 'array', minItems: 1, items: { type: 'string' } },
  extensions,
};
const sdoRequired = ['type', 'spec_version', 'id', 'created', 'modified'];

/** §6.1 Common properties of SCOs (spec_version optional, no timestamps). */
const scoCommon = { type: { type: 'string' }, spec_version: { const: '2.1' }, id: identifier, object_marking_refs: markingRefs, extensions };

const object = (type: string, required: string[], properties: Record<string, unknown>, common: Record<string, unknown>, commonRequired: string[]) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then: {
    type: 'object',
    required: [...commonRequired, ...required],
    properties: { ...common, ...properties, id: ref(type) },
    additionalProperties: false,
  },
});
const sdo = (type: string, required: string[], properties: Record<string, unknown>) => object(type, required, properties, sdoCommon, sdoRequired);
const sco = (type: string, required: string[], properties: Record<string, unknown>) => object(type, required, properties, scoCommon, ['type', 'id']);

/** §7.3: an SCO a `new-sco` extension defines must carry that extension with extension_type new-sco. */
const customSco = (type: string, required: string[], properties: Record<string, unknown>) => {
  const s = sco(type, [...required, 'extensions'], properties);
  const then = s.then as { properties: Record<string, unknown> };
  then.properties.extensions = {
    allOf: [extensions, { type: 'object', additionalProperties: { properties: { extension_type: { const: 'new-sco' } } } }],
  };
  return s;
};

const TLP2 = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP2_LEVELS: Record<string, [string, string]> = {
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': ['TLP:CLEAR', 'clear'],
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': ['TLP:GREEN', 'green'],
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': ['TLP:AMBER', 'amber'],
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': ['TLP:AMBER+STRICT', 'amber+strict'],
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': ['TLP:RED', 'red'],
};

/** §7.2 marking-definition, as the TLP 2.0 extension publishes its five objects (fixed id, name, created and level). */
const tlpMarking = {
  if: { properties: { type: { const: 'marking-definition' } }, required: ['type'] },
  then: {
    oneOf: Object.entries(TLP2_LEVELS).map(([id, [name, level]]) => ({
      type: 'object',
      required: ['type', 'spec_version', 'id', 'created', 'name', 'extensions'],
      additionalProperties: false,
      properties: {
        type: { const: 'marking-definition' },
        spec_version: { const: '2.1' },
        id: { const: id },
        created: { const: '2022-10-01T00:00:00.000Z' },
        name: { const: name },
        extensions: {
          type: 'object',
          required: [TLP2],
          additionalProperties: false,
          properties: {
            [TLP2]: {
              type: 'object',
              required: ['extension_type', 'tlp_2_0'],
              additionalProperties: false,
              properties: { extension_type: { const: 'property-extension' }, tlp_2_0: { const: level } },
            },
          },
        },
      },
    })),
  },
};

const EMITTED = [
  'identity',
  'incident',
  'relationship',
  'marking-definition',
  'extension-definition',
  'email-addr',
  'url',
  'user-account',
  'phone-number',
  'bank-account',
  'vehicle',
  'street-address',
  'withheld-identifier',
];

const stixObject = {
  type: 'object',
  required: ['type', 'id'],
  properties: { type: { enum: EMITTED } },
  allOf: [
    // §4.5 Identity: name required; identity_class from identity-class-ov (§10.7).
    sdo('identity', ['name'], {
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      roles: { type: 'array', minItems: 1, items: { type: 'string' } },
      identity_class: { enum: ['individual', 'group', 'system', 'organization', 'class', 'unknown'] },
      sectors: { type: 'array', items: { type: 'string' } },
      contact_information: { type: 'string' },
    }),
    // §4.6 Incident: name required.
    sdo('incident', ['name'], { name: { type: 'string', minLength: 1 }, description: { type: 'string' } }),
    // §5.1 Relationship: relationship_type (lower case, digits, hyphens), source_ref and target_ref required.
    sdo('relationship', ['relationship_type', 'source_ref', 'target_ref'], {
      relationship_type: { type: 'string', pattern: '^[a-z0-9-]+$' },
      description: { type: 'string' },
      source_ref: identifier,
      target_ref: identifier,
      start_time: timestamp,
      stop_time: timestamp,
    }),
    // §7.3 Extension Definition: created_by_ref, name, schema, version, extension_types required.
    sdo('extension-definition', ['created_by_ref', 'name', 'schema', 'version', 'extension_types'], {
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      schema: { type: 'string', minLength: 1 },
      version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
      extension_types: {
        type: 'array',
        minItems: 1,
        items: { enum: ['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension'] },
      },
      extension_properties: { type: 'array', items: { type: 'string' } },
    }),
    tlpMarking,
    // §6.4 Email Address: value required.
    sco('email-addr', ['value'], { value: { type: 'string', minLength: 1 }, display_name: { type: 'string' } }),
    // §6.15 URL: value required.
    sco('url', ['value'], { value: { type: 'string', format: 'uri' } }),
    // §6.16 User Account: every property optional, at least one besides the common ones present.
    {
      ...sco('user-account', [], {
        user_id: { type: 'string' },
        account_login: { type: 'string' },
        account_type: { type: 'string' },
        display_name: { type: 'string' },
      }),
    },
    customSco('phone-number', ['value'], { value: { type: 'string', pattern: '^\\+[1-9]\\d{6,14}$' } }),
    customSco('bank-account', [], { iban: { type: 'string', pattern: '^[A-Z]{2}\\d{2}[A-Z0-9]{11,30}$' }, account_number: { type: 'string' } }),
    customSco('vehicle', ['registration'], { registration: { type: 'string', pattern: '^[A-Z0-9]{2,12}$' } }),
    customSco('street-address', ['value'], { value: { type: 'string', minLength: 1 } }),
    customSco('withheld-identifier', ['identifier_kind'], { identifier_kind: { type: 'string' }, masked_value: { type: 'string' } }),
  ],
};

/** §8 Bundle: type and id; objects optional, but never empty; no spec_version in 2.1. */
export const STIX_BUNDLE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['type', 'id'],
  additionalProperties: false,
  properties: {
    type: { const: 'bundle' },
    id: ref('bundle'),
    objects: { type: 'array', minItems: 1, items: stixObject },
  },
};
