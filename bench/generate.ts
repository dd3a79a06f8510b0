// The two locales only: the package's index loads every locale, 16 MB of the process's heap.
import { faker as fakerEN_GB } from '@faker-js/faker/locale/en_GB';
import { faker as fakerRO } from '@faker-js/faker/locale/ro';
import { Client } from 'pg';
import type { EntityKind } from '../services/kernel/identifier';
import type { DemoRegistry } from '../services/kernel/subgraph';
import { HANDLING_COLUMNS } from '../services/kernel/marked-record';
import { EXPLOITATION_INDICATORS, FINANCIAL_INDICATORS } from '../services/kernel/taxonomy';

/**
 * The reference scenario at size, written with set-based SQL straight into the real tables.
 *
 * Deterministic: every value is a function of (seed, tag, row index) through Postgres hashes, so the same seed
 * and scale give the same rows (ids included) on every run. Records are spread over the demo
 * agencies with valid handling columns (common to every marked table); identifiers are skewed: a few phones
 * and accounts (the "hubs", the first 0.5% of their kind) are named by many records, most by one
 * or two.
 */

export type ScaleName = 'small' | 'medium' | 'large';

export interface Scale {
  cases: number;
  entities: number;
  links: number;
  reports: number;
  /** Observations beyond the one every entity gets, skewed towards the hubs. */
  extraObservations: number;
}

export const SCALES: Record<ScaleName, Scale> = {
  small: { cases: 2_000, entities: 8_000, links: 40_000, reports: 1_500, extraObservations: 2_400 },
  medium: { cases: 10_000, entities: 100_000, links: 500_000, reports: 10_000, extraObservations: 30_000 },
  large: { cases: 100_000, entities: 1_000_000, links: 5_000_000, reports: 100_000, extraObservations: 300_000 },
};

export const PERSONS_PER_CASE = 3;
export const EVENTS_PER_CASE = 3;
/** Share of references to a kind that go to its hubs, and the share of the kind that are hubs. */
const HUB_SHARE = 0.15;
const HUB_FRACTION = 1 / 200;
const CHUNK = 200_000;

/** Entities are laid out in one contiguous index range per kind, so a pick of a kind is an offset. */
const KIND_SHARES: Array<[EntityKind, number]> = [
  ['PHONE', 0.35],
  ['BANK_ACCOUNT', 0.25],
  ['EMAIL', 0.1],
  ['ONLINE_ADVERT', 0.1],
  ['SOCIAL_PROFILE', 0.08],
  ['ADDRESS', 0.06],
  ['VEHICLE', 0.04],
  ['ORGANISATION', 0.02],
];

export interface KindRange {
  start: number;
  count: number;
}

export function kindRanges(entities: number): Record<EntityKind, KindRange> {
  const out = {} as Record<EntityKind, KindRange>;
  let start = 0;
  KIND_SHARES.forEach(([kind, share], i) => {
    const count = i === KIND_SHARES.length - 1 ? entities - start : Math.round(entities * share);
    out[kind] = { start, count };
    start += count;
  });
  return out;
}

/** Links of one shape: a person of a case, or an entity of one kind, to an entity of another. */
interface LinkShape {
  tag: string;
  kind: string;
  from: EntityKind | 'PERSON';
  to: EntityKind;
  source: 'CASE' | 'TRANSACTION_REPORT';
  share: number;
}

