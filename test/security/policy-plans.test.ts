import { actorSettingsSql } from '../../services/kernel/db';
import { actorFor, fixtureMidlandsSuspectHoldsReportedAccount, SECRET } from '../leaks/support';
import { startTestHub, type TestHub } from '../support/hub';
import { statementsWithParameters } from '../support/probe';

jest.setTimeout(60_000);

/**
 * How Postgres plans a read rule on a derived fact. A bank reads a suspect only where the suspect
 * holds an account the bank reported (`linkedToOwnReport`, an EXISTS over links and the bank's
 * report statements). Written as the rule's condition itself, the EXISTS is a join the planner may
 * drive from either side: a page walks persons newest first and stops at its last row. Wrapped
 * (`IS TRUE`), it stays a subquery, which the planner may build over every account the bank ever
 * reported before the first row (9 s at `large`, docs/benchmarks.md).
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
  await fixtureMidlandsSuspectHoldsReportedAccount(hub);
});
afterAll(() => hub.stop());

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };

test("a bank's list of suspects joins the accounts it reported, rather than probing each person", async () => {
  const sent = await statementsWithParameters(hub.appDb, async () => {
    const r = await hub.gql<{ persons: { nodes: Array<{ fullName: string }> } }>('albion-bank', `{ persons(first: 20) { nodes { id fullName } } }`);
    expect(r.errors).toBeUndefined();
    expect(r.data!.persons.nodes.map((p) => p.fullName)).toEqual([SECRET.midlands.s1Name]);
  });
  const list = sent.filter((s) => /\bFROM cases\.persons p\b/.test(s.text) && /\bLIMIT \$\d+/.test(s.text));
  expect(list).toHaveLength(1);
  const plan = await hub.appDb.transaction(async (tx) => {
    await tx.query(actorSettingsSql(actorFor('albion-bank')));
    const [row] = await tx.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${list[0]!.text}`, [...list[0]!.parameters]);
    return row!['QUERY PLAN'][0]!.Plan;
  });
  // Scans of the links table, each with whether it runs inside a subquery (a SubPlan of the plan).
  const scans: Array<{ inSubquery: boolean }> = [];
  const walk = (node: PlanNode, inSubquery: boolean) => {
    const here = inSubquery || node['Parent Relationship'] === 'SubPlan';
    if (node['Relation Name'] === 'links') scans.push({ inSubquery: here });
    for (const child of node.Plans ?? []) walk(child, here);
  };
  walk(plan, false);
  // The select list still carries the fact for each row returned (projection reads it), as a subquery.
  expect(scans).toContainEqual({ inSubquery: true });
  // The rule itself: the links are read in the statement's own joins.
  expect(scans).toContainEqual({ inSubquery: false });
});
