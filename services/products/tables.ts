import { declareTables } from '../kernel/tables';

/** Every table of the `products` schema (services/kernel/tables.ts says what each kind means). */
export const PRODUCTS_TABLES = declareTables('products', [
  { table: 'products.reports', rows: { kind: 'audience' }, privileges: ['SELECT', 'INSERT', 'UPDATE'] },
  { table: 'products.report_versions', rows: { kind: 'part', parent: 'products.reports', column: 'report_id' }, privileges: ['SELECT', 'INSERT'] },
  {
    table: 'products.report_visuals',
    rows: { kind: 'audience-view', parent: 'products.report_versions', column: 'version_id', agencyTypeColumn: 'agency_type' },
    privileges: ['SELECT', 'INSERT'],
  },
  // Each agency's own; the hub reads only their sums, through products.feedback_totals.
  { table: 'products.feedback', rows: { kind: 'agency', columns: ['agency_id'] }, privileges: ['SELECT', 'INSERT'] },
]);
