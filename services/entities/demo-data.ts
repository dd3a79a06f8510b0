import { DEMO_AGENCIES } from '../agencies/api';
import { demoCaseSource } from '../cases/api';
import type { Sql } from '../kernel/db';
import { type DemoHandling, insertDemoRecord } from '../kernel/demo';
import type { DemoRegistry } from '../kernel/subgraph';
import { type EntityKind, normaliseIdentifier } from '../kernel/identifier';
import type { LinkKind } from './observe';
import { seedPrivateScreeningDemo } from './private-screening.service';
import { chunkHoldersSql, type HeldIdentifier, keepChunk } from './screening.service';

/**
 * Invented identifiers only: UK phones from Ofcom's drama range (+44 7700 900000-900999), IBANs
 * with made-up bank codes (ALBN, CRPT) and valid check digits, example.* domains, a UK plate with
 * a Q where the DVLA never puts one.
 */
export const DEMO_S1_IBAN_GB = 'GB68ALBN60161331926819';
/** S1's Romanian mobile, normalised: on the adverts, the bank's report and the NGO's narrative of the reference scenario. */
export const DEMO_S1_PHONE_RO = '+40722123456';
export const DEMO_S1_IBAN_RO = 'RO26CRPT0000001234567890';

export const DEMO_ENTITIES: Record<string, { kind: EntityKind; value: string }> = {
  'shared-phone': { kind: 'PHONE', value: '+44 7700 900312' },
  's1-phone-ro': { kind: 'PHONE', value: '+40 722 123 456' },
  's1-iban-gb': { kind: 'BANK_ACCOUNT', value: DEMO_S1_IBAN_GB },
  's1-iban-ro': { kind: 'BANK_ACCOUNT', value: DEMO_S1_IBAN_RO },
  advert: { kind: 'ONLINE_ADVERT', value: 'https://www.adverts.example.net/london/ad/48213/?utm_source=demo' },
  'recruiter-profile': { kind: 'SOCIAL_PROFILE', value: 'instagram:@tessera.demo.ionut' },
  'recruiter-email': { kind: 'EMAIL', value: 'recrutare.demo@example.org' },
  car: { kind: 'VEHICLE', value: 'LX25 QQQ' },
  'car-wash': { kind: 'ORGANISATION', value: 'Spălătoria Auto Sparkle (demo) Ltd' },
  'front-association': { kind: 'ORGANISATION', value: 'Asociația Tinerilor pentru Muncă în Străinătate (demo)' },
  'leicester-premises': { kind: 'ADDRESS', value: 'Flat 2, 14 Example Road, Leicester' },
  'covert-phone': { kind: 'PHONE', value: '+44 7700 900555' },
};

/**
 * Who stated what: [case, entity, date, note, as typed]. Each statement is marked as its case is. Where
 * the contributor typed the identifier its own way (a national-format phone, the old cedilla letters),
 * the last column says how: it is normalised with the contributing agency's country and must meet the
 * entity, or the demo does not load. The Romanian police's `0722 123 456` is the Met's `+40 722 123 456`.
 */
export const DEMO_OBSERVATIONS: Array<[string, string, string, string, string?]> = [
  ['lanterna', 'recruiter-profile', '2025-09-03', 'Profile that first contacted V1'],
  ['lanterna', 's1-phone-ro', '2025-10-14', "S1's Romanian mobile, from V1's phone"],
  ['lanterna', 'shared-phone', '2025-10-20', 'Booking number on the London adverts'],
  ['lanterna', 'advert', '2025-10-20', 'Advert for V1 in London'],
  ['lanterna', 's1-iban-gb', '2025-11-03', 'Account receiving the earnings'],
  ['lanterna', 's1-iban-ro', '2025-11-10', 'Money-transfer destination in Romania'],
  ['midlands', 'leicester-premises', '2025-07-01', 'Premises above a nail bar'],
  ['midlands', 's1-phone-ro', '2025-07-02', 'Called by the Leicester premises daily'],
  ['midlands', 'shared-phone', '2025-07-05', 'Booking number on adverts for the Leicester premises', '07700 900312'],
  ['midlands', 'car', '2025-08-12', 'Car collecting the women; registered to a third party'],
  ['midlands', 'car-wash', '2025-08-20', 'Car wash mixing cash takings'],
  ['iasi', 'recruiter-email', '2025-03-12', 'Email used in the job offers'],
  ['iasi', 's1-iban-ro', '2025-04-15', 'Account receiving transfers from the UK'],
  ['iasi', 's1-phone-ro', '2025-03-20', 'Number the recruits were told to ring on arrival in the UK', '0722 123 456'],
  [
    'iasi',
    'front-association',
    '2025-03-10',
    'Registered association that posted the job offers abroad',
    'Asociaţia Tinerilor pentru Muncă în Străinătate (demo)',
  ],
  ['safe-passage', 'recruiter-email', '2025-05-04', 'The "boyfriend" wrote from this address'],
  ['safe-passage', 'recruiter-profile', '2025-05-04', 'The "boyfriend" contacted her from this profile'],
  ['strict', 'shared-phone', '2026-02-10', "Covert source: the controller's phone"],
  ['strict', 'covert-phone', '2026-02-10', 'Covert source: a second handset'],
];

