import { SUBGRAPHS } from '../../services/registry';
import { postGraphQL } from '../graphql';
import { sideBySide, summary } from '../load';
import { type Measure, ms, shareableCaseIds } from './common';
import { ALLOWED, PERSONA } from './gateway-overhead';

/**
 * The same cross-subgraph query (cases + agencies + routes + entities) against the default hub,
 * every subgraph inside the gateway's process, and against a gateway calling one real process per
 * subgraph over HTTP (`node -r @swc-node/register scripts/subgraph.ts <name>`, as
 * `TESSERA_RUN_MODE=multi-process npm start` does). In both, the gateway and the load generator
 * share this process. No personal field is read (no audit write; see gateway-overhead).
 */
const QUERY = `query CaseOverview($id: ID!) {
  case(id: $id) {
    id reference status marking ownerAgency { name }
    persons { pseudonym role }
    events { type occurredOn location { name countryCode } }
    entities { kind maskedValue }
  }
}`;

export const runModes: Measure = {
  id: 'run-modes',
  describe: 'cross-subgraph query req/s, subgraphs in-process / one process per subgraph',
  async run({ stack, budget, log }) {
    const ids = await shareableCaseIds(stack, 64);
    const auth = await stack.authorization(PERSONA);
    log('  starting one process per subgraph (scripts/subgraph.ts)...');
    const multi = await stack.multiProcessHub();
    const send = (url: string) => (i: number) => postGraphQL(url, auth, QUERY, { id: ids[i % ids.length] }, ALLOWED);
    const [inProcess, multiProcess] = await sideBySide(
      { concurrency: budget.concurrency, send: send(stack.hub.url) },
      { concurrency: budget.concurrency, send: send(multi) },
      budget,
    );
    const a = summary(inProcess);
    const b = summary(multiProcess);
    const ratio = inProcess.perSecond / multiProcess.perSecond;
    return [
      {
        id: 'run-modes',
        value: inProcess.perSecond,
        unit: 'req/s',
        baseline: multiProcess.perSecond,
        ratio,
        target: '> 1',
        pass: ratio > 1,
        notes: [
          `case(id) touching cases, agencies, routes, entities as ${PERSONA}, ${budget.concurrency} in flight; baseline = ${SUBGRAPHS.length} real subgraph processes over HTTP`,
          `in-process p50 ${ms(a.p50)} p95 ${ms(a.p95)}; multi-process p50 ${ms(b.p50)} p95 ${ms(b.p95)}`,
        ],
      },
    ];
  },
};
