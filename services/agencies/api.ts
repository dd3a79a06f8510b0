/**
 * What the agencies subgraph offers the gateway and the other subgraphs: the only module of
 * services/agencies/ they may import (eslint.config.mjs). The gateway authenticates callers with
 * the identity functions; nothing outside this folder names the agencies schema's tables.
 */
export { findUser, loadTrustedIssuers, onIdentityChanged, type TrustedIssuerRecord, USER_CACHE_TTL_MS, type UserRecord } from './identity.repository';
export { agenciesLoaded, DEMO_AGENCIES } from './demo-data';
export { visibleAgencies } from './agency.service';
export { existingSharingGroupIds } from './sharing-group.service';
export { assertIssuerUrl, DiscoveryError, discoverJwksUri } from './discovery';
export { registerDevProviderIssuers } from './demo-data';
