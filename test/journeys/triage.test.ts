import { codes, startTestHub, type TestHub } from '../support/hub';
import { ADD, asPublic, solvedChallenge, submit } from '../support/public';

jest.setTimeout(120_000);

/**
 * A hub analyst triages the reports from the public: the queue puts a child, an imminent risk and
 * an identifier the hub already holds first, then the newest; each item shows what the extractor
 * proposes, the reports it may repeat and the known entities it names; each report is decided once
 * (link to a case, open a case, intelligence only, discard with a reason), graded UNTESTED unless
 * corroborated, with its audit events, all in one transaction.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process', { publicIntake: { submissionsPerDay: 1000, requestsPerDay: 10_000 } });
});
afterAll(() => hub.stop());

const ANALYST = 'tessera-hub';
const QUEUE = `query($first: Int) { triageQueue(first: $first) { totalCount nodes { id urgency report { story receivedAt } } } }`;
const ITEM = `query($id: ID!) { triageItem(id: $id) {
  id urgency retentionClass reviewDue
  report { story place language contact status }
  identifiers { kind value start end known }
  indicators { code start end }
  related { reasons report { id } }
  touchedEntities { id value kind }
  decision { decision case { id sourceEvaluation intelligenceAssessment handlingCode marking summary ownerAgency { slug } } reason sourceEvaluation intelligenceAssessment handlingCode handlingConditions corroboration decidedAt }
} }`;
const DECIDE = `mutation($input: DecideTriageInput!) { decideTriage(input: $input) {
  id decision { decision reason sourceEvaluation intelligenceAssessment handlingCode corroboration case { id sourceEvaluation intelligenceAssessment } }
  report { status } retentionClass reviewDue } }`;

type Item = {
  id: string;
  urgency: string[];
  retentionClass: string;
  reviewDue: string;
  report: { story: string; status: string };
  identifiers: Array<{ kind: string; value: string; start: number; end: number; known: boolean }>;
  indicators: Array<{ code: string; start: number; end: number }>;
  related: Array<{ reasons: string[]; report: { id: string } }>;
  touchedEntities: Array<{ id: string; value: string; kind: string }>;
  decision: null | Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

/** Files a report as the public does, and finds its id (the public never learns it). */
async function file(input: Record<string, unknown>, receivedHoursAgo = 0): Promise<string> {
  const r = await submit(hub, input);
  expect(r.errors).toBeUndefined();
  const [row] = await hub.db.query<{ id: string }>(`SELECT id FROM intake.public_reports WHERE story = $1 ORDER BY received_at DESC LIMIT 1`, [input.story]);
  // Received to the hour: an earlier hour stands for an older report.
  await hub.db.query(`UPDATE intake.public_reports SET received_at = date_trunc('hour', now()) - make_interval(hours => $2) WHERE id = $1`, [
    row!.id,
    receivedHoursAgo,
  ]);
  return row!.id;
}

const item = async (id: string) => {
  const r = await hub.gql<{ triageItem: Item }>(ANALYST, ITEM, { id });
  expect(r.errors).toBeUndefined();
  return r.data!.triageItem;
};
const decide = (input: Record<string, unknown>, persona = ANALYST) =>
  hub.gql<{ decideTriage: Item & { decision: Record<string, unknown> } }>(persona, DECIDE, { input });

const ids: Record<string, string> = {};
const count = async (sql: string, params: unknown[] = []) => (await hub.db.query<{ n: number }>(sql, params))[0]!.n;

