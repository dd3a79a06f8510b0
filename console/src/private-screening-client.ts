/**
 * The bank's private screening client (services/entities/private-screening.client.ts), run as it is
 * in the browser: the VOPRF (@cloudflare/voprf-ts with @noble/curves) and the hub's identifier
 * normaliser. Large, so the private screening page loads this module when it is opened:
 * `import('./private-screening-client')`.
 */
export { privateScreen, HubUnreachable, KeyChanged, type PrivateAnswer, type HubCall } from '../../services/entities/private-screening.client';
