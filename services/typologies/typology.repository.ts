import type { PolicyRecord } from '../../policies/subjects';
import { metaAttributes, metaColumns, withMeta } from '../kernel/marked-record';
import type { SubjectTable } from '../kernel/repository';

const GRANTS = 'typologies.grants';

export const typologyTable: SubjectTable = {
  subject: 'Typology',
  table: 'typologies.typologies',
  alias: 't',
  grantsTable: GRANTS,
  columns: `${metaColumns('t')}, t.title, t.pattern, t.indicators, t.channels, t.amount_bands AS "amountBands", t.geography,
    t.period_start::text AS "periodStart", t.period_end::text AS "periodEnd"`,
  attributes: (ctx, params) => metaAttributes('t', ctx.actor, params, GRANTS),
  map: (row) => withMeta('Typology', row) as PolicyRecord,
};
