import { insertDemoRecord } from '../../services/kernel/demo';
import { RECORDS, RETENTION_CLASSES, STATEMENT_SUBJECTS } from '../../services/kernel/records';
import { codes, grantMetRomanianRecords, startTestHub, type TestHub } from '../support/hub';
import { caseSummaryAs, fullNameAs, HUB_START_MS, ok, refused } from './support';

/**
 * Issue 4, retention: each record has a review-due date by its retention class; its owner lists the
 * records due; a supervisor's review records the decision (KEEP with a reason, or ERASE); erasure
 * removes the data, leaves an erasure audit event and a review row without any of the content.
 */

// The integration project's testTimeout is not applied to project configs; hub round trips add up.
jest.setTimeout(60_000);

let hub: TestHub;
const ids = (key: string) => {
  const v = hub.demo.ids[key];
  if (!v) throw new Error(`no demo id ${key}`);
  return v;
};
const agency = (slug: string) => hub.demo.agencies[slug]!.id;
const user = (slug: string, role: string) => hub.demo.agencies[slug]!.users[role]!;

const DUE = `query($s: RecordSubjectType, $before: String) {
  recordsDueForReview(subjectType: $s, before: $before, first: 200) { totalCount nodes { subjectType id marking reviewDue retentionClass reviewPeriodYears } } }`;
const REVIEW = `mutation($s: RecordSubjectType!, $id: ID!, $d: RetentionDecision!, $reason: String) {
  reviewRecord(subjectType: $s, id: $id, decision: $d, reason: $reason) {
    id subjectType recordId decision reason reviewedByUserId previousReviewDue nextReviewDue erasedRecordCount } }`;

interface Due {
  subjectType: string;
  id: string;
  marking: string;
  reviewDue: string;
  retentionClass: string;
  reviewPeriodYears: number;
}
interface Review {
  id: string;
  subjectType: string;
  recordId: string;
  decision: string;
  reason: string | null;
  reviewedByUserId: string;
  previousReviewDue: string;
  nextReviewDue: string | null;
  erasedRecordCount: number;
}

const due = async (persona: string, vars: { s?: string; before?: string } = {}) =>
  ok(await hub.gql<{ recordsDueForReview: { totalCount: number; nodes: Due[] } }>(persona, DUE, vars)).recordsDueForReview;
const review = (persona: string, s: string, id: string, d: 'KEEP' | 'ERASE', reason?: string) =>
  hub.gql<{ reviewRecord: Review }>(persona, REVIEW, { s, id, d, reason });
const count = async (sql: string, params: unknown[]) => Number((await hub.db.query<{ n: string }>(sql, params))[0]!.n);
const inYears = async (years: number) =>
  (await hub.db.query<{ d: string }>(`SELECT (current_date + make_interval(years => $1))::date::text AS d`, [years]))[0]!.d;

beforeAll(async () => {
  hub = await startTestHub('in-process');
  // Due long ago: the Romanian police's case, an Albion Bank typology, a West Midlands case.
  await hub.db.query(`UPDATE cases.cases SET review_due = '2020-01-01' WHERE id = ANY($1::uuid[])`, [[ids('case:iasi'), ids('case:midlands')]]);
  await hub.db.query(`UPDATE typologies.typologies SET review_due = '2021-06-30' WHERE id = $1`, [ids('typology:travel-for-others')]);
}, HUB_START_MS);
afterAll(() => hub.stop(), HUB_START_MS);

