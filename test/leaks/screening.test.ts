import { codes, startTestHub, type TestHub } from '../support/hub';
import { FI, HUB_ADMIN, HUB_ANALYST, LE, NGO } from './support';

jest.setTimeout(120_000);

/**
 * A bank's screening job is its own: its customers' identifiers, how many the hub knows, the job's
 * very existence and reference. Another bank asking by id or by reference gets NOT_FOUND, exactly as
 * for a job that does not exist, finds nothing in its list, and can neither feed nor close it (also
 * NOT_FOUND); the same reference in another bank is simply another job. Agency types that do not
 * screen (police, NGOs, the hub's analysts and administrators) are refused the question itself
 * (FORBIDDEN), which tells nothing about any job. No answer carries the job's id or an identifier.
 */
let hub: TestHub;
let jobId = '';
const REFERENCE = 'albion-leak-book-0001';
const CUSTOMER = 'leak.customer.of.albion@example.org';
const JOB = 'id reference status identifierCount knownCount';

beforeAll(async () => {
  hub = await startTestHub('in-process');
  const created = await hub.gql<{ createScreeningJob: { id: string } }>(
    'albion-bank',
    `mutation($ref: String!) { createScreeningJob(reference: $ref) { id } }`,
    { ref: REFERENCE },
  );
  jobId = created.data!.createScreeningJob.id;
  const appended = await hub.gql(
    'albion-bank',
    `mutation($id: ID!, $ids: [IdentifierInput!]!) { appendScreeningChunk(jobId: $id, chunk: 0, identifiers: $ids) { id } }`,
    {
      id: jobId,
      ids: [
        { kind: 'EMAIL', value: CUSTOMER },
        { kind: 'BANK_ACCOUNT', value: 'GB68 ALBN 6016 1331 9268 19' },
      ],
    },
  );
  expect(appended.errors).toBeUndefined();
});
afterAll(() => hub.stop());

const OTHERS = FI.filter((p) => !p.startsWith('albion-bank'));
// A frontline service (a hospital) too.
const NON_BANKS = [...LE, ...NGO, ...HUB_ANALYST, ...HUB_ADMIN, 'spitalul-iasi'];

/** The answer never names the job or its identifiers. */
function clean(r: unknown): void {
  const json = JSON.stringify(r);
  for (const secret of [jobId, CUSTOMER, 'GB68ALBN60161331926819']) expect(json).not.toContain(secret);
}

const PROBES: Array<[string, string, (id: string) => Record<string, unknown>]> = [
  ['by id', `query($id: ID!) { screeningJob(id: $id) { ${JOB} results { nodes { value known } } } }`, (id) => ({ id })],
  ['by reference', `query($ref: String!) { screeningJob(reference: $ref) { ${JOB} } }`, () => ({ ref: REFERENCE })],
  [
    'appending to it',
    `mutation($id: ID!) { appendScreeningChunk(jobId: $id, chunk: 1, identifiers: [{ kind: EMAIL, value: "x@example.com" }]) { id } }`,
    (id) => ({ id }),
  ],
  ['closing it', `mutation($id: ID!) { closeScreeningJob(jobId: $id) { id } }`, (id) => ({ id })],
];

describe.each(OTHERS)('another bank (%s)', (persona) => {
  test.each(PROBES)('%s: NOT_FOUND, as for a job that does not exist', async (_how, query, vars) => {
    const r = await hub.gql(persona, query, vars(jobId));
    expect(codes(r)).toEqual(['NOT_FOUND']);
    clean(r);
    const none = await hub.gql(persona, query, { ...vars('00000000-0000-4000-8000-000000000000'), ref: 'no-such-reference-1' });
    expect({ codes: codes(none), message: none.errors?.[0]?.message }).toEqual({ codes: codes(r), message: r.errors?.[0]?.message });
  });

  test('its list does not hold the job; the same reference makes its own job', async () => {
    const list = await hub.gql<{ screeningJobs: Array<{ id: string }> }>(persona, `{ screeningJobs(first: 100) { ${JOB} } }`);
    expect(list.errors).toBeUndefined();
    clean(list);
    const own = await hub.gql<{ createScreeningJob: { id: string; identifierCount: number } }>(
      persona,
      `mutation($ref: String!) { createScreeningJob(reference: $ref) { id identifierCount } }`,
      { ref: REFERENCE },
    );
    expect(own.errors).toBeUndefined();
    expect(own.data!.createScreeningJob.id).not.toBe(jobId);
    expect(own.data!.createScreeningJob.identifierCount).toBe(0);
  });
});

describe.each(NON_BANKS)('an agency that does not screen (%s)', (persona) => {
  test.each(PROBES)('%s: FORBIDDEN, whatever the job', async (_how, query, vars) => {
    const r = await hub.gql(persona, query, vars(jobId));
    expect(codes(r)).toEqual(['FORBIDDEN']);
    clean(r);
  });

  test('no list, no job of its own', async () => {
    expect(codes(await hub.gql(persona, `{ screeningJobs { id } }`))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql(persona, `mutation { createScreeningJob(reference: "not-a-bank-job") { id } }`))).toEqual(['FORBIDDEN']);
  });
});

test('row-level security keeps the job, its chunks and results from another bank even without the WHERE clause', async () => {
  const carpati = hub.demo.agencies['banca-carpati']!;
  const session = hub.appDb.sessionFor({
    agencyId: carpati.id,
    userId: carpati.users.CONTRIBUTOR!,
    agencyType: 'FINANCIAL_INSTITUTION',
    role: 'CONTRIBUTOR',
    groupIds: [],
  });
  try {
    const [row] = await session.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM entities.screening_jobs WHERE id = $1)::int + (SELECT count(*) FROM entities.screening_chunks WHERE job_id = $1)::int AS n`,
      [jobId],
    );
    expect(row!.n).toBe(0);
    // The owner's view of the same rows, for contrast: the statement would find them.
    const [owned] = await hub.db.query<{ n: number }>(`SELECT sum(cardinality(vals))::int AS n FROM entities.screening_chunks WHERE job_id = $1`, [jobId]);
    expect(owned!.n).toBe(2);
  } finally {
    await session.finish(false);
  }
});
