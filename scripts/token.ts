import { devSubject, signDevToken } from '../gateway/dev-idp';
import { isRole } from '../policies/actor';
import { DEMO_AGENCIES } from '../services/agencies/demo-data';
import { loadConfig } from '../services/kernel/config';

/**
 * `npm run token -- --agency <slug> [--role VIEWER|CONTRIBUTOR|SUPERVISOR]`: a bearer token for a
 * demo user, signed by the local development IdP. `--list` shows the demo agencies.
 */
async function main() {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes('--list')) {
    for (const a of DEMO_AGENCIES) console.log(`${a.slug.padEnd(22)} ${a.type.padEnd(22)} ${a.country}  ${a.name}`);
    return;
  }
  const slug = opt('agency');
  const agency = DEMO_AGENCIES.find((a) => a.slug === slug);
  if (!agency) {
    console.error(`Usage: npm run token -- --agency <slug> [--role ROLE]\nAgencies: ${DEMO_AGENCIES.map((a) => a.slug).join(', ')}`);
    process.exit(2);
  }
  const role = (opt('role') ?? 'CONTRIBUTOR').toUpperCase();
  if (!isRole(role)) {
    console.error('Role must be VIEWER, CONTRIBUTOR or SUPERVISOR');
    process.exit(2);
  }
  const config = loadConfig();
  console.log(await signDevToken(config.dataDir, agency.slug, devSubject(agency.slug, role), { audience: config.audience }));
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
