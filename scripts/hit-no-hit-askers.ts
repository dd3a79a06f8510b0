import { withAuditSnapshot } from '../services/audit/database';
import { hitNoHitAskers, hitNoHitKey } from '../services/entities/hit-no-hit.service';
import { countryOf, type EntityKind, normaliseIdentifier } from '../services/kernel/identifier';

/**
 * `npm run audit:hit-no-hit-askers -- <KIND> <value> [--country XX]`: who asked hit/no-hit about an
 * identifier (agency, user, time, purpose, request, whether it was answered), from the audit trail
 * and the hub's hit/no-hit key (TESSERA_HIT_NO_HIT_KEY or the data directory's key file). The value
 * is normalised as the API does (a national phone number needs --country).
 */
async function main() {
  const args = process.argv.slice(2);
  const c = args.indexOf('--country');
  const country = c >= 0 ? args.splice(c, 2)[1] : undefined;
  const [kind, value] = args;
  if (!kind || !value) throw new Error('usage: npm run audit:hit-no-hit-askers -- <KIND> <value> [--country XX]');
  const normalised = normaliseIdentifier(kind as EntityKind, value, 'value', countryOf(country, null, 'country'));
  const askers = await withAuditSnapshot((sql) => hitNoHitAskers(sql, hitNoHitKey(), kind, normalised));
  console.log(`${kind} ${normalised}: ${askers.length} hit/no-hit request(s)`);
  for (const a of askers)
    console.log(
      [
        a.at,
        `seq ${a.seq}`,
        `agency ${a.agencyId}`,
        `user ${a.userId}`,
        a.outcome,
        `request ${a.requestId}`,
        a.purpose ? `purpose: ${a.purpose}` : 'no purpose stated',
      ].join('  '),
    );
}

void main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