const LINK_SHAPES: LinkShape[] = [
  { tag: 'p-phone', kind: 'USES_PHONE', from: 'PERSON', to: 'PHONE', source: 'CASE', share: 0.4 * 0.45 },
  { tag: 'p-account', kind: 'HOLDS_ACCOUNT', from: 'PERSON', to: 'BANK_ACCOUNT', source: 'CASE', share: 0.4 * 0.3 },
  { tag: 'p-email', kind: 'USES_EMAIL', from: 'PERSON', to: 'EMAIL', source: 'CASE', share: 0.4 * 0.1 },
  { tag: 'p-address', kind: 'LIVES_AT', from: 'PERSON', to: 'ADDRESS', source: 'CASE', share: 0.4 * 0.08 },
  { tag: 'p-vehicle', kind: 'OWNS_VEHICLE', from: 'PERSON', to: 'VEHICLE', source: 'CASE', share: 0.4 * 0.04 },
  { tag: 'p-social', kind: 'ASSOCIATED_WITH', from: 'PERSON', to: 'SOCIAL_PROFILE', source: 'CASE', share: 0.4 * 0.03 },
  { tag: 'e-paid', kind: 'PAID', from: 'BANK_ACCOUNT', to: 'BANK_ACCOUNT', source: 'TRANSACTION_REPORT', share: 0.6 * 0.35 },
  { tag: 'e-advert', kind: 'ADVERTISED_AT', from: 'PHONE', to: 'ONLINE_ADVERT', source: 'CASE', share: 0.6 * 0.25 },
  { tag: 'e-social', kind: 'ASSOCIATED_WITH', from: 'PHONE', to: 'SOCIAL_PROFILE', source: 'CASE', share: 0.6 * 0.15 },
  { tag: 'e-email', kind: 'ASSOCIATED_WITH', from: 'EMAIL', to: 'PHONE', source: 'CASE', share: 0.6 * 0.1 },
  { tag: 'e-org', kind: 'CONTROLS', from: 'ORGANISATION', to: 'BANK_ACCOUNT', source: 'CASE', share: 0.6 * 0.1 },
  { tag: 'e-address', kind: 'ASSOCIATED_WITH', from: 'ADDRESS', to: 'PHONE', source: 'CASE', share: 0.6 * 0.05 },
];

/** The handling columns every marked table has, copied from a source row. */
const HANDLING = HANDLING_COLUMNS;
const handlingOf = (alias: string) => HANDLING.map((c) => `${alias}.${c}`).join(', ');

