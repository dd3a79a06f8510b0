import { postGraphQL } from '../graphql';
import { sideBySide, summary } from '../load';
import { type Measure, ms } from './common';

/**
 * Reads that release personal fields, 32 in flight, vs the same reads without them. A police
 * analyst opens one of its own force's cases with its persons' names: every request appends its
 * CONSULT events to the audit trail's one hash chain before its response leaves. The baseline is
 * the same query without the names (nothing to record). What is compared is the price of the
 * consultation record under concurrency: how far the one chain serialises the hub.
 */
const PERSONA = 'met-police';
/** Stated on both sides: its victims' names are released only for a purpose. */
const PURPOSE = 'Benchmark: case review';
const caseQuery = (personal: boolean) => `query OpenCase($id: ID!) {
  case(id: $id) {
    id reference status summary nrmStage marking exploitationTypes periodStart
    persons { pseudonym role ageBand${personal ? ' fullName' : ''} }
    events { type occurredOn description }
  }
}`;

export const auditConcurrency: Measure = {
  id: 'audit-concurrency',
  describe: 'req/s of reads releasing personal fields (one consultation record each) / the same reads without them, 32 in flight',
  async run({ stack, budget }) {
    // The persona's own cases whose persons have names: every request releases them.
    const { rows } = await stack.owner.query<{ id: string }>(
      `SELECT c.id FROM cases.cases c JOIN agencies.agencies a ON a.id = c.owner_agency_id
        WHERE c.reference LIKE 'BENCH-%' AND a.slug = $1 AND EXISTS (SELECT 1 FROM cases.persons p WHERE p.case_id = c.id AND p.full_name IS NOT NULL)
        ORDER BY c.id LIMIT 64`,
      [PERSONA],
    );
    if (rows.length === 0) throw new Error(`No generated case of ${PERSONA} with named persons`);
    const ids = rows.map((r) => r.id);
    const auth = await stack.authorization(PERSONA);
    const personal = caseQuery(true);
    const plain = caseQuery(false);
    const [withNames, without] = await sideBySide(
      { concurrency: budget.concurrency, send: (i) => postGraphQL(stack.hub.url, auth, personal, { id: ids[i % ids.length] }, [], PURPOSE) },
      { concurrency: budget.concurrency, send: (i) => postGraphQL(stack.hub.url, auth, plain, { id: ids[i % ids.length] }, [], PURPOSE) },
      // The same time a side, in five times as many turns: the two sides differ by a tenth, less than the
      // machine drifts over a 2.5-second round (0.77 to 1.01 in eight runs of one build; 0.85 to 0.94 so).
      { ...budget, rounds: budget.rounds * 5, roundMs: budget.roundMs / 5 },
    );
    const a = summary(withNames);
    const b = summary(without);
    const ratio = withNames.perSecond / without.perSecond;
    return [
      {
        id: 'audit-concurrency',
        value: withNames.perSecond,
        unit: 'req/s',
        baseline: without.perSecond,
        ratio,
        target: '>= 0.9',
        pass: ratio >= 0.9,
        notes: [
          `case(id) with persons.fullName as ${PERSONA} on its own cases (${ids.length} cases), ${budget.concurrency} in flight; with names p50 ${ms(a.p50)} p95 ${ms(a.p95)}, without p50 ${ms(b.p50)} p95 ${ms(b.p95)}`,
        ],
      },
    ];
  },
};
