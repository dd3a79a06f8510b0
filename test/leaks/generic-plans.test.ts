import { startTestHub, type TestHub } from '../support/hub';
import { id, SECRET } from './support';

// Starting a hub and its fixtures can take longer than Jest's default 5 s.
jest.setTimeout(60_000);

/**
 * Every load by key (`visibleLoader`) runs on a generic plan, planned once per connection
 * (services/kernel/db.ts, QueryOptions.genericPlan): the plan the Met's request made is the plan the
 * West Midlands' next request on that connection runs. Row-level security and the application's
 * rule read the actor from the transaction's settings at each execution, never from the plan.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const CASE = `query Case($id: ID!) { case(id: $id) { id reference summary persons { id fullName dateOfBirth } events { id description } } }`;

test("two forces reading the Met's AMBER_STRICT case in turn on the same pooled connections: the Met sees it, West Midlands nothing of it", async () => {
  const strict = id('case:strict');
  const secrets = [SECRET.strict.reference, SECRET.strict.summary, SECRET.strict.s1Name, SECRET.strict.s1Dob, 'Source meeting'];
  // Sequential requests take the pool's most recently released connection, so these share connections and their plans.
  for (let i = 0; i < 6; i++) {
    const met = await hub.gql<{ case: { reference: string; persons: Array<{ fullName: string }> } | null }>('met-police', CASE, { id: strict });
    expect(met.errors).toBeUndefined();
    expect(met.data!.case!.reference).toBe(SECRET.strict.reference);
    expect(met.data!.case!.persons.map((p) => p.fullName)).toEqual([SECRET.strict.s1Name]);
    const wmp = await hub.gql('west-midlands-police', CASE, { id: strict });
    expect(wmp.data).toEqual({ case: null });
    for (const secret of secrets) expect(JSON.stringify(wmp)).not.toContain(secret);
  }
});
