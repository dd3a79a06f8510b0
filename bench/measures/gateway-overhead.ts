import { postGraphQL } from '../graphql';
import { runLoad, sideBySide, summary } from '../load';
import { type Measure, ms, shareableCaseIds } from './common';

/**
 * A police analyst opening a case (one subgraph: cases) through the gateway, in-process mode, vs
 * the same query sent straight to the cases subgraph on its own HTTP port with a valid
 * gateway-signed actor token. The difference is the gateway: IdP token verification, query
 * limits and planning, actor-token signing and verification, result merging.
 *
 * The query reads no personal field, so no audit CONSULT is written (that write is the same on
 * both sides and would hide the gateway); the same query with the persons' names is given as a
 * note, for the price of the audit trail.
 */
export const PERSONA = 'met-police';
const caseQuery = (personal: boolean) => `query OpenCase($id: ID!) {
  case(id: $id) {
    id reference status summary nrmStage marking exploitationTypes periodStart
    persons { pseudonym role ageBand${personal ? ' fullName' : ''} }
    events { type occurredOn description }
  }
}`;
export const CASE_QUERY = caseQuery(false);
/**
 * Victims' names on another force's case are FORBIDDEN_FIELD for the Met, and on its own cases
 * PURPOSE_REQUIRED (no purpose is stated): expected, not failures. Suspects' names are released.
 */
export const ALLOWED = ['FORBIDDEN_FIELD', 'PURPOSE_REQUIRED'];

export const gatewayOverhead: Measure = {
  id: 'gateway-overhead',
  describe: 'persona query req/s through the gateway (in-process) / straight to the subgraph',
  async run({ stack, budget }) {
    const ids = await shareableCaseIds(stack, 64);
    const gatewayAuth = await stack.authorization(PERSONA);
    const direct = await stack.directSubgraph('cases');
    const [viaGateway, straight] = await sideBySide(
      {
        concurrency: budget.concurrency,
        send: (i) => postGraphQL(stack.hub.url, gatewayAuth, CASE_QUERY, { id: ids[i % ids.length] }, ALLOWED),
      },
      {
        concurrency: budget.concurrency,
        send: async (i) => {
          const variables = { id: ids[i % ids.length] };
          return postGraphQL(direct, await stack.actorAuthorization(PERSONA, 'cases', { query: CASE_QUERY, variables }), CASE_QUERY, variables, ALLOWED);
        },
      },
      budget,
    );
    const g = summary(viaGateway);
    const d = summary(straight);
    const personalQuery = caseQuery(true);
    const personal = await runLoad((i) => postGraphQL(stack.hub.url, gatewayAuth, personalQuery, { id: ids[i % ids.length] }, ALLOWED), {
      concurrency: budget.concurrency,
      durationMs: budget.roundMs,
    });
    const ratio = viaGateway.perSecond / straight.perSecond;
    return [
      {
        id: 'gateway-overhead',
        value: viaGateway.perSecond,
        unit: 'req/s',
        baseline: straight.perSecond,
        ratio,
        target: '>= 0.5',
        pass: ratio >= 0.5,
        notes: [
          `case(id) with persons and events (no personal field) as ${PERSONA}, ${budget.concurrency} in flight; gateway p50 ${ms(g.p50)} p95 ${ms(g.p95)}, direct p50 ${ms(d.p50)} p95 ${ms(d.p95)}`,
          `the same with persons.fullName (suspects' names released: an audit CONSULT/DISCLOSE write per request) through the gateway: ${personal.perSecond.toFixed(1)} req/s, p50 ${ms(summary(personal).p50)}`,
        ],
      },
    ];
  },
};
