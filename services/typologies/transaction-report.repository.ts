import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import type { SubjectTable } from '../kernel/repository';

const GRANTS = 'typologies.grants';

/** Parties come with their report in one statement: a correlated json_agg in party order, account as an Entity reference. */
const PARTIES_SQL = `(SELECT coalesce(json_agg(json_build_object(
      'name', rp.name,
      'significance', rp.significance,
      'account', CASE WHEN rp.account_entity_id IS NULL THEN NULL ELSE json_build_object('__typename', 'Entity', 'id', rp.account_entity_id) END
    ) ORDER BY rp.position), '[]'::json)
    FROM typologies.report_parties rp WHERE rp.report_id = r.id)`;

export const transactionReportTable: SubjectTable = {
  subject: 'TransactionReport',
  table: 'typologies.transaction_reports',
  alias: 'r',
  grantsTable: GRANTS,
  columns: `${metaColumns('r')}, r.report_code AS "reportCode", r.reason, r.indicators, r.amount::float8 AS amount, r.currency,
    r.date_from::text AS "dateFrom", r.date_to::text AS "dateTo", ${PARTIES_SQL} AS parties`,
  attributes: (ctx, params) => metaAttributes('r', ctx.actor, params, GRANTS),
  map: (row) => withMeta('TransactionReport', row) as PolicyRecord,
};
