/**
 * What the routes subgraph offers the other subgraphs: the only module of services/routes/ they may
 * import (eslint.config.mjs). Route aggregates and hotspots leave it only as the caller reads them.
 */
export { type MapCounts, type MapHotspot, type MapPlace, type MapRoute, routeMapData } from './map-data';
export { getLocation } from './route.service';
