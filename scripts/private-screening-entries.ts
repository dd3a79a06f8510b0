import { storeMissingEntries } from '../services/entities/private-screening.service';
import { loadConfig } from '../services/kernel/config';
import { connect } from '../services/kernel/db';

/**
 * `node -r @swc-node/register scripts/private-screening-entries.ts`: evaluates and stores the private
 * screening entry of every entity that has none under the hub's current key
 * (TESSERA_PRIVATE_SCREENING_KEY or the data directory's key file), as DATABASE_URL's owner. The
 * entities subgraph does the same in the background when it starts (startEntriesBuilder); run this
 * to have every entry of a new key before the hub starts with it, as for a million entities the
 * background build takes half an hour of one core (docs/screening.md).
 */
async function main() {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required');
  const db = await connect(config.databaseUrl, 1);
  try {
    const stored = await storeMissingEntries(db, (done, of) => process.stderr.write(`\r${done} of ${of}`));
    console.log(`\n${stored} entries stored`);
  } finally {
    await db.close();
  }
}

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
