import { verifyChain } from '../../services/audit/chain';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { ask, type AuditRow, eventCount, eventsOf, failAuditFor, HANDLING } from './support';

/**
 * Collection and alteration through the cases subgraph: every mutation writes its audit events in
 * the transaction of the change, so a change never exists without its events, nor events without it.
 */

const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id persons { id pseudonym } events { id } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCaseInput!) { updateCase(id: $id, input: $input) { id status } }`;
const ADD_PERSON = `mutation($caseId: ID!, $input: PersonInput!) { addPerson(caseId: $caseId, input: $input) { id pseudonym } }`;
const ADD_EVENT = `mutation($caseId: ID!, $input: TraffickingEventInput!) { addTraffickingEvent(caseId: $caseId, input: $input) { id } }`;

type Opened = { openCase: { id: string; persons: Array<{ id: string; pseudonym: string }>; events: Array<{ id: string }> } };

describe('audit of case mutations', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub('in-process');
  }, 60_000);
  afterAll(() => hub.stop());

  const met = () => hub.demo.agencies['met-police']!;
  const caseInput = (reference: string, extra: Record<string, unknown> = {}) => ({
    handling: HANDLING,
    reference,
    exploitationTypes: ['SEXUAL'],
    persons: [
      { role: 'VICTIM', pseudonym: 'V1', fullName: 'Audit Victim Name', dateOfBirth: '2001-02-03', contact: '+447700900999' },
      { role: 'SUSPECT', pseudonym: 'S1', ageBand: '25-34' },
    ],
    events: [{ type: 'RECRUITMENT', occurredOn: '2026-01-05', locationId: hub.demo.locations.london, description: 'Audit test recruitment' }],
    ...extra,
  });
  const casesWithReference = async (reference: string) =>
    Number((await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM cases.cases WHERE reference = $1', [reference]))[0]!.n);

  test('openCase writes COLLECT for the case, each person and each event, with who, why and which fields', async () => {
    const purpose = 'Safeguarding referral from a hospital';
    const r = await ask<Opened>(hub, 'met-police', OPEN, { input: caseInput('AUDIT-OPEN-1') }, { purpose });
    expect(r.errors).toBeUndefined();
    const opened = r.data!.openCase;
    const events = await eventsOf(hub, r.requestId);
    // The result selected no personal field: nothing was consulted, only collected.
    expect(events.map((e) => e.action)).toEqual(['COLLECT', 'COLLECT', 'COLLECT', 'COLLECT']);
    expect(events.map((e) => [e.subject_type, e.subject_id])).toEqual([
      ['Case', opened.id],
      ['Person', opened.persons.find((p) => p.pseudonym === 'V1')!.id],
      ['Person', opened.persons.find((p) => p.pseudonym === 'S1')!.id],
      ['TraffickingEvent', opened.events[0]!.id],
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ actor_user_id: met().users.CONTRIBUTOR, actor_agency_id: met().id, record_owner_agency_id: met().id, purpose, recipients: [] });
    }
    expect(events[1]!.fields).toEqual(['contact', 'dateOfBirth', 'fullName', 'pseudonym', 'role']);
    expect(events[2]!.fields).toEqual(['ageBand', 'pseudonym', 'role']);
    expect(events[3]!.fields).toEqual(['description', 'location', 'occurredOn', 'type']);
    // Names of fields, never their values.
    const stored = JSON.stringify(await hub.db.query('SELECT * FROM audit.events'));
    for (const secret of ['Audit Victim Name', '2001-02-03', '+447700900999', 'Audit test recruitment']) expect(stored).not.toContain(secret);
    expect((await verifyChain(hub.db)).ok).toBe(true);
  });

  test('a mutation that fails inside its transaction leaves neither the case nor any event', async () => {
    const before = await eventCount(hub);
    // The third insert of the transaction fails after the case and its persons were written.
    await hub.db.query(`CREATE FUNCTION cases.audit_test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.description = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`);
    await hub.db.query(`CREATE TRIGGER audit_test_boom BEFORE INSERT ON cases.events FOR EACH ROW EXECUTE FUNCTION cases.audit_test_boom()`);
    try {
      const input = caseInput('AUDIT-FAIL-1', { events: [{ type: 'TRANSIT', description: 'BOOM' }] });
      const r = await ask(hub, 'met-police', OPEN, { input }, { purpose: 'failing' });
      expect(r.errors?.length).toBeGreaterThan(0);
      expect(await casesWithReference('AUDIT-FAIL-1')).toBe(0);
      expect(await eventCount(hub)).toBe(before);
    } finally {
      await hub.db.query('DROP TRIGGER audit_test_boom ON cases.events');
      await hub.db.query('DROP FUNCTION cases.audit_test_boom()');
    }
  });

  test('a change whose audit cannot be written is not made', async () => {
    const restore = await failAuditFor(hub, 'no audit, no change');
    try {
      const before = await eventCount(hub);
      const r = await ask(hub, 'met-police', OPEN, { input: caseInput('AUDIT-FAIL-2') }, { purpose: 'no audit, no change' });
      expect(codes(r)).toContain('INTERNAL_SERVER_ERROR');
      expect(await casesWithReference('AUDIT-FAIL-2')).toBe(0);
      const lanterna = hub.demo.ids['case:lanterna']!;
      const u = await ask(hub, 'met-police', UPDATE, { id: lanterna, input: { status: 'CLOSED' } }, { purpose: 'no audit, no change' });
      expect(codes(u)).toContain('INTERNAL_SERVER_ERROR');
      const [row] = await hub.db.query<{ status: string }>('SELECT status FROM cases.cases WHERE id = $1', [lanterna]);
      expect(row!.status).toBe('OPEN');
      expect(await eventCount(hub)).toBe(before);
    } finally {
      await restore();
    }
  });

  test('resubmitting with the same idempotency key collects nothing twice', async () => {
    const input = caseInput('AUDIT-IDEM-1', { idempotencyKey: 'audit-idem-0001' });
    const first = await ask<Opened>(hub, 'met-police', OPEN, { input });
    const second = await ask<Opened>(hub, 'met-police', OPEN, { input });
    expect(second.data?.openCase.id).toBe(first.data?.openCase.id);
    expect((await eventsOf(hub, first.requestId)).filter((e) => e.action === 'COLLECT')).toHaveLength(4);
    expect(await eventsOf(hub, second.requestId)).toEqual([]);
  });

  test('updateCase writes ALTER naming the changed fields; a refused update writes nothing', async () => {
    const opened = await ask<Opened>(hub, 'met-police', OPEN, { input: caseInput('AUDIT-UPDATE-1') });
    const id = opened.data!.openCase.id;
    const r = await ask(hub, 'met-police', UPDATE, { id, input: { status: 'REFERRED', summary: 'Referred to the NRM' } }, { purpose: 'NRM referral' });
    expect(r.errors).toBeUndefined();
    const [alter, ...rest] = await eventsOf(hub, r.requestId);
    expect(rest).toEqual([]);
    expect(alter).toMatchObject<Partial<AuditRow>>({
      action: 'ALTER',
      subject_type: 'Case',
      subject_id: id,
      fields: ['status', 'summary'],
      purpose: 'NRM referral',
      record_owner_agency_id: met().id,
    });

    // The Romanian police see the Lanterna case (AMBER, shared with them) but may not change it.
    const refused = await ask(hub, 'politia-romana', UPDATE, { id: hub.demo.ids['case:lanterna'], input: { status: 'CLOSED' } });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(await eventsOf(hub, refused.requestId)).toEqual([]);
    const invalid = await ask(hub, 'met-police', UPDATE, { id, input: {} });
    expect(codes(invalid)).toEqual(['BAD_USER_INPUT']);
    expect(await eventsOf(hub, invalid.requestId)).toEqual([]);
  });

  test('addPerson and addTraffickingEvent write COLLECT for the new record', async () => {
    const caseId = hub.demo.ids['case:lanterna']!;
    const p = await ask<{ addPerson: { id: string } }>(
      hub,
      'met-police',
      ADD_PERSON,
      { caseId, input: { role: 'WITNESS', pseudonym: 'W9', fullName: 'Audit Witness', documents: 'passport' } },
      { purpose: 'witness statement' },
    );
    expect(p.errors).toBeUndefined();
    expect(await eventsOf(hub, p.requestId)).toEqual([
      expect.objectContaining({
        action: 'COLLECT',
        subject_type: 'Person',
        subject_id: p.data!.addPerson.id,
        fields: ['documents', 'fullName', 'pseudonym', 'role'],
        purpose: 'witness statement',
      }),
    ]);
    const e = await ask<{ addTraffickingEvent: { id: string } }>(hub, 'met-police', ADD_EVENT, {
      caseId,
      input: { type: 'EXPLOITATION', occurredOn: '2026-02-01' },
    });
    expect(e.errors).toBeUndefined();
    expect(await eventsOf(hub, e.requestId)).toEqual([
      expect.objectContaining({
        action: 'COLLECT',
        subject_type: 'TraffickingEvent',
        subject_id: e.data!.addTraffickingEvent.id,
        fields: ['occurredOn', 'type'],
        purpose: null,
      }),
    ]);
    // A bank may not add persons: refused before any write, and nothing is logged.
    const bank = await ask(hub, 'albion-bank', ADD_PERSON, { caseId, input: { role: 'WITNESS', pseudonym: 'W8' } });
    expect(codes(bank)).toEqual(['FORBIDDEN']);
    expect(await eventsOf(hub, bank.requestId)).toEqual([]);
    expect((await verifyChain(hub.db)).ok).toBe(true);
  });
});
