import { solveChallenge } from '../../services/intake/challenge';
import { type GraphQLResult, postGraphQL, type TestHub } from './hub';

/** A request as the anonymous public sends it: no Authorization header; extra headers as a phone might add them. */
export function asPublic<T = Record<string, unknown>>(
  hub: TestHub,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<T>> {
  return postGraphQL<T>(hub.url, headers, query, variables);
}

const CHALLENGE = 'query { publicReportChallenge { challenge bits } }';

/** What the public app does before it submits: fetch a challenge and find its nonce. */
export async function solvedChallenge(hub: TestHub): Promise<{ challenge: string; nonce: string }> {
  const r = await asPublic<{ publicReportChallenge: { challenge: string; bits: number } }>(hub, CHALLENGE);
  if (!r.data?.publicReportChallenge) throw new Error(`no challenge: ${JSON.stringify(r.errors)}`);
  const { challenge, bits } = r.data.publicReportChallenge;
  return { challenge, nonce: solveChallenge(challenge, bits) };
}

export const SUBMIT = `mutation($input: SubmitPublicReportInput!) { submitPublicReport(input: $input) { receiptCode receivedOn } }`;
export const RECEIPT = `query($code: String!) { publicReportReceipt(receiptCode: $code) { receivedOn status additionCount } }`;
export const ADD = `mutation($input: AddToPublicReportInput!) { addToPublicReport(input: $input) { status additionCount } }`;

/** Submits a report (a fresh challenge solved for it); the answer as the gateway gave it. */
export async function submit(
  hub: TestHub,
  input: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResult<{ submitPublicReport: { receiptCode: string; receivedOn: string } }>> {
  return asPublic(hub, SUBMIT, { input: { language: 'en', ...input, ...(await solvedChallenge(hub)) } }, headers);
}
