import { verifyChain } from '../../services/audit/chain';
import { appendAudit } from '../../services/kernel/audit';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { ask, eventCount, eventsOf, failAuditFor, recordsOf } from './support';

/**
 * Consultation and disclosure: a personal field released to the caller and resolved into the
 * response is logged as CONSULT (plus DISCLOSE when another agency owns the record), with the
 * purpose the caller stated: one event per request, subject type and record owner, listing each
 * record with the fields released from it; redacted or unselected fields are not logged; and a
 * response whose consultation record cannot be written is not sent.
 */

const CASE_PERSONS = `query($id: ID!) { case(id: $id) { id persons { id pseudonym role fullName } } }`;
const PERSON_ALL = `query($id: ID!) { person(id: $id) { id fullName dateOfBirth contact documents } }`;

type CasePersons = { case: { persons: Array<{ id: string; pseudonym: string; role: string; fullName: string | null }> } | null };

describe.each(['in-process', 'http'] as const)('consultation audit (%s)', (transport) => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub(transport);
  }, 60_000);
  afterAll(() => hub.stop());

  const agency = (slug: string) => hub.demo.agencies[slug]!;
  const id = (key: string) => hub.demo.ids[key]!;

  test("consulting the names on one's own case writes one CONSULT listing each person, with the stated purpose, and no DISCLOSE", async () => {
    const purpose = 'Operation Lanterna: safeguarding visit';
    const r = await ask<CasePersons>(hub, 'met-police', CASE_PERSONS, { id: id('case:lanterna') }, { purpose });
    expect(r.errors).toBeUndefined();
    const v1 = r.data!.case!.persons.find((p) => p.pseudonym === 'V1')!;
    expect(v1.fullName).toBe('Elena Marinescu');
    const events = await eventsOf(hub, r.requestId);
    const named = r
      .data!.case!.persons.filter((p) => p.fullName)
      .map((p) => p.id)
      .sort();
    // One CONSULT for the Met's persons, listing every person whose name was returned (all four Lanterna persons have one).
    expect(named).toHaveLength(4);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'CONSULT', subject_type: 'Person', subject_id: '*', fields: ['fullName'] });
    expect(events[0]!.records).toEqual(named.map((id) => ({ id, fields: ['fullName'] })));
    expect(recordsOf(events).find((e) => e.subject_id === v1.id)).toMatchObject({
      subject_type: 'Person',
      fields: ['fullName'],
      purpose,
      actor_user_id: agency('met-police').users.CONTRIBUTOR,
      actor_agency_id: agency('met-police').id,
      record_owner_agency_id: agency('met-police').id,
      recipients: [],
    });
    expect(JSON.stringify(events)).not.toContain('Elena');
  });

  test("another agency's record writes CONSULT and DISCLOSE to the reader; redacted names are not logged", async () => {
    // The Romanian police's GREEN case: the Met may read the suspect's name, not the victim's.
    const r = await ask<CasePersons>(hub, 'met-police', CASE_PERSONS, { id: id('case:iasi') }, { purpose: 'Cross-border link check' });
    const persons = r.data!.case!.persons;
    const victim = persons.find((p) => p.role === 'VICTIM')!;
    const suspect = persons.find((p) => p.role === 'SUSPECT')!;
    expect(victim.fullName).toBeNull();
    expect(codes(r)).toContain('FORBIDDEN_FIELD');
    expect(suspect.fullName).toBe('Florin Ardeleanu');
    const events = await eventsOf(hub, r.requestId);
    expect(events.map((e) => [e.action, e.subject_id])).toEqual([
      ['CONSULT', suspect.id],
      ['DISCLOSE', suspect.id],
    ]);
    expect(events[1]).toMatchObject({
      record_owner_agency_id: agency('politia-romana').id,
      actor_agency_id: agency('met-police').id,
      recipients: [agency('met-police').id],
      fields: ['fullName'],
      purpose: 'Cross-border link check',
    });
  });

  test('only the personal fields actually returned are logged', async () => {
    const v1 = id('person:lanterna:V1');
    const purpose = { purpose: 'Safeguarding review' };
    const all = await ask(hub, 'met-police', PERSON_ALL, { id: v1 }, purpose);
    expect((await eventsOf(hub, all.requestId)).map((e) => [e.action, e.fields])).toEqual([['CONSULT', ['contact', 'dateOfBirth', 'documents', 'fullName']]]);
    const some = await ask(hub, 'met-police', `query($id: ID!) { person(id: $id) { id dateOfBirth } }`, { id: v1 }, purpose);
    expect((await eventsOf(hub, some.requestId)).map((e) => e.fields)).toEqual([['dateOfBirth']]);
    // No personal field selected: the names were projected in the subgraph but never sent, so nothing is logged.
    const none = await ask(hub, 'met-police', `query($id: ID!) { case(id: $id) { persons { pseudonym ageBand } } }`, { id: id('case:lanterna') });
    expect(none.errors).toBeUndefined();
    expect(await eventsOf(hub, none.requestId)).toEqual([]);
    // A null personal field discloses nothing (V2 has no contact on record).
    const v2 = await ask(hub, 'met-police', `query($id: ID!) { person(id: $id) { contact } }`, { id: id('person:lanterna:V2') }, purpose);
    expect(await eventsOf(hub, v2.requestId)).toEqual([]);
  });

  test('a bank reading case overviews consults no personal data; a search by name does', async () => {
    const bank = await ask(hub, 'albion-bank', `{ cases { nodes { status exploitationTypes persons { pseudonym fullName } } } }`);
    expect(bank.data).toBeTruthy();
    expect(await eventsOf(hub, bank.requestId)).toEqual([]);
    const search = await ask<{ searchPersons: Array<{ person: { id: string } }> }>(
      hub,
      'met-police',
      `{ searchPersons(name: "Ionut Popescu") { person { id fullName } score } }`,
      undefined,
      { purpose: 'Name check' },
    );
    const found = search.data!.searchPersons.map((m) => m.person.id).sort();
    expect(found.length).toBeGreaterThan(0);
    const events = await eventsOf(hub, search.requestId);
    expect(
      recordsOf(events)
        .filter((e) => e.action === 'CONSULT')
        .map((e) => e.subject_id)
        .sort(),
    ).toEqual(found);
    // The Midlands case's suspect is West Midlands Police's record: disclosed to the Met, if found.
    for (const e of events.filter((x) => x.action === 'DISCLOSE')) expect(e.record_owner_agency_id).not.toBe(agency('met-police').id);
  });

  test("an NGO reading its own survivor's narrative text writes CONSULT for the narrative", async () => {
    const r = await ask(
      hub,
      'safe-passage',
      `query($id: ID!) { narrative(id: $id) { id text } }`,
      { id: id('narrative:safe-passage-en') },
      { purpose: 'Casework' },
    );
    expect(r.errors).toBeUndefined();
    expect(await eventsOf(hub, r.requestId)).toEqual([
      expect.objectContaining({
        action: 'CONSULT',
        subject_type: 'Narrative',
        subject_id: id('narrative:safe-passage-en'),
        fields: ['text'],
        purpose: 'Casework',
      }),
    ]);
  });

  test('concurrent reads of personal data each have their own consultation record, in one chain that verifies', async () => {
    const rs = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ask<CasePersons>(hub, 'met-police', CASE_PERSONS, { id: id('case:lanterna') }, { purpose: `Concurrent review ${i}` }),
      ),
    );
    for (const [i, r] of rs.entries()) {
      expect(r.errors).toBeUndefined();
      const named = r.data!.case!.persons.filter((p) => p.fullName).map((p) => p.id);
      const events = await eventsOf(hub, r.requestId);
      expect(events).toHaveLength(1);
      expect(recordsOf(events).map((e) => e.subject_id)).toEqual(named.sort());
      expect(events.every((e) => e.action === 'CONSULT' && e.purpose === `Concurrent review ${i}`)).toBe(true);
    }
    expect((await verifyChain(hub.db)).ok).toBe(true);
  });

  test('records of several owners: one CONSULT per owner, and a DISCLOSE of the records another agency owns', async () => {
    const r = await ask<{ a: CasePersons['case']; b: CasePersons['case'] }>(
      hub,
      'met-police',
      `query($a: ID!, $b: ID!) { a: case(id: $a) { persons { id fullName } } b: case(id: $b) { persons { id role fullName } } }`,
      { a: id('case:lanterna'), b: id('case:iasi') },
      { purpose: 'Two cases side by side' },
    );
    const own = r
      .data!.a!.persons.map((p) => p.id)
      .sort()
      .map((pid) => ({ id: pid, fields: ['fullName'] }));
    const suspect = r.data!.b!.persons.find((p) => p.role === 'SUSPECT')!;
    const events = await eventsOf(hub, r.requestId);
    const met = agency('met-police').id;
    const politia = agency('politia-romana').id;
    expect(events.map((e) => [e.action, e.record_owner_agency_id, e.subject_id, e.records, e.recipients])).toEqual(
      expect.arrayContaining([
        ['CONSULT', met, '*', own, []],
        ['CONSULT', politia, suspect.id, [{ id: suspect.id, fields: ['fullName'] }], []],
        ['DISCLOSE', politia, suspect.id, [{ id: suspect.id, fields: ['fullName'] }], [met]],
      ]),
    );
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.purpose === 'Two cases side by side' && e.actor_agency_id === met)).toBe(true);
  });

  test("a link chart's labels are one consultation listing every entity whose value was shown, and the trail answers who saw one of them", async () => {
    const purpose = 'Link chart of S1';
    const r = await ask<{ network: { nodes: Array<{ id: string; type: string; label: string | null }> } }>(
      hub,
      'met-police',
      `query($s: [ID!]!) { network(seeds: $s, depth: 2) { nodes { id type label } } }`,
      { s: [id('entity:s1-phone-ro')] },
      { purpose },
    );
    expect(r.errors).toBeUndefined();
    const shown = r.data!.network.nodes.filter((n) => n.type === 'ENTITY' && n.label).map((n) => n.id);
    expect(shown.length).toBeGreaterThan(2);
    const events = await eventsOf(hub, r.requestId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'CONSULT', subject_type: 'Entity', subject_id: '*', record_owner_agency_id: null, fields: ['value'], purpose });
    expect(events[0]!.records).toEqual(shown.sort().map((eid) => ({ id: eid, fields: ['value'] })));
    expect(JSON.stringify(events)).not.toContain('+40722123456');

    // "Who saw this entity's value, when and why": the trail filtered on one entity finds the consultation that listed it.
    const TRAIL = `query($f: AuditFilter) { auditTrail(filter: $f, first: 50) { totalCount nodes { action subjectType subjectId actorUserId purpose requestId at records { id fields } } } }`;
    type Trail = {
      auditTrail: {
        totalCount: number;
        nodes: Array<{ subjectId: string; purpose: string; requestId: string; records: Array<{ id: string; fields: string[] }> }>;
      };
    };
    const one = shown.find((eid) => eid !== id('entity:s1-phone-ro'))!;
    for (const persona of ['tessera-hub:SUPERVISOR', 'met-police:SUPERVISOR']) {
      const trail = await hub.gql<Trail>(persona, TRAIL, { f: { subjectType: 'Entity', subjectId: one } });
      expect(trail.errors).toBeUndefined();
      const found = trail.data!.auditTrail.nodes.find((n) => n.requestId === r.requestId);
      expect(found).toMatchObject({ subjectId: '*', purpose, records: expect.arrayContaining([{ id: one, fields: ['value'] }]) });
      expect(trail.data!.auditTrail.nodes.every((n) => n.records.some((x) => x.id === one))).toBe(true);
    }
    // An event about one subject (a write's, v: 1) reads as one record with its fields.
    const caseId = id('case:lanterna');
    const writer = { actor: { userId: agency('met-police').users.CONTRIBUTOR!, agencyId: agency('met-police').id }, requestId: `audit-test-${caseId}` };
    await hub.db.transaction((tx) =>
      appendAudit(tx, writer, [{ action: 'ALTER', subjectType: 'Case', subjectId: caseId, recordOwnerAgencyId: agency('met-police').id, fields: ['summary'] }]),
    );
    const single = await hub.gql<Trail>('tessera-hub:SUPERVISOR', TRAIL, { f: { action: 'ALTER', subjectId: caseId } });
    expect(single.data!.auditTrail.nodes).toEqual([expect.objectContaining({ subjectId: caseId, records: [{ id: caseId, fields: ['summary'] }] })]);
  });

  test('a response whose consultation cannot be recorded is withheld (fails closed)', async () => {
    const restore = await failAuditFor(hub, 'audit store down');
    try {
      const before = await eventCount(hub);
      const r = await ask(hub, 'met-police', CASE_PERSONS, { id: id('case:lanterna') }, { purpose: 'audit store down' });
      expect(JSON.stringify(r)).not.toContain('Elena Marinescu');
      expect(r.data?.case ?? null).toBeNull();
      expect(codes(r)).toContain('INTERNAL_SERVER_ERROR');
      expect(await eventCount(hub)).toBe(before);
      // A query that consults no personal data is unaffected.
      const overview = await ask(
        hub,
        'met-police',
        `query($id: ID!) { case(id: $id) { status } }`,
        { id: id('case:lanterna') },
        { purpose: 'audit store down' },
      );
      expect(overview.errors).toBeUndefined();
    } finally {
      await restore();
    }
    expect((await verifyChain(hub.db)).ok).toBe(true);
  });
});