describe('the queue', () => {
  beforeAll(async () => {
    ids.plain = await file({ story: 'A plain report about a house where many people live, nothing more to say.', place: 'Sheffield' }, 0);
    ids.older = await file({ story: 'An older plain report: people waiting at dawn for a minibus every morning.', place: 'Sheffield' }, 5);
    ids.known = await file({ story: 'The men at the house keep calling +40 722 123 456 to get picked up.', place: 'Leicester' }, 10);
    ids.covert = await file({ story: 'A woman gave me the number 07700 900555 and asked me to call her sister.', place: 'Luton' }, 11);
    ids.risk = await file({ story: 'He beat her in the street and threatened to hurt her family if she talked.', place: 'Bedford' }, 20);
    ids.child = await file(
      { story: 'A girl of about fourteen is kept out of school to clean a house.', place: 'Brașov', situationKind: 'CHILD', language: 'ro' },
      30,
    );
  });

  test('most urgent first (a child, an imminent risk, an identifier the hub holds), then newest', async () => {
    const r = await hub.gql<{ triageQueue: { totalCount: number; nodes: Array<{ id: string; urgency: string[] }> } }>(ANALYST, QUEUE, { first: 1000 });
    expect(r.errors).toBeUndefined();
    const order = r.data!.triageQueue.nodes.map((n) => n.id);
    const mine = order.filter((id) => Object.values(ids).includes(id));
    expect(mine).toEqual([ids.child, ids.risk, ids.known, ids.plain, ids.older, ids.covert]);
    const urgency = Object.fromEntries(r.data!.triageQueue.nodes.map((n) => [n.id, n.urgency]));
    expect(urgency[ids.child!]).toEqual(['CHILD']);
    expect(urgency[ids.risk!]).toEqual(['IMMINENT_RISK']);
    expect(urgency[ids.known!]).toEqual(['KNOWN_IDENTIFIER']);
    // The covert number is an entity only another agency's AMBER_STRICT statement names: not known to the hub.
    expect(urgency[ids.covert!]).toEqual([]);
    // Every demo report is in the queue too, undecided.
    expect(r.data!.triageQueue.totalCount).toBe(order.length);
    expect(order.length).toBeGreaterThanOrEqual(Object.keys(ids).length + 4);
  });

  test('pages follow the same order', async () => {
    const all = (await hub.gql<{ triageQueue: { nodes: Array<{ id: string }> } }>(ANALYST, QUEUE, { first: 1000 })).data!.triageQueue.nodes.map((n) => n.id);
    const first = await hub.gql<{ triageQueue: { nodes: Array<{ id: string }> } }>(
      ANALYST,
      `{ triageQueue(first: 2) { nodes { id } pageInfo { endCursor } } }`,
    );
    expect(first.data!.triageQueue.nodes.map((n) => n.id)).toEqual(all.slice(0, 2));
  });

  test('an item shows the proposals with their offsets in the story, and the known entities it names', async () => {
    const known = await item(ids.known!);
    const at = known.report.story.indexOf('+40 722 123 456');
    expect(known.identifiers).toEqual([{ kind: 'PHONE', value: '+40722123456', start: at, end: at + 15, known: true }]);
    expect(known.touchedEntities).toEqual([{ id: expect.any(String), kind: 'PHONE', value: '+40722123456' }]);
    const risk = await item(ids.risk!);
    expect(risk.indicators.map((i) => i.code)).toEqual(expect.arrayContaining(['PHYSICAL_OR_SEXUAL_VIOLENCE', 'INTIMIDATION_AND_THREATS']));
    for (const i of risk.indicators) expect(i.end).toBeGreaterThan(i.start);
    const covert = await item(ids.covert!);
    expect(covert.identifiers.map((i) => [i.value, i.known])).toEqual([['+447700900555', false]]);
    expect(covert.touchedEntities).toEqual([]);
  });

  test('a Romanian story: the extractor reads its identifiers and indicators', async () => {
    const id = await file({
      story: 'Verișoara mea a plecat în Anglia după o ofertă de muncă pe Facebook. Are o datorie pentru drum. Sunați la 0722 123 456.',
      place: 'Iași',
      language: 'Română',
    });
    const it = await item(id);
    expect(it.identifiers).toEqual([expect.objectContaining({ kind: 'PHONE', value: '+40722123456', known: true })]);
    expect(it.indicators.map((i) => i.code)).toEqual(expect.arrayContaining(['RECRUITED_VIA_JOB_OFFER', 'RECRUITED_VIA_SOCIAL_MEDIA', 'DEBT_BONDAGE']));
    expect(it.urgency).toEqual(['KNOWN_IDENTIFIER']);
  });

  test('hostile text: markup, emoji, right-to-left and combining marks keep the offsets true to the story, and the text as written', async () => {
    const story = '<img src=x onerror=alert(1)> 👩‍👧 مرحبا She said: "call +40 722 123 456" — Ş̧ ţ he beat her <script>x</script>.';
    const id = await file({ story, place: '<b>Iași</b>', language: 'en' });
    const it = await item(id);
    expect(it.report.story).toBe(story);
    expect(it.identifiers).toHaveLength(1);
    const [phone] = it.identifiers;
    expect(story.slice(phone!.start, phone!.end)).toBe('+40 722 123 456');
    for (const i of it.indicators) expect(i.end).toBeLessThanOrEqual(story.length);
    expect(it.urgency).toEqual(['IMMINENT_RISK', 'KNOWN_IDENTIFIER']);
  });

  test('places: the gazetteer places the story names, typed with or without diacritics or with the old cedillas', async () => {
    const story = 'Au plecat din Constanta cu autobuzul spre Londra, apoi au ajuns în Leicester; alții din Timişoara. Not Bedfordshire.';
    const id = await file({ story, place: 'pe drum', language: 'ro' });
    const r = await hub.gql<{ triageItem: { places: Array<{ name: string; start: number; end: number; location: { name: string; countryCode: string } }> } }>(
      ANALYST,
      `query($id: ID!) { triageItem(id: $id) { places { name start end location { name countryCode } } } }`,
      { id },
    );
    expect(r.errors).toBeUndefined();
    const places = r.data!.triageItem.places;
    expect(places.map((p) => [p.name, story.slice(p.start, p.end), p.location.countryCode])).toEqual([
      ['Constanța', 'Constanta', 'RO'],
      ['Leicester', 'Leicester', 'GB'],
      ['Timișoara', 'Timişoara', 'RO'],
    ]);
  });

  test('related reports: the same folded text, a shared identifier, the same place within 30 days', async () => {
    const first = await file({ story: 'Cars with Romanian plates bring girls to 14 Example Road every night, call 07700 900 777.', place: 'Derby' }, 48);
    const copy = await file(
      { story: 'cars with romanian plates bring GIRLS to 14 example road, every night! Call 07700 900 777', place: 'Derby, city centre' },
      1,
    );
    const sameNumber = await file({ story: 'Someone answers 07700900777 and offers "massage" in Derby.', place: 'Nottingham' }, 2);
    const samePlace = await file({ story: 'Late-night van drops in the Derby area, several young women.', place: 'derby' }, 3);
    const elsewhere = await file({ story: 'Different town, nothing in common with the others, for the record.', place: 'Norwich' }, 3);
    const related = Object.fromEntries((await item(first)).related.map((r) => [r.report.id, r.reasons]));
    expect(related[copy]).toEqual(['SAME_TEXT', 'SHARED_IDENTIFIER', 'NEAR_PLACE_AND_TIME']);
    expect(related[sameNumber]).toEqual(['SHARED_IDENTIFIER']);
    expect(related[samePlace]).toEqual(['NEAR_PLACE_AND_TIME']);
    expect(related[elsewhere]).toBeUndefined();
    // Most reasons first.
    expect((await item(first)).related[0]!.report.id).toBe(copy);
  });

  test('what the reporter adds later raises the report’s urgency as its story would', async () => {
    const story = 'A quiet report: a family of workers living above the car wash, nothing else seen.';
    const sent = await submit(hub, { story, place: 'Luton' });
    const id = (await hub.db.query<{ id: string }>(`SELECT id FROM intake.public_reports WHERE story = $1`, [story]))[0]!.id;
    expect((await item(id)).urgency).toEqual([]);
    const added = await asPublic(hub, ADD, {
      input: {
        receiptCode: sent.data!.submitPublicReport.receiptCode,
        text: 'He beat her in the street and threatened to hurt her family.',
        ...(await solvedChallenge(hub)),
      },
    });
    expect(added.errors).toBeUndefined();
    const now = await item(id);
    expect(now.urgency).toEqual(['IMMINENT_RISK']);
    // The proposals stay the story's: their offsets are the story's.
    expect(now.indicators).toEqual([]);
  });
});

