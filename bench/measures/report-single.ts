import { randomUUID } from 'node:crypto';
import { requestHash } from '../../services/kernel/idempotency';
import { postGraphQL } from '../graphql';
import type { Client } from 'pg';
import { alternated, summary } from '../load';
import { knownAccounts, makeReports, REPORT_MUTATION, type ReportInput } from './ingest';
import { bareApolloServer, bareFederatedServer, type Measure, ms, subgraphSchemaWith } from './common';

/**
 * A bank submitting transaction reports one at a time, each alone, each waiting for its answer:
 * `submitTransactionReport` with its idempotency key, through the gateway in-process, sequential.
 * Target: 500 reports/s. The baseline is the database's floor for the same thing: each report's
 * rows (account entities upserted, the report, an observation per account, its parties) written
 * by one SQL statement that commits on its own, one after another on a plain connection: one
 * round trip and one durable commit (WAL flush) per report, no gateway, no identity, no policy,
 * no audit, no idempotency check.
 */
const PERSONA = 'albion-bank';

/** The same rows as the service writes for one report, in one statement (so one durable commit). */
const ONE_REPORT = `WITH acc AS (
    INSERT INTO entities.entities (kind, value) SELECT DISTINCT 'BANK_ACCOUNT', v FROM unnest($1::text[]) AS v
    ON CONFLICT (kind, value) DO UPDATE SET kind = EXCLUDED.kind RETURNING id, value
  ), rep AS (
    INSERT INTO typologies.transaction_reports (id, owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code,
      report_code, reason, indicators, amount, currency, date_from, date_to, idempotency_key, request_hash)
    VALUES ($2, $3, $4, $5, '2', 'B', 'P', $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id
  ), obs AS (
    INSERT INTO entities.observations (id, owner_agency_id, contributor_user_id, marking, source_evaluation, intelligence_assessment, handling_code, entity_id, source_type, source_id)
    SELECT gen_random_uuid(), $3, $4, $5, '2', 'B', 'P', acc.id, 'TRANSACTION_REPORT', rep.id FROM acc, rep
  )
  INSERT INTO typologies.report_parties (report_id, position, name, significance, account_entity_id)
  SELECT rep.id, p.position - 1, p.name, p.significance, acc.id
  FROM rep, unnest($15::text[], $16::text[], $1::text[]) WITH ORDINALITY AS p(name, significance, account, position) JOIN acc ON acc.value = p.account`;

/** ONE_REPORT's parameters for one report, as `actor`. */
function oneReportParams(r: ReportInput, actor: { agencyId: string; userId: string }) {
  return [
    r.parties.map((p) => p.account!.value),
    randomUUID(),
    actor.agencyId,
    actor.userId,
    r.handling.marking,
    r.reportCode,
    r.reason,
    r.indicators,
    r.amount,
    r.currency,
    r.dateFrom,
    r.dateTo,
    r.idempotencyKey,
    requestHash(r),
    r.parties.map((p) => p.name),
    r.parties.map((p) => p.significance),
  ];
}

/**
 * The ceiling: a bare Apollo Server with the typologies subgraph's own schema, answering
 * submitTransactionReport with the baseline's statement on its own connection: the same mutation
 * and input coercion over HTTP, no gateway, token, policy, normalisation, idempotency or audit.
 */
function bareSubmitterSchema(sql: Client, actor: { agencyId: string; userId: string }) {
  return subgraphSchemaWith('typologies', {
    Mutation: {
      submitTransactionReport: async (_: unknown, { input }: { input: ReportInput }) => {
        const params = oneReportParams(input, actor);
        await sql.query(ONE_REPORT, params);
        return { id: params[1] };
      },
    },
  });
}

export const reportSingle: Measure = {
  id: 'report-single',
  describe: 'transaction reports/s submitted one at a time (submitTransactionReport, sequential) / the same rows, one durable SQL statement each',
  async run({ stack, budget, seed }) {
    const sql = await stack.rawClient();
    const auth = await stack.authorization(PERSONA);
    const actor = await stack.actor(PERSONA);
    const known = await knownAccounts(sql);
    // Keys of this run only (a kept data set holds earlier runs'); every request a new report.
    const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
    const supply = (side: number, name: string) => {
      let reports: ReportInput[] = [];
      let next = 0;
      let chunk = 0;
      return () => {
        if (next === reports.length) {
          reports = makeReports(2000, `${seed}:${chunk}`, known, side, `single-${run}-${name}-${chunk}`);
          chunk++;
          next = 0;
        }
        return reports[next++]!;
      };
    };
    const apiReport = supply(5, 'api');
    const sqlReport = supply(6, 'sql');
    const viaApi = () => postGraphQL(stack.hub.url, auth, REPORT_MUTATION, { input: apiReport() });
    const viaSql = () => sql.query(ONE_REPORT, oneReportParams(sqlReport(), actor));
    const bareReport = supply(7, 'bare');
    const federatedReport = supply(8, 'federated');
    const bare = await bareApolloServer({ schema: bareSubmitterSchema(await stack.rawClient(), actor) });
    const federated = await bareFederatedServer('typologies', bareSubmitterSchema(await stack.rawClient(), actor));
    const [api, floor, ceiling, federatedCeiling] = await alternated(
      [
        { concurrency: 1, send: viaApi },
        { concurrency: 1, send: viaSql },
        { concurrency: 1, send: () => postGraphQL(bare.url, auth, REPORT_MUTATION, { input: bareReport() }) },
        { concurrency: 1, send: () => postGraphQL(federated.url, auth, REPORT_MUTATION, { input: federatedReport() }) },
      ],
      budget,
    ).finally(() => Promise.all([bare.stop(), federated.stop()]));
    const a = summary(api);
    const b = summary(floor);
    return [
      {
        id: 'report-single',
        value: api.perSecond,
        unit: 'reports/s',
        baseline: floor.perSecond,
        ratio: api.perSecond / floor.perSecond,
        target: '>= 500/s',
        pass: api.perSecond >= 500,
        notes: [
          `submitTransactionReport with an idempotency key as ${PERSONA}, one at a time through the gateway in-process (${api.requests} reports), 2 parties with accounts (half known): p50 ${ms(a.p50)} p95 ${ms(a.p95)}`,
          `baseline = the same rows in one SQL statement that commits on its own, one after another (${floor.requests} reports): p50 ${ms(b.p50)} p95 ${ms(b.p95)}; synchronous_commit on both sides`,
          `ceiling = a bare Apollo Server (the typologies subgraph's schema, the baseline's statement, nothing else), one at a time: ${ceiling.perSecond.toFixed(0)} reports/s, p50 ${ms(summary(ceiling).p50)}; the API is ${(api.perSecond / ceiling.perSecond).toFixed(2)} of it`,
          `federated ceiling = the same bare subgraph behind a federation gateway on the hub's supergraph (bareFederatedServer), one at a time: ${federatedCeiling.perSecond.toFixed(0)} reports/s, p50 ${ms(summary(federatedCeiling).p50)}; the API is ${(api.perSecond / federatedCeiling.perSecond).toFixed(2)} of it`,
        ],
      },
    ];
  },
};
