import { createHash, randomUUID } from 'node:crypto';
import { type CanonicalAuditEvent, canonicalJson, chainHash, ConsultationLog, GENESIS_HASH, subjectOfRecords } from './audit';

/**
 * The event's hashed form and a request's consultations, below the database: what audit:verify and a
 * regulator recompute from an export must not depend on how an event was built.
 */

const v1: CanonicalAuditEvent = {
  v: 1,
  at: '2026-12-06T12:00:00.000000Z',
  action: 'CONSULT',
  actorUserId: randomUUID(),
  actorAgencyId: randomUUID(),
  subjectType: 'Person',
  subjectId: randomUUID(),
  recordOwnerAgencyId: randomUUID(),
  recipients: [],
  purpose: 'review',
  fields: ['dateOfBirth', 'fullName'],
  requestId: 'r-1',
};

describe('canonical form', () => {
  test('an event about one subject (v: 1) hashes exactly as events written before records existed: top-level keys sorted', () => {
    const before = JSON.stringify(
      Object.fromEntries(
        Object.keys(v1)
          .sort()
          .map((k) => [k, (v1 as unknown as Record<string, unknown>)[k]]),
      ),
    );
    expect(canonicalJson(v1)).toBe(before);
    expect(chainHash(GENESIS_HASH, v1)).toBe(createHash('sha256').update(GENESIS_HASH).update(before).digest('hex'));
  });

  test("a consultation's records hash the same whatever their objects' key order (jsonb gives its own back)", () => {
    const a = { ...v1, v: 2 as const, subjectId: '*', records: [{ id: 'a', fields: ['value'] }] };
    const b = { ...a, records: [JSON.parse('{"fields":["value"],"id":"a"}') as { id: string; fields: string[] }] };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toContain('"records":[{"fields":["value"],"id":"a"}]');
    expect(chainHash(GENESIS_HASH, a)).not.toBe(chainHash(GENESIS_HASH, { ...a, records: [{ id: 'b', fields: ['value'] }] }));
  });
});

describe('a request’s consultations', () => {
  const reader = randomUUID();
  const other = randomUUID();
  const note = (log: ConsultationLog, type: string, owner: string | null, ...ids: string[]) => {
    for (const id of ids) log.resolved(type, { id, ownerAgencyId: owner }, type === 'Entity' ? 'value' : 'fullName', 'shown');
  };

  test('one CONSULT per subject type and owner listing its records, and a DISCLOSE of those another agency owns', () => {
    const log = new ConsultationLog();
    note(log, 'Entity', null, 'e2', 'e1', 'e3');
    note(log, 'Person', reader, 'p1', 'p2');
    note(log, 'Person', other, 'p3');
    log.resolved('Person', { id: 'p1', ownerAgencyId: reader }, 'dateOfBirth', '1990-01-01');
    const events = log.events(reader);
    expect(events.map((e) => [e.action, e.subjectType, e.recordOwnerAgencyId, e.subjectId, e.recipients ?? []])).toEqual([
      ['CONSULT', 'Entity', null, '*', []],
      ['CONSULT', 'Person', reader, '*', []],
      ['CONSULT', 'Person', other, 'p3', []],
      ['DISCLOSE', 'Person', other, 'p3', [reader]],
    ]);
    expect(events[0]!.records).toEqual([
      { id: 'e2', fields: ['value'] },
      { id: 'e1', fields: ['value'] },
      { id: 'e3', fields: ['value'] },
    ]);
    expect(events[1]!.records).toEqual([
      { id: 'p1', fields: ['fullName', 'dateOfBirth'] },
      { id: 'p2', fields: ['fullName'] },
    ]);
    for (const e of events) expect(e.subjectId).toBe(subjectOfRecords(e.records!));
  });

  test('nothing released, nothing logged; a redacted or empty value is no consultation', () => {
    const log = new ConsultationLog();
    log.resolved('Person', { id: 'p1', ownerAgencyId: reader }, 'fullName', null);
    log.resolved('Person', { id: 'p1', ownerAgencyId: reader }, 'contact', '');
    expect(log.events(reader)).toEqual([]);
  });
});
