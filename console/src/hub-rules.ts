/**
 * The hub's own rules the console applies before it sends, from the same modules the API runs:
 * identifier detection (services/narratives, libphonenumber-js with full metadata and ibantools) and
 * the financial indicators and the frontline notification indicators by group (services/kernel/taxonomy.ts). Large (the phone metadata of every country),
 * so pages load this module when they need it: `import('./hub-rules')`.
 */
export { firstIdentifier } from '../../services/narratives/api';
export { FINANCIAL_INDICATORS, NOTIFICATION_INDICATOR_GROUPS } from '../../services/kernel/taxonomy';
