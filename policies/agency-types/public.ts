import type { AgencyTypePolicy } from '../rules';
import { PUBLIC_REPORT_RECEIPT_FIELDS } from '../subjects';

/**
 * The anonymous public (no agency, no account): files a report, and with its receipt code reads
 * that it arrived and adds to it. Nothing of any report, its own included, is read back.
 */
export const publicPolicy: AgencyTypePolicy = (_actor, { can }) => {
  can('create', 'PublicReport');
  can('update', 'PublicReport');
  can('read', 'PublicReportReceipt', [...PUBLIC_REPORT_RECEIPT_FIELDS]);
};
