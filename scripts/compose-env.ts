import { randomBytes } from 'node:crypto';
import { generateGatewayJwks } from '../services/kernel/actor-token';

/**
 * `npm run -s compose-env > .env`: the secrets docker-compose.yml reads from `.env`: a new key pair
 * for the gateway's actor tokens (the gateway gets both halves, every other container only the
 * public one) and the bearer token Prometheus scrapes the gateway's metrics with.
 */
async function main() {
  const { privateJwk, publicJwk } = await generateGatewayJwks();
  console.log(`TESSERA_GATEWAY_PRIVATE_JWK='${JSON.stringify(privateJwk)}'`);
  console.log(`TESSERA_GATEWAY_PUBLIC_JWK='${JSON.stringify(publicJwk)}'`);
  console.log(`TESSERA_METRICS_TOKEN='${randomBytes(32).toString('base64url')}'`);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