type End = { entity: string } | { person: string };

/** [key, case, kind, from, to, validFrom]. Persons are `person:<case>:<label>` ids from the cases demo. */
const LINKS: Array<[string, string, LinkKind, End, End, string | null]> = [
  ['lanterna:s1-uses-phone-ro', 'lanterna', 'USES_PHONE', { person: 'S1' }, { entity: 's1-phone-ro' }, '2025-09-01'],
  ['lanterna:s1-holds-iban-gb', 'lanterna', 'HOLDS_ACCOUNT', { person: 'S1' }, { entity: 's1-iban-gb' }, null],
  ['lanterna:iban-gb-paid-iban-ro', 'lanterna', 'PAID', { entity: 's1-iban-gb' }, { entity: 's1-iban-ro' }, '2025-11-01'],
  ['lanterna:shared-phone-advertised', 'lanterna', 'ADVERTISED_AT', { entity: 'shared-phone' }, { entity: 'advert' }, '2025-10-20'],
  ['lanterna:s1-recruited-v1', 'lanterna', 'RECRUITED', { person: 'S1' }, { person: 'V1' }, '2025-09-03'],
  ['midlands:s1-uses-phone-ro', 'midlands', 'USES_PHONE', { person: 'S1' }, { entity: 's1-phone-ro' }, '2025-06-01'],
  ['midlands:s1-owns-car', 'midlands', 'OWNS_VEHICLE', { person: 'S1' }, { entity: 'car' }, null],
  ['midlands:s1-controls-car-wash', 'midlands', 'CONTROLS', { person: 'S1' }, { entity: 'car-wash' }, null],
  ['iasi:s1-uses-email', 'iasi', 'USES_EMAIL', { person: 'S1' }, { entity: 'recruiter-email' }, null],
  ['iasi:s1-controls-association', 'iasi', 'CONTROLS', { person: 'S1' }, { entity: 'front-association' }, '2025-01-15'],
];

/** The owner and handling of a demo case, which its statements about entities copy. */
async function caseSource(db: Sql, demo: DemoRegistry, caseKey: string) {
  const id = demo.ids[`case:${caseKey}`];
  if (!id) throw new Error(`Demo case ${caseKey} is not loaded (the cases demo runs first)`);
  const c = await demoCaseSource(db, id);
  if (!c) throw new Error(`Demo case ${caseKey} (${id}) not found`);
  const ownerSlug = Object.entries(demo.agencies).find(([, a]) => a.id === c.ownerAgencyId)?.[0];
  const country = DEMO_AGENCIES.find((a) => a.slug === ownerSlug)?.country;
  if (!country) throw new Error(`Demo case ${caseKey} is owned by an agency outside the demo`);
  const handling: DemoHandling = {
    marking: c.marking,
    sourceEvaluation: c.sourceEvaluation,
    intelligenceAssessment: c.intelligenceAssessment,
    handlingCode: c.handlingCode,
    handlingConditions: c.handlingConditions ?? undefined,
    sharedWithAgencyIds: c.sharedWithAgencyIds,
    sharedWithGroupIds: c.sharedWithGroupIds,
    redRecipientUserIds: c.redRecipientUserIds,
  };
  return { id, owner: { agencyId: c.ownerAgencyId, userId: c.contributorUserId }, country, handling };
}

/**
 * The network the reference scenario needs: a UK phone seen by two forces (Met and West Midlands)
 * and a covert source; S1's Romanian phone used by the suspect of both forces' cases and, typed the
 * Romanian way (0722 123 456), the number the Romanian police's recruits were told to ring; S1's GB
 * account paying a Romanian account that the Romanian police also know; a recruiter's email and
 * profile that link the NGO's case to the police ones; a front association in Iași (found by name with
 * or without diacritics) and a car wash in Coventry. Registers `entity:<name>`,
 * `observation:<case>:<entity>` and `link:<case>:<name>` ids.
 */
