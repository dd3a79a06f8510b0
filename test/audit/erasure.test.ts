import { DEMO_S1_IBAN_GB } from '../../services/entities/demo-data';
import { iban } from '../leaks/support';
import { startTestHub, type TestHub } from '../support/hub';
import { HANDLING } from './support';

/**
 * Erasure is complete: after a narrative's consent is withdrawn, or a record is erased at retention
 * review, no table of any schema still holds its text or an identifier taken only from it (an
 * entity nothing else names goes with its last observation). The audit trail keeps that the erasure
 * happened, with ids and field names only. An entity some other record still names stays.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
}, 60_000);
afterAll(() => hub.stop());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function must<T = Record<string, any>>(persona: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
  return r.data;
}

/**
 * Every text, JSON or array column of every table of every schema (read as the database owner, so
 * row-level security hides nothing), searched for each value: the places where one was found.
 */
async function findAnywhere(values: string[]): Promise<Array<{ column: string; value: string }>> {
  const columns = await hub.db.query<{ schema: string; table: string; column: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column
     FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
       AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED'))
     ORDER BY 1, 2, 3`,
  );
  expect(columns.length).toBeGreaterThan(50);
  const found: Array<{ column: string; value: string }> = [];
  for (const c of columns) {
    const name = `"${c.schema}"."${c.table}"."${c.column}"`;
    const rows = await hub.db.query<{ value: string }>(
      `SELECT v AS value FROM unnest($1::text[]) AS v WHERE EXISTS (SELECT 1 FROM "${c.schema}"."${c.table}" r WHERE strpos(lower(r."${c.column}"::text), lower(v)) > 0)`,
      [values],
    );
    found.push(...rows.map((r) => ({ column: name, value: r.value })));
  }
  return found;
}

/** The erasure's audit events hold ids and field names, nothing else that could carry a value. */
async function expectIdsAndFieldNamesOnly(subjectIds: string[]): Promise<void> {
  const events = await hub.db.query<{ action: string; subject_type: string; subject_id: string; fields: string[]; recipients: string[] }>(
    `SELECT action, subject_type, subject_id, fields, recipients::text[] AS recipients FROM audit.events WHERE subject_id = ANY($1::text[]) AND action = 'ERASE'`,
    [subjectIds],
  );
  expect(events.map((e) => e.subject_id).sort()).toEqual([...subjectIds].sort());
  for (const e of events) {
    expect(e.subject_id).toMatch(UUID);
    for (const f of e.fields) expect(f).toMatch(/^[a-z][A-Za-z]*$/);
    for (const r of e.recipients) expect(r).toMatch(UUID);
  }
}

const entityCount = async (kind: string, value: string) =>
  Number((await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM entities.entities WHERE kind = $1 AND value = $2', [kind, value]))[0]!.n);

describe('withdrawing consent', () => {
  const PHONE = '+447700900431';
  const EMAIL = 'erasure.controller@example.org';
  const SHARED_EMAIL = 'recrutare.demo@example.org'; // observed in demo cases too
  const TEXT = `Erasure test. He made her answer +44 7700 900431 and write from ${EMAIL}; the first message came from ${SHARED_EMAIL}. He kept her passport in a red folder.`;

  test('leaves neither the text nor an identifier taken only from it in any table; an identifier named elsewhere stays', async () => {
    const demoNarrative = hub.demo.ids['narrative:safe-passage-en']!;
    const [demo] = await hub.db.query<{ text: string }>('SELECT text FROM narratives.narratives WHERE id = $1', [demoNarrative]);
    const demoText = demo!.text;
    const contributed = (
      await must<{ contributeNarrative: { id: string; proposals: Array<{ id: string; kind: string; value: string | null }> } }>(
        'safe-passage',
        `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { id proposals { id kind value } } }`,
        {
          input: {
            caseId: hub.demo.ids['case:safe-passage'],
            language: 'EN',
            text: TEXT,
            consent: { lawEnforcement: true, hub: true, recordedBy: 'Erasure test' },
            handling: { ...HANDLING, marking: 'GREEN' },
            idempotencyKey: 'erasure-test-narrative-1',
          },
        },
      )
    ).contributeNarrative;
    // Every identifier is confirmed: each becomes an observation from the narrative.
    for (const p of contributed.proposals.filter((x) => x.kind === 'IDENTIFIER')) {
      await must('safe-passage', `mutation($id: ID!) { decideProposal(id: $id, decision: CONFIRM) { id } }`, { id: p.id });
    }
    expect(contributed.proposals.map((p) => p.value)).toEqual(expect.arrayContaining([PHONE, EMAIL, SHARED_EMAIL]));
    const statements = await hub.db.query<{ id: string; entityId: string }>(
      `SELECT id::text, entity_id::text AS "entityId" FROM entities.observations WHERE source_type = 'NARRATIVE' AND source_id = $1`,
      [contributed.id],
    );
    const entityIds = statements.map((r) => r.entityId);
    const observationIds = statements.map((r) => r.id);
    expect(entityIds).toHaveLength(3);
    const erasedValues = [TEXT, 'red folder', PHONE, '7700 900431', EMAIL, demoText, 'put her photos on an adult-services website'];
    expect((await findAnywhere(erasedValues)).length).toBeGreaterThan(0);

    for (const id of [contributed.id, demoNarrative]) {
      await must('safe-passage', `mutation($id: ID!) { withdrawConsent(id: $id, reason: "The survivor withdrew consent") { id } }`, { id });
    }

    expect(await findAnywhere(erasedValues)).toEqual([]);
    expect(await entityCount('PHONE', PHONE)).toBe(0);
    expect(await entityCount('EMAIL', EMAIL)).toBe(0);
    // The recruiter's email is still observed from the demo cases: the entity and those observations stay.
    expect(await entityCount('EMAIL', SHARED_EMAIL)).toBe(1);
    const [shared] = await hub.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM entities.observations o JOIN entities.entities e ON e.id = o.entity_id WHERE e.kind = 'EMAIL' AND e.value = $1`,
      [SHARED_EMAIL],
    );
    expect(Number(shared!.n)).toBeGreaterThan(0);

    // The audit trail says what went, by id and field name: the narratives, the observations, the two entities.
    const [sharedEntity] = await hub.db.query<{ id: string }>(`SELECT id::text FROM entities.entities WHERE kind = 'EMAIL' AND value = $1`, [SHARED_EMAIL]);
    const forgotten = entityIds.filter((e) => e !== sharedEntity!.id);
    expect(forgotten).toHaveLength(2);
    await expectIdsAndFieldNamesOnly([contributed.id, demoNarrative, ...forgotten, ...observationIds]);
  });
});

