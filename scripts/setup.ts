import { loadConfig } from '../services/kernel/config';
import { prepareDatabase } from '../services/setup';

/** `npm run db:setup`: migrations, demo data and keys against DATABASE_URL (docker-compose runs it once). */
async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  await prepareDatabase(config.databaseUrl, config);
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
