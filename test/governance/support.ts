import type { GraphQLResult, TestHub } from '../support/hub';
import { codes } from '../support/hub';

/** Small helpers shared by the governance tests. */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The result's data, failing the test with the whole response when it carries any error. */
export function ok<T>(r: GraphQLResult<T>): T {
  if (r.errors?.length || !r.data) throw new Error(`Unexpected errors: ${JSON.stringify(r)}`);
  return r.data;
}

/** Exactly one error with this code, and (for a refused mutation) no data at its root. */
export function refused(r: GraphQLResult<unknown>, code: string, field?: string): void {
  expect(codes(r)).toEqual([code]);
  if (field !== undefined) expect(r.errors?.[0]?.extensions?.field).toBe(field);
}

export const PERSON_NAME = `query($id: ID!) { person(id: $id) { id pseudonym fullName } }`;
export const CASE_SUMMARY = `query($id: ID!) { case(id: $id) { id summary } }`;

/** What a persona reads of a person's fullName: the name, 'FORBIDDEN_FIELD', or 'NOT_FOUND'. */
export async function fullNameAs(hub: TestHub, persona: string, personId: string): Promise<string> {
  const r = await hub.gql<{ person: { fullName: string | null } | null }>(persona, PERSON_NAME, { id: personId }, { purpose: 'Checking what a grant opens' });
  if (codes(r).includes('NOT_FOUND')) return 'NOT_FOUND';
  if (codes(r).length) {
    expect(codes(r)).toEqual(['FORBIDDEN_FIELD']);
    expect(r.errors![0]!.path).toEqual(['person', 'fullName']);
    expect(r.data?.person?.fullName).toBeNull();
    return 'FORBIDDEN_FIELD';
  }
  return r.data!.person!.fullName!;
}

/** What a persona reads of a case's summary: the summary, or 'NOT_FOUND'. */
export async function caseSummaryAs(hub: TestHub, persona: string, caseId: string): Promise<string> {
  const r = await hub.gql<{ case: { summary: string | null } | null }>(persona, CASE_SUMMARY, { id: caseId });
  if (codes(r).includes('NOT_FOUND')) {
    expect(r.data?.case ?? null).toBeNull();
    return 'NOT_FOUND';
  }
  return ok(r).case!.summary!;
}

/** Starting (and stopping) a hub over a fresh database copy can take longer than Jest's default 5 s. */
export const HUB_START_MS = 120_000;

/** Whether a case reaches a persona at all (any agency type may read its id): 'REACHED' or 'NOT_FOUND'. */
export async function caseReachAs(hub: TestHub, persona: string, caseId: string): Promise<string> {
  const r = await hub.gql<{ case: { id: string } | null }>(persona, `query($id: ID!) { case(id: $id) { id } }`, { id: caseId });
  if (codes(r).includes('NOT_FOUND')) return 'NOT_FOUND';
  return ok(r).case!.id === caseId ? 'REACHED' : 'WRONG';
}