describe('decisions', () => {
  const graded = { intelligenceAssessment: 'C', handlingCode: 'P' };

  test('OPEN_CASE: a case owned by the hub, graded as the report (UNTESTED), the report closed under its own retention class', async () => {
    const r = await decide({
      reportId: ids.child,
      decision: 'OPEN_CASE',
      ...graded,
      newCase: { exploitationTypes: ['LABOUR'], summary: 'A girl of about 14 kept out of school to clean a house (public report).', marking: 'AMBER' },
    });
    expect(r.errors).toBeUndefined();
    const d = r.data!.decideTriage;
    expect(d.decision).toMatchObject({
      decision: 'OPEN_CASE',
      sourceEvaluation: 'UNTESTED',
      intelligenceAssessment: 'C',
      handlingCode: 'P',
      corroboration: null,
    });
    expect(d.report.status).toBe('CLOSED');
    expect(d.retentionClass).toBe('PUBLIC_REPORT');
    const inTwoYears = new Date();
    inTwoYears.setUTCFullYear(inTwoYears.getUTCFullYear() + 2);
    expect(d.reviewDue).toBe(inTwoYears.toISOString().slice(0, 10));
    const caseId = (d.decision.case as { id: string }).id;
    const c = await hub.gql<{ case: Record<string, unknown> }>(
      ANALYST,
      `query($id: ID!) { case(id: $id) { status sourceEvaluation intelligenceAssessment handlingCode marking exploitationTypes ownerAgency { slug } } }`,
      { id: caseId },
    );
    expect(c.data!.case).toEqual({
      status: 'OPEN',
      sourceEvaluation: 'UNTESTED',
      intelligenceAssessment: 'C',
      handlingCode: 'P',
      marking: 'AMBER',
      exploitationTypes: ['LABOUR'],
      ownerAgency: { slug: 'tessera-hub' },
    });
    const events = await hub.db.query<{ action: string; subjectType: string; subjectId: string }>(
      `SELECT action, subject_type AS "subjectType", subject_id AS "subjectId" FROM audit.events
       WHERE subject_id = ANY($1::text[]) OR (subject_type = 'TriageDecision' AND seq > (SELECT max(seq) - 3 FROM audit.events)) ORDER BY seq`,
      [[caseId, ids.child]],
    );
    expect(events.map((e) => `${e.action} ${e.subjectType}`)).toEqual(expect.arrayContaining(['COLLECT Case', 'COLLECT TriageDecision', 'ALTER PublicReport']));
  });

  test('the decided report leaves the queue', async () => {
    const r = await hub.gql<{ triageQueue: { nodes: Array<{ id: string }> } }>(ANALYST, QUEUE, { first: 1000 });
    expect(r.data!.triageQueue.nodes.map((n) => n.id)).not.toContain(ids.child);
  });

  test('the same decision again answers the first and writes nothing; another decision is a CONFLICT', async () => {
    const input = {
      reportId: ids.child,
      decision: 'OPEN_CASE',
      ...graded,
      newCase: { exploitationTypes: ['LABOUR'], summary: 'A girl of about 14 kept out of school to clean a house (public report).', marking: 'AMBER' },
    };
    const casesBefore = await count(`SELECT count(*)::int AS n FROM cases.cases`);
    const eventsBefore = await count(`SELECT count(*)::int AS n FROM audit.events WHERE action <> 'CONSULT'`);
    // The same decision, spelled with its defaults and different spacing.
    const again = await decide({
      ...input,
      sourceEvaluation: 'UNTESTED',
      handlingCode: 'P',
      newCase: { ...input.newCase, summary: `  ${input.newCase.summary}  ` },
    });
    expect(again.errors).toBeUndefined();
    const casesAfter = await count(`SELECT count(*)::int AS n FROM cases.cases`);
    const eventsAfter = await count(`SELECT count(*)::int AS n FROM audit.events WHERE action <> 'CONSULT'`);
    expect([casesAfter, eventsAfter]).toEqual([casesBefore, eventsBefore]);

    const other = await decide({ reportId: ids.child, decision: 'DISCARD', reason: 'Changed my mind' });
    expect(codes(other)).toEqual(['CONFLICT']);
    expect(other.errors![0]!.message).toMatch(/already decided \(OPEN_CASE\)/);
    expect(other.errors![0]!.extensions).toMatchObject({ reason: 'ALREADY_DECIDED' });
    const regraded = await decide({ ...input, intelligenceAssessment: 'D' });
    expect(codes(regraded)).toEqual(['CONFLICT']);
  });

  test('two different decisions racing: one wins, the other is a CONFLICT', async () => {
    const id = await file({ story: 'Racing decisions on one report: two analysts at once.', place: 'Hull' });
    const results = await Promise.all([
      decide({ reportId: id, decision: 'INTELLIGENCE_ONLY', ...graded }),
      decide({ reportId: id, decision: 'DISCARD', reason: 'Not a trafficking situation' }),
    ]);
    expect(results.map((r) => codes(r)).sort()).toEqual([[], ['CONFLICT']]);
    expect(await count(`SELECT count(*)::int AS n FROM intake.triage_decisions WHERE report_id = $1`, [id])).toBe(1);
  });

  test('LINK_CASE: to a case that reaches the analyst; a case that does not is NOT_FOUND', async () => {
    const cases = await hub.gql<{ cases: { nodes: Array<{ id: string }> } }>(ANALYST, `{ cases(first: 1) { nodes { id } } }`);
    const caseId = cases.data!.cases.nodes[0]!.id;
    const r = await decide({ reportId: ids.known, decision: 'LINK_CASE', caseId, ...graded });
    expect(r.errors).toBeUndefined();
    expect(r.data!.decideTriage.decision).toMatchObject({ decision: 'LINK_CASE', case: { id: caseId }, sourceEvaluation: 'UNTESTED' });

    // Another agency's AMBER_STRICT case does not reach the hub: as if it did not exist.
    const [strict] = await hub.db.query<{ id: string }>(`SELECT id FROM cases.cases WHERE marking = 'AMBER_STRICT' LIMIT 1`);
    const hidden = await decide({ reportId: ids.plain, decision: 'LINK_CASE', caseId: strict!.id, ...graded });
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
    const missing = await decide({ reportId: ids.plain, decision: 'LINK_CASE', caseId: '00000000-0000-4000-8000-000000000000', ...graded });
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect((await item(ids.plain!)).decision).toBeNull();
  });

  test('INTELLIGENCE_ONLY: graded, no case; a corroborated report may be graded RELIABLE and B, with the corroboration recorded', async () => {
    const r = await decide({
      reportId: ids.risk,
      decision: 'INTELLIGENCE_ONLY',
      sourceEvaluation: 'RELIABLE',
      intelligenceAssessment: 'B',
      handlingCode: 'C',
      handlingConditions: 'Not to be shared outside law enforcement',
      corroboration: 'Bedford police log of the same assault, same street and night',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.decideTriage.decision).toEqual({
      decision: 'INTELLIGENCE_ONLY',
      reason: null,
      sourceEvaluation: 'RELIABLE',
      intelligenceAssessment: 'B',
      handlingCode: 'C',
      corroboration: 'Bedford police log of the same assault, same street and night',
      case: null,
    });
  });

  test('grading: UNTESTED unless corroborated; B needs a corroboration; C needs its conditions; a discard is not graded', async () => {
    const id = await file({ story: 'A report to grade wrongly, several times over.', place: 'York' });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ decision: 'INTELLIGENCE_ONLY', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'C' }, 'input.sourceEvaluation'],
      [{ decision: 'INTELLIGENCE_ONLY', sourceEvaluation: 'NOT_RELIABLE', intelligenceAssessment: 'C' }, 'input.sourceEvaluation'],
      [{ decision: 'INTELLIGENCE_ONLY', intelligenceAssessment: 'B' }, 'input.corroboration'],
      [{ decision: 'INTELLIGENCE_ONLY' }, 'input.intelligenceAssessment'],
      [{ decision: 'INTELLIGENCE_ONLY', intelligenceAssessment: 'C', handlingCode: 'C' }, 'input.handlingConditions'],
      [{ decision: 'DISCARD' }, 'input.reason'],
      [{ decision: 'DISCARD', reason: 'spam', intelligenceAssessment: 'C' }, 'input.intelligenceAssessment'],
      [{ decision: 'LINK_CASE', intelligenceAssessment: 'C' }, 'input.caseId'],
      [{ decision: 'OPEN_CASE', intelligenceAssessment: 'C' }, 'input.newCase'],
      [{ decision: 'OPEN_CASE', intelligenceAssessment: 'C', newCase: { exploitationTypes: [] } }, 'input.newCase.exploitationTypes'],
    ];
    for (const [input, field] of cases) {
      const r = await decide({ reportId: id, ...input });
      expect({ input, codes: codes(r), field: r.errors?.[0]?.extensions?.field }).toEqual({ input, codes: ['BAD_USER_INPUT'], field });
    }
    expect((await item(id)).decision).toBeNull();
  });

  test('DISCARD: with its reason, ungraded; the text is kept under the retention class until its review', async () => {
    const r = await decide({ reportId: ids.older, decision: 'DISCARD', reason: 'No sign of exploitation: a workers’ bus' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.decideTriage.decision).toMatchObject({ decision: 'DISCARD', reason: 'No sign of exploitation: a workers’ bus', sourceEvaluation: null });
    const [row] = await hub.db.query<{ story: string; status: string }>(`SELECT story, status FROM intake.public_reports WHERE id = $1`, [ids.older]);
    expect(row).toEqual({ story: 'An older plain report: people waiting at dawn for a minibus every morning.', status: 'CLOSED' });
  });

  test('an unknown report is NOT_FOUND', async () => {
    const r = await decide({ reportId: '00000000-0000-4000-8000-000000000001', decision: 'DISCARD', reason: 'x' });
    expect(codes(r)).toEqual(['NOT_FOUND']);
  });

  test('a failure mid-decision leaves nothing: no case, no decision, no audit event, the report still in the queue', async () => {
    const id = await file({ story: 'A report whose decision fails after its case was written.', place: 'Leeds' });
    const casesBefore = await count(`SELECT count(*)::int AS n FROM cases.cases`);
    const eventsBefore = await count(`SELECT count(*)::int AS n FROM audit.events WHERE action <> 'CONSULT'`);
    // The decision's own insert fails, after the case was inserted in the same transaction.
    await hub.db.query(`CREATE FUNCTION intake.fail_triage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await hub.db.query(`CREATE TRIGGER fail_triage BEFORE INSERT ON intake.triage_decisions FOR EACH ROW EXECUTE FUNCTION intake.fail_triage()`);
    try {
      const r = await decide({
        reportId: id,
        decision: 'OPEN_CASE',
        ...graded,
        newCase: { exploitationTypes: ['SEXUAL'], summary: 'Should never exist', marking: 'AMBER' },
      });
      expect(codes(r)).toEqual(['INTERNAL_SERVER_ERROR']);
    } finally {
      await hub.db.query(`DROP TRIGGER fail_triage ON intake.triage_decisions`);
      await hub.db.query(`DROP FUNCTION intake.fail_triage()`);
    }
    const casesAfter = await count(`SELECT count(*)::int AS n FROM cases.cases`);
    const eventsAfter = await count(`SELECT count(*)::int AS n FROM audit.events WHERE action <> 'CONSULT'`);
    expect([casesAfter, eventsAfter]).toEqual([casesBefore, eventsBefore]);
    const summaries = await count(`SELECT count(*)::int AS n FROM cases.cases WHERE summary = 'Should never exist'`);
    expect(summaries).toBe(0);
    const it = await item(id);
    expect([it.decision, it.report.status]).toEqual([null, 'RECEIVED']);
    // And it can be decided once the fault is gone.
    expect((await decide({ reportId: id, decision: 'INTELLIGENCE_ONLY', ...graded })).errors).toBeUndefined();
  });

  test('a hub VIEWER reads the queue but decides nothing', async () => {
    const q = await hub.gql<{ triageQueue: { totalCount: number } }>('tessera-hub:VIEWER', QUEUE, { first: 5 });
    expect(q.errors).toBeUndefined();
    expect(q.data!.triageQueue.totalCount).toBeGreaterThan(0);
    const r = await decide({ reportId: ids.plain, decision: 'DISCARD', reason: 'x' }, 'tessera-hub:VIEWER');
    expect(codes(r)).toEqual(['FORBIDDEN']);
  });
});

describe('retention of a triaged report', () => {
  const SUPERVISOR = 'tessera-hub:SUPERVISOR';
  const DUE = `query($before: String) { recordsDueForReview(subjectType: PublicReport, before: $before, first: 1000) {
    totalCount nodes { subjectType id reviewDue retentionClass reviewPeriodYears } } }`;
  const REVIEW = `mutation($id: ID!, $decision: RetentionDecision!, $reason: String) {
    reviewRecord(subjectType: PublicReport, id: $id, decision: $decision, reason: $reason) { subjectType recordId decision nextReviewDue erasedRecordCount } }`;
  type Due = {
    recordsDueForReview: { totalCount: number; nodes: Array<{ id: string; reviewDue: string; retentionClass: string; reviewPeriodYears: number }> };
  };
  const inYears = (n: number) => {
    const d = new Date();
    d.setUTCFullYear(d.getUTCFullYear() + n);
    return d.toISOString().slice(0, 10);
  };

  test('a decided report is due for review under PUBLIC_REPORT by the agency that decided it; an undecided one is not listed', async () => {
    const r = await hub.gql<Due>(SUPERVISOR, DUE, { before: inYears(3) });
    expect(r.errors).toBeUndefined();
    const byId = Object.fromEntries(r.data!.recordsDueForReview.nodes.map((n) => [n.id, n]));
    expect(byId[ids.child!]).toEqual({
      subjectType: 'PublicReport',
      id: ids.child,
      reviewDue: inYears(2),
      retentionClass: 'PUBLIC_REPORT',
      reviewPeriodYears: 2,
    });
    expect(byId[ids.older!]).toBeDefined();
    expect(byId[ids.plain!]).toBeUndefined();
    // Not due today.
    const today = await hub.gql<Due>(SUPERVISOR, DUE, {});
    expect(today.data!.recordsDueForReview.nodes.map((n) => n.id)).not.toContain(ids.child);
    // Another agency's supervisor lists none of them.
    const police = await hub.gql<Due>('met-police:SUPERVISOR', DUE, { before: inYears(3) });
    expect(police.data!.recordsDueForReview.totalCount).toBe(0);
  });

  test('KEEP sets the next review one PUBLIC_REPORT period from today; only a supervisor reviews, only a decided report', async () => {
    await hub.db.query(`UPDATE intake.public_reports SET review_due = current_date - 1 WHERE id = $1`, [ids.risk]);
    const contributor = await hub.gql(ANALYST, REVIEW, { id: ids.risk, decision: 'KEEP', reason: 'Still relevant' });
    expect(codes(contributor)).toEqual(['FORBIDDEN']);
    const undecided = await hub.gql(SUPERVISOR, REVIEW, { id: ids.plain, decision: 'KEEP', reason: 'x' });
    expect(codes(undecided)).toEqual(['NOT_FOUND']);
    const police = await hub.gql('met-police:SUPERVISOR', REVIEW, { id: ids.risk, decision: 'ERASE' });
    expect(codes(police)).toEqual(['NOT_FOUND']);
    const r = await hub.gql<{ reviewRecord: Record<string, unknown> }>(SUPERVISOR, REVIEW, {
      id: ids.risk,
      decision: 'KEEP',
      reason: 'Corroborated, still relevant',
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.reviewRecord).toEqual({
      subjectType: 'PublicReport',
      recordId: ids.risk,
      decision: 'KEEP',
      nextReviewDue: inYears(2),
      erasedRecordCount: 0,
    });
    expect((await item(ids.risk!)).reviewDue).toBe(inYears(2));
  });

  test('ERASE deletes the report, its text and its decision, with its audit event; the case it opened keeps its own retention', async () => {
    const caseId = ((await item(ids.child!)).decision!.case as { id: string }).id;
    const r = await hub.gql<{ reviewRecord: Record<string, unknown> }>(SUPERVISOR, REVIEW, { id: ids.child, decision: 'ERASE' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.reviewRecord).toMatchObject({ decision: 'ERASE', erasedRecordCount: 1, nextReviewDue: null });
    expect(await count(`SELECT count(*)::int AS n FROM intake.public_reports WHERE id = $1`, [ids.child])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM intake.triage_decisions WHERE report_id = $1`, [ids.child])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM cases.cases WHERE id = $1`, [caseId])).toBe(1);
    expect(
      await count(`SELECT count(*)::int AS n FROM audit.events WHERE action = 'ERASE' AND subject_type = 'PublicReport' AND subject_id = $1`, [ids.child]),
    ).toBe(1);
    expect(codes(await hub.gql(ANALYST, ITEM, { id: ids.child }))).toEqual(['NOT_FOUND']);
  });
});