/** Cumulative thresholds over u in [0, 1). */
function choose(u: string, options: Array<[string, number]>): string {
  let acc = 0;
  const whens = options.slice(0, -1).map(([value, p]) => {
    acc += p;
    return `WHEN ${u} < ${acc.toFixed(6)} THEN ${value}`;
  });
  return `(CASE ${whens.join(' ')} ELSE ${options[options.length - 1]![0]} END)`;
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (values: string[]) => `ARRAY[${values.map(sqlText).join(', ')}]::text[]`;

/**
 * A person's full name for row `g`: a given name of their gender and a family name, drawn uniformly
 * from Faker's lists for their nationality (Romanian for RO and MD, British for GB), so a name
 * search meets what it would meet in real cases: diacritics, shared family names, names that differ
 * by a letter.
 */
function personNameSql(gender: string, nationality: string): string {
  const pick = (tag: string, names: string[]) => `(${textArray(names)})[1 + bench.ri('${tag}', g, ${names.length})]`;
  const fullName = (locale: string, person: typeof fakerRO.definitions.person) => {
    const given = person.first_name!;
    return `CASE ${gender} WHEN 'female' THEN ${pick(`person-given-${locale}`, given.female!)} ELSE ${pick(`person-given-${locale}`, given.male!)} END
      || ' ' || ${pick(`person-family-${locale}`, person.last_name!.generic!)}`;
  };
  return `(CASE ${nationality} WHEN 'GB' THEN ${fullName('gb', fakerEN_GB.definitions.person)} ELSE ${fullName('ro', fakerRO.definitions.person)} END)`;
}

/**
 * The name of the `n`th organisation, unique, in the shapes of Faker's company names ("Popa - Stan",
 * "Popa, Stan and Ionescu") over its Romanian family names: `n` is spread over every combination of
 * a shape by a multiplicative permutation (7,919 is prime to 300² and 300³), so neighbouring
 * organisations share no name.
 */
function organisationNameSql(n: string): string {
  const family = fakerRO.definitions.person.last_name!.generic!;
  const k = family.length;
  const names = textArray(family);
  const nth = (combinations: number, i: number) => `(${names})[1 + ((${n}) * 7919 % ${combinations}) / ${k ** i} % ${k}]`;
  return `(CASE WHEN (${n}) < ${k ** 2} AND bench.u('org-shape', ${n}) < 0.5
      THEN ${nth(k ** 2, 0)} || ' - ' || ${nth(k ** 2, 1)} || ' SRL'
      ELSE ${nth(k ** 3, 0)} || ', ' || ${nth(k ** 3, 1)} || ' and ' || ${nth(k ** 3, 2)} || ' Ltd' END)`;
}

/** Two distinct codes of a taxonomy for row `g`. */
function twoOf(tag: string, codes: string[]): string {
  const arr = textArray(codes);
  const first = `bench.ri('${tag}1', g, ${codes.length})`;
  return `ARRAY[(${arr})[1 + ${first}], (${arr})[1 + (${first} + 1 + bench.ri('${tag}2', g, ${codes.length - 1})) % ${codes.length}]]`;
}

/**
 * Handling of a top-level record (case, report) made from row index `g`: owner and contributor
 * from the weighted owner arrays ($3 agency ids, $4 contributor user ids), marking by weights, AMBER
 * sometimes shared with another member ($5) or the Midlands partnership ($6), RED to its
 * contributor only, grading spread, some handling code C with conditions.
 */
function markedSelect(tag: string, markings: Array<[string, number]>): { lateral: string; columns: string } {
  const lateral = `CROSS JOIN LATERAL (SELECT 1 + bench.ri('${tag}-owner', g, cardinality($3::uuid[])) AS k,
      ${choose(
        `bench.u('${tag}-marking', g)`,
        markings.map(([m, p]) => [sqlText(m), p]),
      )} AS marking,
      bench.u('${tag}-share', g) AS share, bench.u('${tag}-code', g) AS code) h`;
  const columns = [
    '($3::uuid[])[h.k]',
    '($4::uuid[])[h.k]',
    'h.marking',
    choose(`bench.u('${tag}-se', g)`, [
      ["'1'", 0.3],
      ["'2'", 0.5],
      ["'3'", 0.2],
    ]),
    choose(`bench.u('${tag}-ia', g)`, [
      ["'A'", 0.15],
      ["'B'", 0.35],
      ["'C'", 0.3],
      ["'D'", 0.15],
      ["'E'", 0.05],
    ]),
    `CASE WHEN h.code < 0.05 THEN 'C' ELSE 'P' END`,
    `CASE WHEN h.code < 0.05 THEN 'Not for onward dissemination without the owner''s consent' END`,
    `CASE WHEN h.marking = 'AMBER' AND h.share < 0.4 THEN ARRAY[($5::uuid[])[1 + bench.ri('${tag}-share-to', g, cardinality($5::uuid[]))]] ELSE '{}'::uuid[] END`,
    `CASE WHEN h.marking = 'AMBER' AND h.share >= 0.4 AND h.share < 0.6 THEN $6::uuid[] ELSE '{}'::uuid[] END`,
    `'{}'::uuid[]`,
  ].join(',\n      ');
  return { lateral, columns };
}

const CASE_MARKINGS: Array<[string, number]> = [
  ['CLEAR', 0.03],
  ['GREEN', 0.55],
  ['AMBER', 0.3],
  ['AMBER_STRICT', 0.08],
  ['RED', 0.04],
];
const REPORT_MARKINGS: Array<[string, number]> = [
  ['GREEN', 0.25],
  ['AMBER', 0.6],
  ['AMBER_STRICT', 0.1],
  ['RED', 0.05],
];

/**
 * Deterministic pseudo-random helpers, in a `bench` schema of the benchmark's own database. Each is
 * one immutable expression, so Postgres inlines it: u() is Postgres's own 64-bit hash of the row
 * index seeded by (seed, tag) (the hash partitioning uses, stable across versions), uid() an md5.
 */
function functionsDdl(seed: string): string[] {
  const s = seed.replace(/'/g, "''");
  const fn = (sig: string, returns: string, body: string) =>
    `CREATE OR REPLACE FUNCTION bench.${sig} RETURNS ${returns} LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT ${body} $f$`;
  return [
    'CREATE SCHEMA IF NOT EXISTS bench',
    // Uniform in [0, 1): 28 bits of hash(i) seeded by hash(seed:tag).
    fn('u(tag text, i bigint)', 'double precision', `(hashint8extended(i, hashtextextended('${s}:' || tag, 0)) & 268435455)::float8 / 268435456.0::float8`),
    fn('ri(tag text, i bigint, n bigint)', 'bigint', 'floor(bench.u(tag, i) * n)::bigint'),
    // A version-4 UUID from md5(seed:tag:i), so services that check UUID syntax accept it.
    fn('uid(tag text, i bigint)', 'uuid', `overlay(overlay(md5('${s}:id:' || tag || ':' || i::text) placing '4' from 13) placing '8' from 17)::uuid`),
    // Index in [0, n): with probability HUB_SHARE one of the first n*HUB_FRACTION (cubic skew towards 0), else uniform over the rest.
    fn(
      'skew(tag text, i bigint, n bigint)',
      'bigint',
      `CASE WHEN bench.u(tag || ':hub', i) < ${HUB_SHARE} THEN floor(greatest(1, floor(n * ${HUB_FRACTION})) * power(bench.u(tag, i), 3))::bigint
        ELSE greatest(1, floor(n * ${HUB_FRACTION}))::bigint + floor((n - greatest(1, floor(n * ${HUB_FRACTION}))) * bench.u(tag, i))::bigint END`,
    ),
  ];
}

/**
 * Drops the secondary indexes of `tables` (not those behind a primary key or unique constraint)
 * and returns their definitions, to be run again once the rows are in: one sorted build per index
 * instead of millions of random insertions.
 */
async function deferIndexes(client: Client, tables: string[]): Promise<string[]> {
  const { rows } = await client.query<{ schema: string; name: string; def: string }>(
    `SELECT n.nspname AS schema, i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
     WHERE x.indrelid = ANY($1::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY i.relname`,
    [tables],
  );
  for (const r of rows) await client.query(`DROP INDEX "${r.schema}"."${r.name}"`);
  return rows.map((r) => r.def);
}

export interface GenerateResult {
  seconds: number;
  rows: Record<string, number>;
}

/** Index of entity `offset` within a kind's range, as SQL. */
const entityId = (r: KindRange, pick: string) => `bench.uid('entity', ${r.start} + ${pick})`;

export async function generate(url: string, demo: DemoRegistry, scaleName: ScaleName, seed: string, log: (line: string) => void): Promise<GenerateResult> {
  const scale = SCALES[scaleName];
  const ranges = kindRanges(scale.entities);
  const persons = scale.cases * PERSONS_PER_CASE;
  const agency = (slug: string) => {
    const a = demo.agencies[slug];
    if (!a) throw new Error(`Demo agency ${slug} is missing`);
    return { id: a.id, contributor: a.users.CONTRIBUTOR! };
  };
  const weighted = (w: Array<[string, number]>) => w.flatMap(([slug, n]) => Array.from({ length: n }, () => agency(slug)));
  const caseOwners = weighted([
    ['met-police', 3],
    ['west-midlands-police', 2],
    ['politia-romana', 2],
    ['safe-passage', 1],
    ['lumina-ro', 1],
  ]);
  const reportOwners = weighted([
    ['albion-bank', 3],
    ['banca-carpati', 2],
  ]);
  const members = Object.entries(demo.agencies)
    .filter(([, a]) => a.type !== 'HUB_ADMIN')
    .map(([, a]) => a.id)
    .sort();
  const midlands = demo.groups['midlands-partnership'];
  if (!midlands) throw new Error('Demo group midlands-partnership is missing');
  const locations = (slugs: string[]) => slugs.map((s) => demo.locations[s] ?? '').filter(Boolean);
  const roLocations = locations(['constanta', 'bucuresti', 'iasi', 'brasov', 'timisoara', 'targu-jiu', 'craiova']);
  const gbLocations = locations(['london', 'luton', 'birmingham', 'leicester', 'bedford', 'sheffield', 'coventry', 'manchester']);
  if (roLocations.length < 2 || gbLocations.length < 2) throw new Error('The gazetteer lacks the RO/GB locations the generator needs');

  const client = new Client({ connectionString: url, application_name: 'tessera-bench-generate' });
  await client.connect();
  const started = Date.now();
  try {
    await client.query('SET synchronous_commit = off');
    await client.query(`SET maintenance_work_mem = '256MB'`);
    // The rows are valid by construction: skip the per-row foreign-key triggers where allowed (superuser).
    await client.query(`SET session_replication_role = replica`).catch(() => log('  (foreign-key checks stay on: not a superuser)'));
    for (const ddl of functionsDdl(seed)) await client.query(ddl);
    // Bulk load: the big tables' secondary indexes are dropped and rebuilt from their own definitions afterwards.
    const deferred = await deferIndexes(client, ['entities.observations', 'entities.links']);

    /** Runs `sql` over [0, total) in chunks: $1 and $2 are the chunk's first and last index, `params` follow from $3. */
    const chunked = async (label: string, total: number, sql: string, params: unknown[]) => {
      const t = Date.now();
      for (let lo = 0; lo < total; lo += CHUNK) {
        const hi = Math.min(total, lo + CHUNK) - 1;
        await client.query(sql, [lo, hi, ...params]);
      }
      log(`  ${label.padEnd(44)} ${String(total).padStart(10)} rows  ${((Date.now() - t) / 1000).toFixed(1)} s`);
    };
    const caseParams = [caseOwners.map((a) => a.id), caseOwners.map((a) => a.contributor), members, [midlands]];
    const reportParams = [reportOwners.map((a) => a.id), reportOwners.map((a) => a.contributor), members, [midlands]];
    const series = 'generate_series($1::bigint, $2::bigint) g';
    const base = `'2026-03-01T00:00:00Z'::timestamptz`;

    // ---- cases, persons, events ----------------------------------------------------------
    const c = markedSelect('case', CASE_MARKINGS);
    await chunked(
      'cases.cases',
      scale.cases,
      `INSERT INTO cases.cases (id, ${HANDLING.join(', ')}, reference, summary, status, exploitation_types,
         period_start, period_end, indicators, created_at, updated_at)
       SELECT bench.uid('case', g), ${c.columns},
         'BENCH-' || lpad(g::text, 7, '0'),
         'Generated case ' || g || ': recruited through ' || ${choose(`bench.u('case-how', g)`, [
           ["'social media'", 0.4],
           ["'a false relationship'", 0.4],
           ["'a job offer'", 0.2],
         ])}
           || ', moved to the UK, advertised online; earnings taken to repay a travel debt.',
         st.status,
         ${choose(`bench.u('case-xt', g)`, [
           ["ARRAY['SEXUAL']", 0.7],
           ["ARRAY['SEXUAL','LABOUR']", 0.15],
           ["ARRAY['LABOUR']", 0.1],
           ["ARRAY['CRIMINAL']", 0.05],
         ])},
         p.start, CASE WHEN st.status = 'OPEN' THEN NULL ELSE p.start + (30 + bench.ri('case-len', g, 400))::int END,
         ${twoOf('case-ind', Object.keys(EXPLOITATION_INDICATORS))},
         ${base} - g * interval '7 minutes', ${base} - g * interval '7 minutes'
       FROM ${series} ${c.lateral}
       CROSS JOIN LATERAL (SELECT ${choose(`bench.u('case-status', g)`, [
         ["'OPEN'", 0.6],
         ["'REFERRED'", 0.25],
         ["'CLOSED'", 0.15],
       ])} AS status) st
       CROSS JOIN LATERAL (SELECT '2024-01-01'::date + bench.ri('case-start', g, 730)::int AS start) p`,
      caseParams,
    );
    // A few grants: some AMBER_STRICT cases opened to the Met for a joint investigation.
    await client.query(
      `INSERT INTO cases.grants (record_id, grantee_agency_id, granted_by_user_id, purpose, expires_at)
       SELECT c.id, $1, c.contributor_user_id, 'Joint investigation (generated)', '2030-01-01T00:00:00Z'
       FROM cases.cases c WHERE c.reference LIKE 'BENCH-%' AND c.marking = 'AMBER_STRICT' AND c.owner_agency_id <> $1
         AND bench.u('grant', substr(c.reference, 7)::bigint) < 0.1`,
      [agency('met-police').id],
    );
    await chunked(
      'cases.persons',
      persons,
      `INSERT INTO cases.persons (id, ${HANDLING.join(', ')}, case_id, role, pseudonym, age_band, gender, nationality, full_name, date_of_birth, contact, created_at, updated_at)
       SELECT bench.uid('person', g), ${handlingOf('c')}, c.id, r.role,
         CASE r.role WHEN 'VICTIM' THEN 'V' WHEN 'SUSPECT' THEN 'S' ELSE 'W' END || (1 + (g % ${PERSONS_PER_CASE}) / 2),
         ${choose(`bench.u('person-age', g)`, [
           ["'18-24'", 0.45],
           ["'25-34'", 0.35],
           ["'35-44'", 0.15],
           ["'45+'", 0.05],
         ])},
         r.gender, r.nationality, ${personNameSql('r.gender', 'r.nationality')},
         '1975-01-01'::date + bench.ri('person-dob', g, 11000)::int,
         CASE WHEN bench.u('person-contact', g) < 0.3 THEN '+447' || lpad(bench.ri('person-phone', g, 1000000000)::text, 9, '0') END,
         c.created_at, c.created_at
       FROM ${series}
       CROSS JOIN LATERAL (SELECT CASE g % ${PERSONS_PER_CASE} WHEN 0 THEN 'VICTIM' WHEN 1 THEN 'SUSPECT'
         ELSE ${choose(`bench.u('person-role', g)`, [
           ["'VICTIM'", 0.6],
           ["'WITNESS'", 0.3],
           ["'REPORTER'", 0.1],
         ])} END AS role) r0
       CROSS JOIN LATERAL (SELECT r0.role,
         CASE WHEN r0.role = 'VICTIM' THEN 'female' ELSE ${choose(`bench.u('person-gender', g)`, [
           ["'male'", 0.8],
           ["'female'", 0.2],
         ])} END AS gender,
         ${choose(`bench.u('person-nat', g)`, [
           ["'RO'", 0.8],
           ["'GB'", 0.15],
           ["'MD'", 0.05],
         ])} AS nationality) r
       JOIN cases.cases c ON c.id = bench.uid('case', g / ${PERSONS_PER_CASE})`,
      [],
    );
    await chunked(
      'cases.events',
      scale.cases * EVENTS_PER_CASE,
      `INSERT INTO cases.events (id, ${HANDLING.join(', ')}, case_id, type, occurred_on, location_id, description, created_at, updated_at)
       SELECT bench.uid('event', g), ${handlingOf('c')}, c.id, t.type, c.period_start + ((g % ${EVENTS_PER_CASE}) * 30 + bench.ri('event-day', g, 30))::int,
         CASE WHEN t.type = 'EXPLOITATION' OR (t.type = 'TRANSIT' AND bench.u('event-uk', g) < 0.5)
           THEN ($4::uuid[])[1 + bench.ri('event-gb', g, cardinality($4::uuid[]))]
           ELSE ($3::uuid[])[1 + bench.ri('event-ro', g, cardinality($3::uuid[]))] END,
         'Generated ' || lower(t.type) || ' event', c.created_at, c.created_at
       FROM ${series}
       CROSS JOIN LATERAL (SELECT (ARRAY['RECRUITMENT','TRANSIT','EXPLOITATION'])[1 + g % ${EVENTS_PER_CASE}] AS type) t
       JOIN cases.cases c ON c.id = bench.uid('case', g / ${EVENTS_PER_CASE})`,
      [roLocations, gbLocations],
    );

    // ---- entities -------------------------------------------------------------------------
    const kindOf = KIND_SHARES.map(([kind]) => `WHEN g < ${ranges[kind].start + ranges[kind].count} THEN '${kind}'`).join(' ');
    await chunked(
      'entities.entities',
      scale.entities,
      `INSERT INTO entities.entities (id, kind, value, first_seen_at)
       SELECT bench.uid('entity', g), k.kind,
         CASE k.kind
           WHEN 'PHONE' THEN CASE WHEN bench.u('phone-cc', g) < 0.6 THEN '+447' || lpad(g::text, 9, '0') ELSE '+407' || lpad(g::text, 8, '0') END
           WHEN 'BANK_ACCOUNT' THEN 'GB-SORTCODE:' || lpad(bench.ri('sort-code', g, 1000000)::text, 6, '0') || ':' || lpad(g::text, 8, '0')
           WHEN 'EMAIL' THEN 'contact' || g || '@generated.example.org'
           WHEN 'ONLINE_ADVERT' THEN 'https://adverts.example.net/' || (ARRAY['london','birmingham','leicester','sheffield','bedford'])[1 + bench.ri('advert-city', g, 5)] || '/ad/' || g
           WHEN 'SOCIAL_PROFILE' THEN (ARRAY['instagram','facebook','tiktok'])[1 + bench.ri('social-platform', g, 3)] || ':generated.' || g
           WHEN 'ADDRESS' THEN 'Flat ' || (1 + g % 40) || ', ' || g || ' Example Road, ' || (ARRAY['London','Birmingham','Leicester','Sheffield','Bedford','Coventry'])[1 + bench.ri('address-city', g, 6)]
           WHEN 'VEHICLE' THEN 'GN' || g
           ELSE ${organisationNameSql(`g - ${ranges.ORGANISATION.start}`)}
         END,
         ${base} - g * interval '3 minutes'
       FROM ${series} CROSS JOIN LATERAL (SELECT CASE ${kindOf} END AS kind) k`,
      [],
    );

    // ---- transaction reports and their parties ------------------------------------------
    const r = markedSelect('report', REPORT_MARKINGS);
    await chunked(
      'typologies.transaction_reports',
      scale.reports,
      `INSERT INTO typologies.transaction_reports (id, ${HANDLING.join(', ')}, report_code, reason, indicators, amount, currency, date_from, date_to,
         idempotency_key, created_at, updated_at)
       SELECT bench.uid('report', g), ${r.columns},
         CASE WHEN bench.u('report-code', g) < 0.7 THEN 'STR' ELSE 'SAR' END,
         'Generated report ' || g || ': cash deposits outside business hours moved on quickly to accounts in Romania.',
         ${twoOf('report-ind', Object.keys(FINANCIAL_INDICATORS))},
         round((100 + bench.u('report-amount', g) * 50000)::numeric, 2),
         ${choose(`bench.u('report-ccy', g)`, [
           ["'GBP'", 0.6],
           ["'EUR'", 0.2],
           ["'RON'", 0.2],
         ])},
         d.d, d.d + bench.ri('report-len', g, 90)::int,
         'bench-' || g, ${base} - g * interval '11 minutes', ${base} - g * interval '11 minutes'
       FROM ${series} ${r.lateral}
       CROSS JOIN LATERAL (SELECT '2024-06-01'::date + bench.ri('report-from', g, 600)::int AS d) d`,
      reportParams,
    );
    const accounts = ranges.BANK_ACCOUNT;
    await chunked(
      'typologies.report_parties',
      scale.reports,
      `INSERT INTO typologies.report_parties (report_id, position, name, significance, account_entity_id)
       SELECT bench.uid('report', g), p.pos, 'Generated party ' || g || '-' || p.pos,
         CASE WHEN p.pos = 0 THEN 'SUBJECT' ELSE 'COUNTERPARTY' END,
         CASE WHEN p.pos < 2 THEN ${entityId(accounts, `bench.skew('party' || p.pos, g, ${accounts.count})`)} END
       FROM ${series} CROSS JOIN LATERAL generate_series(0, CASE WHEN bench.u('report-parties', g) < 0.3 THEN 2 ELSE 1 END) AS p(pos)`,
      [],
    );

    // ---- observations: one per entity from a case, the reports' accounts, extra hub sightings --
    await chunked(
      'entities.observations (home)',
      scale.entities,
      `INSERT INTO entities.observations (id, ${HANDLING.join(', ')}, entity_id, source_type, source_id, observed_at, created_at, updated_at)
       SELECT bench.uid('obs-home', g), ${handlingOf('c')}, bench.uid('entity', g), 'CASE', c.id,
         c.created_at + bench.ri('obs-home-t', g, 2592000) * interval '1 second', c.created_at, c.created_at
       FROM ${series} JOIN cases.cases c ON c.id = bench.uid('case', bench.ri('obs-home', g, ${scale.cases}))`,
      [],
    );
    {
      const t = Date.now();
      const res = await client.query(
        `INSERT INTO entities.observations (id, ${HANDLING.join(', ')}, entity_id, source_type, source_id, observed_at, created_at, updated_at)
         SELECT DISTINCT ON (r.id, p.account_entity_id)
           overlay(overlay(md5($1::text || ':obs-report:' || r.id || ':' || p.account_entity_id) placing '4' from 13) placing '8' from 17)::uuid,
           ${handlingOf('r')}, p.account_entity_id, 'TRANSACTION_REPORT', r.id, r.created_at, r.created_at, r.created_at
         FROM typologies.report_parties p JOIN typologies.transaction_reports r ON r.id = p.report_id
         WHERE p.account_entity_id IS NOT NULL AND r.idempotency_key LIKE 'bench-%'
         ORDER BY r.id, p.account_entity_id`,
        [seed],
      );
      log(`  ${'entities.observations (reports)'.padEnd(44)} ${String(res.rowCount).padStart(10)} rows  ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    await chunked(
      'entities.observations (hubs)',
      scale.extraObservations,
      `INSERT INTO entities.observations (id, ${HANDLING.join(', ')}, entity_id, source_type, source_id, observed_at, created_at, updated_at)
       SELECT bench.uid('obs-extra', g), ${handlingOf('c')},
         CASE WHEN bench.u('obs-extra-kind', g) < 0.5 THEN ${entityId(ranges.PHONE, `bench.skew('obs-extra-e', g, ${ranges.PHONE.count})`)}
           ELSE ${entityId(accounts, `bench.skew('obs-extra-e', g, ${accounts.count})`)} END,
         'CASE', c.id, c.created_at + interval '1 day', c.created_at, c.created_at
       FROM ${series} JOIN cases.cases c ON c.id = bench.uid('case', bench.ri('obs-extra-case', g, ${scale.cases}))`,
      [],
    );

    // ---- links ----------------------------------------------------------------------------
    let offset = 0;
    for (const [i, shape] of LINK_SHAPES.entries()) {
      const count = i === LINK_SHAPES.length - 1 ? scale.links - offset : Math.round(scale.links * shape.share);
      const to = ranges[shape.to];
      const toId = entityId(to, `bench.skew('${shape.tag}-to', g, ${to.count})`);
      const from =
        shape.from === 'PERSON'
          ? { entity: 'NULL::uuid', person: `bench.uid('person', x.n)` }
          : { entity: entityId(ranges[shape.from], `bench.ri('${shape.tag}-from', g, ${ranges[shape.from].count})`), person: 'NULL::uuid' };
      // A person's link comes from the person's case; other links from a random case or report.
      const sourceIndex =
        shape.from === 'PERSON'
          ? `bench.ri('${shape.tag}-person', g, ${persons})`
          : `bench.ri('${shape.tag}-src', g, ${shape.source === 'CASE' ? scale.cases : scale.reports})`;
      const sourceJoin =
        shape.source === 'CASE'
          ? `JOIN cases.cases s ON s.id = bench.uid('case', ${shape.from === 'PERSON' ? `x.n / ${PERSONS_PER_CASE}` : 'x.n'})`
          : `JOIN typologies.transaction_reports s ON s.id = bench.uid('report', x.n)`;
      await chunked(
        `entities.links ${shape.kind.toLowerCase()} ${shape.from.toLowerCase()}>${shape.to.toLowerCase()}`,
        count,
        `INSERT INTO entities.links (id, ${HANDLING.join(', ')}, kind, from_entity_id, from_person_id, to_entity_id, to_person_id, valid_from,
           source_type, source_id, created_at, updated_at)
         SELECT bench.uid('link', ${offset} + g), ${handlingOf('s')}, '${shape.kind}', ${from.entity}, ${from.person}, ${toId}, NULL,
           '2024-01-01'::date + bench.ri('link-from', ${offset} + g, 800)::int, '${shape.source}', s.id, s.created_at, s.created_at
         FROM ${series} CROSS JOIN LATERAL (SELECT ${sourceIndex} AS n) x ${sourceJoin}`,
        [],
      );
      offset += count;
    }

    {
      const t = Date.now();
      await client.query(`RESET session_replication_role`);
      for (const def of deferred) await client.query(def);
      log(`  ${`rebuilt ${deferred.length} indexes`.padEnd(44)} ${''.padStart(10)}       ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const t = Date.now();
    await client.query('VACUUM (ANALYZE)');
    log(`  ${'VACUUM (ANALYZE)'.padEnd(44)} ${''.padStart(10)}       ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const rows: Record<string, number> = {};
    for (const table of [
      'cases.cases',
      'cases.persons',
      'cases.events',
      'entities.entities',
      'entities.observations',
      'entities.links',
      'typologies.transaction_reports',
      'typologies.report_parties',
    ]) {
      const res = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      rows[table] = Number(res.rows[0]!.n);
    }
    return { seconds: (Date.now() - started) / 1000, rows };
  } finally {
    await client.end();
  }
}