describe('retention classes', () => {
  test('every marked subject has a table, a grants table and a class, and the tables are real', async () => {
    for (const r of Object.values(RECORDS)) {
      expect(RETENTION_CLASSES[r.retention].years).toBeGreaterThan(0);
      for (const t of [r.table, r.grantsTable]) {
        const [schema, table] = t.split('.');
        expect(await count('SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, table])).toBe(1);
      }
      expect(
        await count(
          `SELECT count(*) AS n FROM information_schema.columns WHERE table_schema || '.' || table_name = $1 AND column_name IN ('review_due', 'owner_agency_id', 'marking')`,
          [r.table],
        ),
      ).toBe(3);
    }
  });
});

describe('records due for review', () => {
  test("every kind of record has an index that finds an agency's records due without reading all its rows", async () => {
    for (const { table } of Object.values(RECORDS)) {
      const [schema, name] = table.split('.');
      const indexes = await hub.db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [schema, name]);
      expect({ table, indexed: indexes.some((i) => i.def.includes('(owner_agency_id, review_due)')) }).toEqual({ table, indexed: true });
    }
  });

  test('every kind of statement has an index that finds the statements made on one record', async () => {
    for (const subject of STATEMENT_SUBJECTS) {
      const [schema, name] = RECORDS[subject].table.split('.');
      const indexes = await hub.db.query<{ def: string }>(`SELECT indexdef AS def FROM pg_indexes WHERE schemaname = $1 AND tablename = $2`, [schema, name]);
      expect({ subject, indexed: indexes.some((i) => i.def.includes('(source_type, source_id)')) }).toEqual({ subject, indexed: true });
    }
  });

  test('the owner lists its own records due, never their content; parts follow their case', async () => {
    const list = await due('politia-romana:SUPERVISOR');
    expect(list.nodes).toEqual([
      { subjectType: 'Case', id: ids('case:iasi'), marking: 'GREEN', reviewDue: '2020-01-01', retentionClass: 'INVESTIGATION', reviewPeriodYears: 6 },
    ]);
    // However far ahead, the case's persons, events and statements are not reviewed on their own.
    const all = await due('politia-romana', { before: '2199-12-31' });
    expect(all.nodes.map((n) => n.subjectType)).toEqual(['Case']);

    const bank = await due('albion-bank:SUPERVISOR', { before: '2199-12-31' });
    expect(bank.nodes.map((n) => `${n.subjectType}:${n.id}`).sort()).toEqual(
      [
        `Typology:${ids('typology:loverboy-proceeds')}`,
        `Typology:${ids('typology:travel-for-others')}`,
        `TransactionReport:${ids('report:popescu-str')}`,
      ].sort(),
    );
    expect(bank.nodes[0]).toMatchObject({ id: ids('typology:travel-for-others'), reviewDue: '2021-06-30', retentionClass: 'FINANCIAL_PATTERN' });
    const typologiesOnly = await due('albion-bank', { s: 'Typology', before: '2021-12-31' });
    expect(typologiesOnly.nodes.map((n) => n.id)).toEqual([ids('typology:travel-for-others')]);
  });

  test("no agency lists another's records", async () => {
    for (const persona of ['met-police:SUPERVISOR', 'tessera-hub:SUPERVISOR', 'safe-passage', 'banca-carpati']) {
      const json = JSON.stringify(await due(persona, { before: '2199-12-31' }));
      for (const key of ['case:iasi', 'case:midlands', 'typology:travel-for-others', 'report:popescu-str']) expect(json).not.toContain(ids(key));
    }
  });

  test.each([
    ['politia-romana:VIEWER', 'FORBIDDEN'],
    ['tessera-admin:SUPERVISOR', 'FORBIDDEN'],
  ])('%s may not list records due (%s)', async (persona, code) => {
    refused(await hub.gql(persona, DUE, {}), code);
  });

  test.each([
    ['Person', 'subjectType'],
    ['TraffickingEvent', 'subjectType'],
  ])('%s records follow their case: asking for them is refused', async (s, field) => {
    refused(await hub.gql('politia-romana', DUE, { s }), 'BAD_USER_INPUT', field);
  });

  test('a malformed date is refused', async () => {
    refused(await hub.gql('politia-romana', DUE, { before: '31/12/2026' }), 'BAD_USER_INPUT', 'before');
  });

  test("a statement made on another agency's record is reviewed on its own", async () => {
    const hubOwner = { agencyId: agency('tessera-hub'), userId: user('tessera-hub', 'CONTRIBUTOR') };
    const obs = await insertDemoRecord(
      hub.db,
      'entities.observations',
      hubOwner,
      { marking: 'GREEN' },
      {
        entity_id: ids('entity:shared-phone'),
        source_type: 'CASE',
        source_id: ids('case:lanterna'),
        note: 'Hub analysis: same booking number',
        review_due: '2022-02-02',
      },
    );
    const list = await due('tessera-hub:SUPERVISOR');
    expect(list.nodes).toEqual([
      { subjectType: 'Observation', id: obs, marking: 'GREEN', reviewDue: '2022-02-02', retentionClass: 'STATEMENT', reviewPeriodYears: 2 },
    ]);
    const kept = ok(await review('tessera-hub:SUPERVISOR', 'Observation', obs, 'KEEP', 'Still supports the Lanterna network analysis')).reviewRecord;
    expect(kept.nextReviewDue).toBe(await inYears(2));
    // A statement that follows its own agency's record is reviewed with that record.
    refused(await review('met-police:SUPERVISOR', 'Observation', ids('observation:lanterna:shared-phone'), 'KEEP', 'x'), 'BAD_USER_INPUT', 'subjectType');
  });
});

describe('KEEP', () => {
  test("needs a reason, a supervisor of the owner, and a record that is the caller agency's", async () => {
    refused(await review('politia-romana:SUPERVISOR', 'Case', ids('case:iasi'), 'KEEP'), 'BAD_USER_INPUT', 'reason');
    refused(await review('politia-romana:SUPERVISOR', 'Case', ids('case:iasi'), 'KEEP', '   '), 'BAD_USER_INPUT', 'reason');
    refused(await review('politia-romana:SUPERVISOR', 'Case', ids('case:iasi'), 'KEEP', 'x'.repeat(2001)), 'BAD_USER_INPUT', 'reason');
    refused(await review('politia-romana', 'Case', ids('case:iasi'), 'KEEP', 'Trial pending'), 'FORBIDDEN');
    refused(await review('politia-romana:VIEWER', 'Case', ids('case:iasi'), 'KEEP', 'Trial pending'), 'FORBIDDEN');
    refused(await review('met-police:SUPERVISOR', 'Case', ids('case:iasi'), 'KEEP', 'Trial pending'), 'NOT_FOUND');
    refused(await review('met-police:SUPERVISOR', 'Case', '00000000-0000-4000-8000-000000000000', 'KEEP', 'Trial pending'), 'NOT_FOUND');
    refused(await review('politia-romana:SUPERVISOR', 'Person', ids('person:iasi:V1'), 'KEEP', 'Trial pending'), 'BAD_USER_INPUT', 'subjectType');
    expect(await count('SELECT count(*) AS n FROM agencies.retention_reviews', [])).toBe(1); // the statement kept above
  });

  test('pushes the review by the class period from today, for the case and everything that follows it', async () => {
    const kept = ok(await review('politia-romana:SUPERVISOR', 'Case', ids('case:iasi'), 'KEEP', 'Trial pending at the Iași tribunal')).reviewRecord;
    const next = await inYears(6);
    expect(kept).toMatchObject({
      subjectType: 'Case',
      recordId: ids('case:iasi'),
      decision: 'KEEP',
      reason: 'Trial pending at the Iași tribunal',
      reviewedByUserId: user('politia-romana', 'SUPERVISOR'),
      previousReviewDue: '2020-01-01',
      nextReviewDue: next,
      erasedRecordCount: 0,
    });
    const dates = await hub.db.query<{ d: string }>(
      `SELECT review_due::text AS d FROM cases.cases WHERE id = $1
       UNION ALL SELECT review_due::text FROM cases.persons WHERE case_id = $1
       UNION ALL SELECT review_due::text FROM cases.events WHERE case_id = $1
       UNION ALL SELECT review_due::text FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1
       UNION ALL SELECT review_due::text FROM entities.links WHERE source_type = 'CASE' AND source_id = $1`,
      [ids('case:iasi')],
    );
    const parts = await count(`SELECT (SELECT count(*) FROM cases.persons WHERE case_id = $1) + (SELECT count(*) FROM cases.events WHERE case_id = $1) AS n`, [
      ids('case:iasi'),
    ]);
    const statements = await count(
      `SELECT (SELECT count(*) FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1) + (SELECT count(*) FROM entities.links WHERE source_type = 'CASE' AND source_id = $1) AS n`,
      [ids('case:iasi')],
    );
    expect(parts).toBe(2 + 3);
    expect(statements).toBeGreaterThanOrEqual(2 + 1); // the demo's observations (email, IBAN, ...) and links (S1 uses the email, ...)
    expect(dates.length).toBe(1 + parts + statements);
    expect(new Set(dates.map((r) => r.d))).toEqual(new Set([next]));
    expect((await due('politia-romana:SUPERVISOR')).nodes).toEqual([]);
    // Keeping changes nothing of what the case says.
    expect(await caseSummaryAs(hub, 'politia-romana', ids('case:iasi'))).toMatch(/^Recruitment network around Iași/);
    const history = ok(
      await hub.gql<{ retentionReviews: { nodes: Review[] } }>(
        'politia-romana',
        `query($id: ID) { retentionReviews(recordId: $id) { nodes { decision reason nextReviewDue } } }`,
        { id: ids('case:iasi') },
      ),
    );
    expect(history.retentionReviews.nodes).toEqual([{ decision: 'KEEP', reason: 'Trial pending at the Iași tribunal', nextReviewDue: next }]);
    const others = ok(await hub.gql<{ retentionReviews: { totalCount: number } }>('met-police', `{ retentionReviews { totalCount } }`));
    expect(others.retentionReviews.totalCount).toBe(0);
  });
});

describe('ERASE', () => {
  test('removes the case, its persons and events, the statements its agency made on it and every grant on them, in one go', async () => {
    const caseId = ids('case:iasi');
    // The Met was granted the victim and an observation first.
    await grantMetRomanianRecords(hub, [
      { subjectType: 'Person', id: ids('person:iasi:V1') },
      { subjectType: 'Observation', id: ids('observation:iasi:recruiter-email') },
    ]);
    expect(await fullNameAs(hub, 'met-police', ids('person:iasi:V1'))).toBe('Andreea Lungu');

    // The case, its persons and events, and every observation and link the Romanian police made on it.
    const statementIds = (
      await hub.db.query<{ id: string }>(
        `SELECT id::text FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1 UNION ALL SELECT id::text FROM entities.links WHERE source_type = 'CASE' AND source_id = $1`,
        [caseId],
      )
    ).map((r) => r.id);
    expect(statementIds).toEqual(
      expect.arrayContaining([ids('observation:iasi:recruiter-email'), ids('observation:iasi:s1-iban-ro'), ids('link:iasi:s1-uses-email')]),
    );
    // V1's path through Romania's referral mechanism is part of the case too.
    const stageIds = ['SIGNALLING', 'IDENTIFICATION', 'REFERRAL_TO_ASSISTANCE', 'ASSISTANCE'].map((s) => ids(`stage:iasi:V1:${s}`));
    const erasedIds = [
      caseId,
      ids('person:iasi:V1'),
      ids('person:iasi:S1'),
      ids('event:iasi:1'),
      ids('event:iasi:2'),
      ids('event:iasi:3'),
      ...stageIds,
      ...statementIds,
    ];
    const erased = ok(await review('politia-romana:SUPERVISOR', 'Case', caseId, 'ERASE', 'Acquittal: no ground to keep')).reviewRecord;
    expect(erased).toMatchObject({ decision: 'ERASE', nextReviewDue: null, erasedRecordCount: erasedIds.length });

    const left = await count(
      `SELECT (SELECT count(*) FROM cases.cases WHERE id = ANY($1::uuid[])) + (SELECT count(*) FROM cases.persons WHERE id = ANY($1::uuid[]))
        + (SELECT count(*) FROM cases.events WHERE id = ANY($1::uuid[])) + (SELECT count(*) FROM cases.referral_stages WHERE id = ANY($1::uuid[]))
        + (SELECT count(*) FROM entities.observations WHERE id = ANY($1::uuid[]))
        + (SELECT count(*) FROM entities.links WHERE id = ANY($1::uuid[])) + (SELECT count(*) FROM cases.grants WHERE record_id = ANY($1::uuid[]))
        + (SELECT count(*) FROM entities.grants WHERE record_id = ANY($1::uuid[])) + (SELECT count(*) FROM agencies.access_request_grants WHERE record_id = ANY($1::uuid[])) AS n`,
      [erasedIds],
    );
    expect(left).toBe(0);
    expect(await caseSummaryAs(hub, 'politia-romana', caseId)).toBe('NOT_FOUND');
    expect(await fullNameAs(hub, 'met-police', ids('person:iasi:V1'))).toBe('NOT_FOUND');
    // Shared ground and other agencies' statements about the same email stay.
    expect(await count('SELECT count(*) AS n FROM entities.observations WHERE id = $1', [ids('observation:safe-passage:recruiter-email')])).toBe(1);
    expect(await count('SELECT count(*) AS n FROM entities.entities WHERE id = $1', [ids('entity:recruiter-email')])).toBe(1);

    // The erasure audit events: one per erased record, naming it, never its content.
    const events = await hub.db.query<{ subject_type: string; subject_id: string; actor_user_id: string; record_owner_agency_id: string; fields: string[] }>(
      `SELECT subject_type, subject_id, actor_user_id::text, record_owner_agency_id::text, fields FROM audit.events WHERE action = 'ERASE' ORDER BY seq`,
    );
    const recordEvents = events.filter((e) => e.subject_type !== 'Entity');
    expect(recordEvents.map((e) => e.subject_id).sort()).toEqual([...erasedIds].sort());
    // Entities only the erased statements named went with them, each with its own ERASE (no owner);
    // the recruiter's email, still observed by Safe Passage, is not among them.
    const forgotten = events.filter((e) => e.subject_type === 'Entity');
    expect(forgotten.length).toBeGreaterThan(0);
    for (const e of forgotten) expect(e).toMatchObject({ record_owner_agency_id: null, fields: ['value'] });
    expect(await count('SELECT count(*) AS n FROM entities.entities WHERE id = ANY($1::uuid[])', [forgotten.map((e) => e.subject_id)])).toBe(0);
    expect(forgotten.map((e) => e.subject_id)).not.toContain(ids('entity:recruiter-email'));
    expect(events.find((e) => e.subject_id === caseId)).toMatchObject({
      subject_type: 'Case',
      actor_user_id: user('politia-romana', 'SUPERVISOR'),
      record_owner_agency_id: agency('politia-romana'),
      fields: [],
    });
    expect(JSON.stringify(events)).not.toMatch(/Andreea|Recruitment network/);

    // The decision is on record, and the table has no column that could hold the content.
    const [row] = await hub.db.query<Record<string, unknown>>(`SELECT * FROM agencies.retention_reviews WHERE id = $1`, [erased.id]);
    expect(Object.keys(row!).sort()).toEqual(
      [
        'agency_id',
        'decision',
        'erased_record_count',
        'id',
        'next_review_due',
        'previous_review_due',
        'reason',
        'record_id',
        'reviewed_at',
        'reviewed_by_user_id',
        'subject_type',
      ].sort(),
    );
    expect(row).toMatchObject({ decision: 'ERASE', record_id: caseId, subject_type: 'Case', reason: 'Acquittal: no ground to keep' });
    // Erasing again finds nothing.
    refused(await review('politia-romana:SUPERVISOR', 'Case', caseId, 'ERASE'), 'NOT_FOUND');
  });

  test('a typology a report points at goes; the report stays and no longer points at it', async () => {
    const typology = ids('typology:loverboy-proceeds');
    const r = ok(await review('albion-bank:SUPERVISOR', 'Typology', typology, 'ERASE')).reviewRecord;
    expect(r).toMatchObject({ erasedRecordCount: 1, reason: null });
    expect(await count('SELECT count(*) AS n FROM typologies.typologies WHERE id = $1', [typology])).toBe(0);
    const [report] = await hub.db.query<{ typology_id: string | null }>('SELECT typology_id FROM typologies.transaction_reports WHERE id = $1', [
      ids('report:popescu-str'),
    ]);
    expect(report).toEqual({ typology_id: null });
  });

  test('a transaction report goes with its parties and the observations of its accounts', async () => {
    const report = ids('report:popescu-str');
    const statements = await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'TRANSACTION_REPORT' AND source_id = $1`, [report]);
    expect(statements).toBeGreaterThan(0);
    const r = ok(await review('albion-bank:SUPERVISOR', 'TransactionReport', report, 'ERASE', 'Customer exited; five years passed')).reviewRecord;
    expect(r.erasedRecordCount).toBe(1 + statements);
    expect(await count(`SELECT count(*) AS n FROM typologies.report_parties WHERE report_id = $1`, [report])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'TRANSACTION_REPORT' AND source_id = $1`, [report])).toBe(0);
  });

  test('a narrative whose consent withdrawal was logged can be erased', async () => {
    const narrative = ids('narrative:safe-passage-ro');
    await hub.db.query(`INSERT INTO narratives.erasures (narrative_id, erased_by_user_id, reason) VALUES ($1, $2, 'consent withdrawn')`, [
      narrative,
      user('safe-passage', 'CONTRIBUTOR'),
    ]);
    ok(await review('safe-passage:SUPERVISOR', 'Narrative', narrative, 'ERASE', 'Survivor asked for erasure'));
    expect(await count('SELECT count(*) AS n FROM narratives.narratives WHERE id = $1', [narrative])).toBe(0);
  });

  test('a narrative goes with the identifiers confirmed from it and placed in its case', async () => {
    type Narrative = { id: string; case: { id: string }; proposals: Array<{ id: string; kind: string; status: string }> };
    const list = ok(
      await hub.gql<{ narratives: { nodes: Narrative[] } }>(
        'safe-passage',
        `{ narratives(first: 50) { nodes { id case { id } proposals { id kind status } } } }`,
      ),
    );
    const narrative = list.narratives.nodes.find((n) => n.proposals.some((p) => p.kind === 'IDENTIFIER' && p.status === 'PROPOSED'))!;
    const proposal = narrative.proposals.find((p) => p.kind === 'IDENTIFIER' && p.status === 'PROPOSED')!;
    ok(await hub.gql('safe-passage', `mutation($id: ID!) { decideProposal(id: $id, decision: CONFIRM) { id } }`, { id: proposal.id }));
    const placed = await hub.db.query<{ id: string; entity_id: string }>(
      `SELECT id, entity_id FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1 AND note = $2`,
      [narrative.case.id, `Confirmed from narrative ${narrative.id}`],
    );
    expect(placed).toHaveLength(1);
    const own = await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'NARRATIVE' AND source_id = $1`, [narrative.id]);
    const r = ok(await review('safe-passage:SUPERVISOR', 'Narrative', narrative.id, 'ERASE', 'Survivor asked for erasure')).reviewRecord;
    expect(r.erasedRecordCount).toBe(1 + own + 1);
    expect(await count('SELECT count(*) AS n FROM entities.observations WHERE id = $1', [placed[0]!.id])).toBe(0);
    // Readable by nobody afterwards: the police read the case's observations, and it is not among them.
    const o = await hub.gql('met-police', `query($id: ID!) { observation(id: $id) { id } }`, { id: placed[0]!.id });
    expect(o.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The erasure's audit event lists it.
    const [event] = await hub.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit.events WHERE action = 'ERASE' AND subject_id = $1`, [
      placed[0]!.id,
    ]);
    expect(event!.n).toBe(1);
  });

  test('RED records are reviewed only by the users they reach', async () => {
    const caseId = ids('case:safe-passage');
    await hub.db.query(`UPDATE cases.cases SET marking = 'RED', red_recipient_user_ids = '{}', review_due = '2020-01-01' WHERE id = $1`, [caseId]);
    expect((await due('safe-passage:SUPERVISOR')).nodes.map((n) => n.id)).not.toContain(caseId);
    refused(await review('safe-passage:SUPERVISOR', 'Case', caseId, 'ERASE'), 'NOT_FOUND');
    expect((await due('safe-passage')).nodes.map((n) => n.id)).toContain(caseId); // its contributor
    await hub.db.query(`UPDATE cases.cases SET red_recipient_user_ids = ARRAY[$2::uuid] WHERE id = $1`, [caseId, user('safe-passage', 'SUPERVISOR')]);
    expect((await due('safe-passage:SUPERVISOR')).nodes.map((n) => n.id)).toContain(caseId);
    ok(await review('safe-passage:SUPERVISOR', 'Case', caseId, 'KEEP', 'Survivor still supported'));
  });

  test('an erasure that fails part-way erases nothing and records nothing', async () => {
    const caseId = ids('case:midlands');
    // Something outside the registry still points at one of the case's persons.
    await hub.db.query(`CREATE TABLE public.erasure_blocker (person_id uuid REFERENCES cases.persons(id))`);
    await hub.db.query(`INSERT INTO public.erasure_blocker VALUES ($1)`, [ids('person:midlands:V1')]);
    const before = {
      audit: await count(`SELECT count(*) AS n FROM audit.events WHERE action = 'ERASE'`, []),
      reviews: await count('SELECT count(*) AS n FROM agencies.retention_reviews', []),
      statements: await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1`, [caseId]),
    };
    const r = await review('west-midlands-police:SUPERVISOR', 'Case', caseId, 'ERASE', 'Test of atomicity');
    expect(codes(r)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(await caseSummaryAs(hub, 'west-midlands-police', caseId)).toMatch(/^Brothels in Leicester/);
    expect(await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1`, [caseId])).toBe(before.statements);
    expect(await count(`SELECT count(*) AS n FROM cases.persons WHERE case_id = $1`, [caseId])).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM audit.events WHERE action = 'ERASE'`, [])).toBe(before.audit);
    expect(await count('SELECT count(*) AS n FROM agencies.retention_reviews', [])).toBe(before.reviews);
    await hub.db.query(`DROP TABLE public.erasure_blocker`);
  });
});
