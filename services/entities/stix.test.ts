import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { REDACTED } from '../../policies/enforce';
import { STIX_BUNDLE_SCHEMA } from '../../test/support/stix-2.1-schema';
import { toI2Entities, toI2Links } from './i2';
import type { RecordSet } from './record-set';
import { stixUuid, TLP2_MARKINGS, toStixBundle } from './stix';

/** The formats are pure functions of projected records: what the policy withheld (REDACTED) is not written, and what is written is noted. */

const AGENCY = '00000000-0000-4000-8000-00000000000a';
const PHONE = '00000000-0000-4000-8000-000000000001';
const MASKED = '00000000-0000-4000-8000-000000000002';
const PERSON = '00000000-0000-4000-8000-000000000003';
const LINK = '00000000-0000-4000-8000-000000000004';
const LINK2 = '00000000-0000-4000-8000-000000000005';
const LONE = '00000000-0000-4000-8000-000000000006';

const meta = (marking: string) => ({
  marking,
  ownerAgency: { __typename: 'Agency', id: AGENCY },
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  updatedAt: new Date('2026-02-01T00:00:00.000Z'),
});

function set(): RecordSet {
  return {
    nodes: [
      { id: PHONE, type: 'ENTITY', record: { id: PHONE, kind: 'PHONE', value: '+447700900312', maskedValue: '+44770…312' } },
      { id: MASKED, type: 'ENTITY', record: { id: MASKED, kind: 'BANK_ACCOUNT', value: REDACTED, maskedValue: 'GB68…6819' } },
      { id: LONE, type: 'ENTITY', record: { id: LONE, kind: 'EMAIL', value: 'a@example.org', maskedValue: 'a…@example.org' } },
      {
        id: PERSON,
        type: 'PERSON',
        record: {
          id: PERSON,
          ...meta('GREEN'),
          role: 'VICTIM',
          pseudonym: 'V1',
          fullName: REDACTED,
          dateOfBirth: REDACTED,
          contact: REDACTED,
          documents: REDACTED,
        },
      },
    ],
    edges: [
      {
        id: LINK,
        kind: 'USES_PHONE',
        source: PERSON,
        target: PHONE,
        subject: 'Link',
        statement: { id: LINK, ...meta('AMBER_STRICT'), validFrom: '2026-01-01', validTo: '2026-01-01' },
      },
      { id: LINK2, kind: 'HOLDS_ACCOUNT', source: PERSON, target: MASKED, subject: 'Link', statement: { id: LINK2, ...meta('GREEN'), validFrom: REDACTED } },
    ],
    agencies: new Map([[AGENCY, { id: AGENCY, name: 'An agency' }]]),
  };
}

const validate = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(STIX_BUNDLE_SCHEMA);

describe('STIX bundle of a record set', () => {
  test('valid against the STIX 2.1 subset schema', () => {
    const b = toStixBundle(set(), () => undefined);
    expect(validate(b) ? [] : validate.errors).toEqual([]);
  });

  test('a withheld value is a withheld-identifier with its mask, and is noted nowhere', () => {
    const note = jest.fn();
    const b = toStixBundle(set(), note);
    expect(b.objects!.find((o) => o.id === `withheld-identifier--${stixUuid(MASKED)}`)).toMatchObject({
      identifier_kind: 'BANK_ACCOUNT',
      masked_value: 'GB68…6819',
    });
    expect(note.mock.calls.map(([subject, record, field]) => [subject, (record as { id: string }).id, field])).toEqual([
      ['Entity', PHONE, 'value'],
      ['Entity', LONE, 'value'],
    ]);
  });

  test('a person whose identity is withheld is named by pseudonym, with no identity property', () => {
    const person = toStixBundle(set(), () => undefined).objects!.find((o) => o.id === `identity--${stixUuid(PERSON)}`)!;
    expect(person).toMatchObject({ name: 'V1', identity_class: 'individual', roles: ['victim'], created: '2026-01-02T03:04:05.678Z' });
    expect(person).not.toHaveProperty('contact_information');
    expect(Object.keys(Object.values(person.extensions as Record<string, object>)[0]!).sort()).toEqual(['extension_type', 'pseudonym', 'role']);
  });

  test('an inclusive validity date becomes start_time and the exclusive stop_time of the next day; a withheld one is absent', () => {
    const objects = toStixBundle(set(), () => undefined).objects!;
    expect(objects.find((o) => o.id === `relationship--${stixUuid(LINK)}`)).toMatchObject({
      relationship_type: 'uses-phone',
      start_time: '2026-01-01T00:00:00.000Z',
      stop_time: '2026-01-02T00:00:00.000Z',
    });
    expect(objects.find((o) => o.id === `relationship--${stixUuid(LINK2)}`)).not.toHaveProperty('start_time');
  });

  test('an identifier carries the most restrictive marking of the statements naming it, AMBER where none does', () => {
    const objects = toStixBundle(set(), () => undefined).objects!;
    expect(objects.find((o) => o.id === `phone-number--${stixUuid(PHONE)}`)!.object_marking_refs).toEqual([TLP2_MARKINGS.AMBER_STRICT.id]);
    expect(objects.find((o) => o.id === `email-addr--${stixUuid(LONE)}`)!.object_marking_refs).toEqual([TLP2_MARKINGS.AMBER.id]);
  });
});

describe('i2 files of a record set', () => {
  test('withheld cells are empty; the label falls back to the mask and the pseudonym', () => {
    const rows = toI2Entities(set(), () => undefined).split('\r\n');
    expect(rows.find((r) => r.startsWith(MASKED))).toBe(`${MASKED},Bank Account,GB68…6819,BANK_ACCOUNT,,GB68…6819,,,,,,,,,,,,`);
    expect(rows.find((r) => r.startsWith(PERSON))).toBe(`${PERSON},Person,V1,,,,VICTIM,V1,,,,,,,,GREEN,An agency,2026-01-02`);
    expect(toI2Links(set()).split('\r\n')[1]).toBe(
      `${LINK},${PERSON},Person,${PHONE},Telephone,USES_PHONE,Uses phone,AMBER_STRICT,An agency,2026-01-01,2026-01-01,Directed`,
    );
  });
});
