/**
 * What the intake subgraph offers the other subgraphs: the only module of services/intake/ they may
 * import (eslint.config.mjs). Counts of what came in per area, as record ids and days (never a
 * report's or notification's content), for aggregates that apply disclosure control.
 */
export { AREA_RADIUS_KM, type CountedArea, type CountedRecord, foldPlace, notificationsByArea, publicReportsByArea } from './area-counts';