describe('retention ERASE', () => {
  const ACCOUNT = iban('GB', 'ALBN60779900112233');
  const PARTY = 'Erasure Test Party Name';
  const REASON = 'Erasure test: cash deposited at night, moved on within the hour';

  test('of a transaction report leaves neither its content nor an account only it named; an account another report names stays', async () => {
    const report = (
      await must<{ submitTransactionReport: { id: string } }>(
        'albion-bank',
        `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`,
        {
          input: {
            handling: HANDLING,
            reportCode: 'STR',
            reason: REASON,
            idempotencyKey: 'erasure-test-report-1',
            parties: [
              { name: PARTY, significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: ACCOUNT } },
              { name: 'Erasure Test Counterparty', significance: 'COUNTERPARTY', account: { kind: 'BANK_ACCOUNT', value: DEMO_S1_IBAN_GB } },
            ],
          },
        },
      )
    ).submitTransactionReport;
    const erasedValues = [ACCOUNT, PARTY, 'Erasure Test Counterparty', REASON, 'erasure-test-report-1'];
    expect((await findAnywhere(erasedValues)).length).toBeGreaterThan(0);
    const [accountEntity] = await hub.db.query<{ id: string }>(`SELECT id::text FROM entities.entities WHERE kind = 'BANK_ACCOUNT' AND value = $1`, [ACCOUNT]);
    const observationIds = (
      await hub.db.query<{ id: string }>(`SELECT id::text FROM entities.observations WHERE source_type = 'TRANSACTION_REPORT' AND source_id = $1`, [report.id])
    ).map((r) => r.id);
    expect(observationIds).toHaveLength(2);

    await must(
      'albion-bank:SUPERVISOR',
      `mutation($id: ID!) { reviewRecord(subjectType: TransactionReport, id: $id, decision: ERASE, reason: "Customer exited; five years passed") { id erasedRecordCount } }`,
      { id: report.id },
    );

    expect(await findAnywhere(erasedValues)).toEqual([]);
    expect(await entityCount('BANK_ACCOUNT', ACCOUNT)).toBe(0);
    // The demo report still names the other account: its entity and observation stay.
    expect(await entityCount('BANK_ACCOUNT', DEMO_S1_IBAN_GB)).toBe(1);
    const [demoObs] = await hub.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM entities.observations WHERE source_type = 'TRANSACTION_REPORT' AND source_id = $1`,
      [hub.demo.ids['report:popescu-str']],
    );
    expect(Number(demoObs!.n)).toBeGreaterThan(0);
    await expectIdsAndFieldNamesOnly([report.id, ...observationIds, accountEntity!.id]);
  });
});
