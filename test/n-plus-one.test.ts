import { DEFAULT_LIMITS } from '../gateway/limits';
import { startTestHub, type TestHub } from './support/hub';

/**
 * DataLoaders and joins keep the number of SQL statements per request independent of how many
 * records a list returns: the same nested query over 4 cases and over 34 costs the same.
 */
describe('no N+1 on lists', () => {
  let hub: TestHub;
  beforeAll(async () => {
    // A deliberately wide analyst query: the cost limit is raised so it reaches the subgraphs.
    hub = await startTestHub('in-process', { limits: { ...DEFAULT_LIMITS, maxCost: 10_000_000 } });
  });
  afterAll(() => hub.stop());

  const QUERY = `{
    cases(first: 200) {
      totalCount
      nodes {
        reference ownerAgency { name }
        persons { pseudonym fullName }
        events { type location { name countryCode } }
        entities { kind value observations { sourceType } }
        narratives { language }
      }
    }
  }`;

  async function statementsFor(): Promise<{ statements: number; cases: number }> {
    const before = hub.probe.statements;
    const auditBefore = hub.probe.auditStatements;
    const r = await hub.gql<{ cases: { totalCount: number } }>('met-police', QUERY, undefined, { purpose: 'Case review' });
    expect(r.errors?.filter((e) => e.extensions?.code !== 'FORBIDDEN_FIELD') ?? []).toEqual([]);
    // The consultation audit appends a fixed number of statements per subgraph, whatever the width.
    return { statements: hub.probe.statements - before - (hub.probe.auditStatements - auditBefore), cases: r.data!.cases.totalCount };
  }

  test('statements per request do not grow with the list', async () => {
    await statementsFor(); // warm-up: the gateway caches the issuer and user lookups of the first request
    const small = await statementsFor();
    const location = hub.demo.locations.london;
    for (let i = 0; i < 30; i++) {
      const r = await hub.gql('met-police', `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
        input: {
          handling: { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' },
          reference: `MPS-N1-${i}`,
          exploitationTypes: ['SEXUAL'],
          persons: [
            { role: 'VICTIM', pseudonym: 'V1' },
            { role: 'SUSPECT', pseudonym: 'S1', fullName: `Suspect ${i}` },
          ],
          events: [{ type: 'EXPLOITATION', occurredOn: '2026-01-01', locationId: location }],
        },
      });
      expect(r.errors).toBeUndefined();
    }
    const large = await statementsFor();
    expect(large.cases).toBe(small.cases + 30);
    expect(large.statements).toBe(small.statements);
    // One statement per (type, depth) level at most: cases, persons, events, entities, observations, narratives, + locations and agencies.
    expect(large.statements).toBeLessThanOrEqual(10);
  });
});