export async function seedEntitiesDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  for (const [name, e] of Object.entries(DEMO_ENTITIES)) {
    const firstSeen = DEMO_OBSERVATIONS.filter((o) => o[1] === name)
      .map((o) => o[2])
      .sort()[0];
    const [row] = await db.query<{ id: string }>('INSERT INTO entities.entities (kind, value, first_seen_at) VALUES ($1, $2, $3) RETURNING id', [
      e.kind,
      normaliseIdentifier(e.kind, e.value, `demo entity ${name}`),
      firstSeen,
    ]);
    demo.ids[`entity:${name}`] = row!.id;
  }
  const entityId = (name: string): string => {
    const id = demo.ids[`entity:${name}`];
    if (!id) throw new Error(`Unknown demo entity ${name}`);
    return id;
  };
  const sources = new Map<string, Awaited<ReturnType<typeof caseSource>>>();
  const sourceOf = async (caseKey: string) => {
    let s = sources.get(caseKey);
    if (!s) {
      s = await caseSource(db, demo, caseKey);
      sources.set(caseKey, s);
    }
    return s;
  };

  for (const [caseKey, entity, observedOn, note, typed] of DEMO_OBSERVATIONS) {
    const s = await sourceOf(caseKey);
    if (typed !== undefined) {
      const e = DEMO_ENTITIES[entity]!;
      const meets = normaliseIdentifier(e.kind, typed, `demo observation ${caseKey}:${entity}`, s.country);
      if (meets !== normaliseIdentifier(e.kind, e.value, `demo entity ${entity}`))
        throw new Error(`Demo: ${caseKey} typed ${typed}, which does not meet ${entity}`);
    }
    demo.ids[`observation:${caseKey}:${entity}`] = await insertDemoRecord(db, 'entities.observations', s.owner, s.handling, {
      entity_id: entityId(entity),
      source_type: 'CASE',
      source_id: s.id,
      observed_at: observedOn,
      note,
    });
  }

  const end = (caseKey: string, e: End) => {
    if ('entity' in e) return { entity: entityId(e.entity), person: null };
    const person = demo.ids[`person:${caseKey}:${e.person}`];
    if (!person) throw new Error(`Demo person ${caseKey}:${e.person} is not loaded`);
    return { entity: null, person };
  };
  for (const [key, caseKey, kind, from, to, validFrom] of LINKS) {
    const s = await sourceOf(caseKey);
    const f = end(caseKey, from);
    const t = end(caseKey, to);
    demo.ids[`link:${key}`] = await insertDemoRecord(db, 'entities.links', s.owner, s.handling, {
      kind,
      from_entity_id: f.entity,
      from_person_id: f.person,
      to_entity_id: t.entity,
      to_person_id: t.person,
      valid_from: validFrom,
      source_type: 'CASE',
      source_id: s.id,
    });
  }
  await seedScreeningDemo(db, demo);
  await seedPrivateScreeningDemo(db, demo);
}

/** Albion Bank's screening of new customers (closed): one nobody's address, two identifiers the police hold. */
const DEMO_SCREENING = {
  bank: 'albion-bank',
  reference: 'demo-onboarding-2026-11',
  identifiers: [
    { kind: 'EMAIL', value: 'new.customer@example.com' },
    { kind: 'BANK_ACCOUNT', value: DEMO_S1_IBAN_RO },
    { kind: 'PHONE', value: '+40 722 123 456' },
  ],
} as const;

/**
 * The demo's screening job, answered as the service answers a chunk: as the bank, whose agency type
 * sees only its own observations (policies/agency-types/financial-institution.ts), when it is seeded.
 */
export async function seedScreeningDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  const bank = demo.agencies[DEMO_SCREENING.bank]!;
  const kinds = DEMO_SCREENING.identifiers.map((i) => i.kind);
  const values = DEMO_SCREENING.identifiers.map((i) => normaliseIdentifier(i.kind, i.value, 'demo screening'));
  const [job] = await db.query<{ id: string }>(
    `INSERT INTO entities.screening_jobs (owner_agency_id, created_by_user_id, idempotency_key, request_hash, status, closed_at)
     VALUES ($1, $2, $3, 'demo', 'CLOSED', now()) RETURNING id`,
    [bank.id, bank.users.CONTRIBUTOR, DEMO_SCREENING.reference],
  );
  const held = await db.query<HeldIdentifier>(chunkHoldersSql('o.owner_agency_id = $3'), [kinds, values, bank.id]);
  const known = await keepChunk(
    db,
    { jobId: job!.id, chunkNumber: 0, ownerAgencyId: bank.id, requestHash: 'demo', distinct: kinds.length, kinds, values },
    held,
  );
  await db.query(`UPDATE entities.screening_jobs SET chunk_count = 1, identifier_count = $2, known_count = $3 WHERE id = $1`, [job!.id, kinds.length, known]);
  demo.ids['screening:onboarding'] = job!.id;
}
