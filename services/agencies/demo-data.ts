import { devIssuerUrl, devProviderIssuer, devProviderJwksUri, devPublicJwks, devSubject } from '../../gateway/dev-idp';
import { type AgencyType, ROLES } from '../../policies/actor';
import type { Sql } from '../kernel/db';
import type { DemoRegistry } from '../kernel/subgraph';

/** The demo agencies of the Romania → UK scenario. All invented. */
export const DEMO_AGENCIES: Array<{ slug: string; name: string; type: AgencyType; country: string }> = [
  { slug: 'met-police', name: 'Metropolitan Police Service (demo)', type: 'LAW_ENFORCEMENT', country: 'GB' },
  { slug: 'west-midlands-police', name: 'West Midlands Police (demo)', type: 'LAW_ENFORCEMENT', country: 'GB' },
  { slug: 'politia-romana', name: 'Poliția Română — DCCO (demo)', type: 'LAW_ENFORCEMENT', country: 'RO' },
  { slug: 'albion-bank', name: 'Albion Bank plc (fictional)', type: 'FINANCIAL_INSTITUTION', country: 'GB' },
  { slug: 'banca-carpati', name: 'Banca Carpați (fictional)', type: 'FINANCIAL_INSTITUTION', country: 'RO' },
  { slug: 'safe-passage', name: 'Safe Passage UK (fictional NGO)', type: 'NGO', country: 'GB' },
  { slug: 'lumina-ro', name: 'Asociația Lumina (fictional NGO)', type: 'NGO', country: 'RO' },
  { slug: 'spitalul-iasi', name: 'Spitalul Județean Iași — serviciul social (fictional)', type: 'FRONTLINE', country: 'RO' },
  { slug: 'leicester-schools', name: 'Leicester Schools Safeguarding Team (fictional)', type: 'FRONTLINE', country: 'GB' },
  { slug: 'tessera-hub', name: 'Tessera Hub analysts', type: 'HUB_ANALYST', country: 'GB' },
  { slug: 'tessera-admin', name: 'Tessera Hub administration', type: 'HUB_ADMIN', country: 'GB' },
];

export const DEMO_GROUPS = [{ slug: 'midlands-partnership', name: 'Midlands partnership', members: ['west-midlands-police', 'safe-passage', 'albion-bank'] }];

/** Points each demo agency's trusted issuer at this machine's development IdP keys. */
export async function syncDevIssuers(db: Sql, dataDir: string, audience: string): Promise<void> {
  for (const a of DEMO_AGENCIES) {
    const jwks = await devPublicJwks(dataDir, a.slug);
    await db.query(
      `INSERT INTO agencies.trusted_issuers (agency_id, issuer, audience, algorithms, jwks)
         SELECT id, $2, $3, ARRAY['ES256'], $4::jsonb FROM agencies.agencies WHERE slug = $1
       ON CONFLICT (issuer) DO UPDATE SET jwks = EXCLUDED.jwks, audience = EXCLUDED.audience, updated_at = now()`,
      [a.slug, devIssuerUrl(a.slug), audience, JSON.stringify(jwks)],
    );
  }
}

/**
 * Registers each demo agency's development OpenID Provider (served by the hub at `publicUrl`) as a
 * trusted issuer by URL: the gateway reads its keys from its jwks_uri and follows its rotations.
 */
export async function registerDevProviderIssuers(db: Sql, publicUrl: string, audience: string): Promise<void> {
  for (const a of DEMO_AGENCIES) {
    await db.query(
      `INSERT INTO agencies.trusted_issuers (agency_id, issuer, audience, algorithms, jwks, jwks_uri)
         SELECT id, $2, $3, ARRAY['ES256'], NULL, $4 FROM agencies.agencies WHERE slug = $1
       ON CONFLICT (issuer) DO UPDATE SET jwks = NULL, jwks_uri = EXCLUDED.jwks_uri, audience = EXCLUDED.audience, updated_at = now()`,
      [a.slug, devProviderIssuer(publicUrl, a.slug), audience, devProviderJwksUri(publicUrl, a.slug)],
    );
  }
}

/** Agencies with a VIEWER, CONTRIBUTOR and SUPERVISOR user each, and the sharing groups. */
/** Whether any agency is registered: the reference scenario is loaded once, into an empty hub. */
export async function agenciesLoaded(db: Sql): Promise<boolean> {
  const [row] = await db.query<{ loaded: boolean }>('SELECT EXISTS (SELECT 1 FROM agencies.agencies) AS loaded');
  return row!.loaded;
}

export async function seedAgenciesDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  for (const a of DEMO_AGENCIES) {
    const [row] = await db.query<{ id: string }>('INSERT INTO agencies.agencies (slug, name, type, country) VALUES ($1, $2, $3, $4) RETURNING id', [
      a.slug,
      a.name,
      a.type,
      a.country,
    ]);
    const users: Record<string, string> = {};
    for (const role of ROLES) {
      const [u] = await db.query<{ id: string }>('INSERT INTO agencies.users (agency_id, subject, display_name, role) VALUES ($1, $2, $3, $4) RETURNING id', [
        row!.id,
        devSubject(a.slug, role),
        `${a.name.split(' (')[0]} ${role.toLowerCase()}`,
        role,
      ]);
      users[role] = u!.id;
    }
    demo.agencies[a.slug] = { id: row!.id, type: a.type, users };
  }
  for (const g of DEMO_GROUPS) {
    const [row] = await db.query<{ id: string }>('INSERT INTO agencies.sharing_groups (slug, name) VALUES ($1, $2) RETURNING id', [g.slug, g.name]);
    demo.groups[g.slug] = row!.id;
    for (const m of g.members) {
      await db.query('INSERT INTO agencies.sharing_group_members (group_id, agency_id) VALUES ($1, $2)', [row!.id, demo.agencies[m]!.id]);
    }
  }
}
