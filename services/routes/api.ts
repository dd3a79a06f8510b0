/**
 * What the routes subgraph offers the other subgraphs: the only module of services/routes/ they may
 * import (eslint.config.mjs). Its disclosure control is the hub's one way of releasing counts to
 * agency types without exact counts (docs/disclosure-control.md): other aggregates use these
 * functions rather than a copy.
 */
export { cellKeyOf, disclosurePolicy, type DisclosurePolicy, perturbed, personRecord, quarterEnd, quarterOf, quarterStart, recordKey } from './disclosure';
