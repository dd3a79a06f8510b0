import { verifyChain } from '../../services/audit/chain';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { ask, eventCount, eventsOf, failAuditFor } from './support';

/**
 * Consultation and disclosure: a personal field released to the caller and resolved into the
 * response is logged as CONSULT (plus DISCLOSE when another agency owns the record), with the
 * purpose the caller stated; redacted or unselected fields are not; and a response whose
 * consultation record cannot be written is not sent.
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

  test("consulting a victim's name on one's own case writes CONSULT with the stated purpose, and no DISCLOSE", async () => {
    const purpose = 'Operation Lanterna: safeguarding visit';
    const r = await ask<CasePersons>(hub, 'met-police', CASE_PERSONS, { id: id('case:lanterna') }, { purpose });
    expect(r.errors).toBeUndefined();
    const v1 = r.data!.case!.persons.find((p) => p.pseudonym === 'V1')!;
    expect(v1.fullName).toBe('Elena Marinescu');
    const events = await eventsOf(hub, r.requestId);
    expect(events.every((e) => e.action === 'CONSULT')).toBe(true);
    // One CONSULT per person whose name was returned (all four Lanterna persons have one).
    expect(events.map((e) => e.subject_id).sort()).toEqual(
      r
        .data!.case!.persons.filter((p) => p.fullName)
        .map((p) => p.id)
        .sort(),
    );
    expect(events.find((e) => e.subject_id === v1.id)).toMatchObject({
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
      events
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
      expect(events.map((e) => e.subject_id).sort()).toEqual(named.sort());
      expect(events.every((e) => e.action === 'CONSULT' && e.purpose === `Concurrent review ${i}`)).toBe(true);
    }
    expect((await verifyChain(hub.db)).ok).toBe(true);
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
