import sharp from 'sharp';
import type { Sql } from '../kernel/db';
import type { DemoRegistry } from '../kernel/subgraph';
import { cleanPhoto } from './photos';
import { fingerprint } from './public-text';
import { receiptHash } from './public-report.service';

/**
 * Invented reports from the public (EN and RO; no real person or place of work), each with a demo
 * receipt code that README examples use, and one notification from a frontline service.
 */
export const DEMO_PUBLIC_REPORTS = [
  {
    key: 'car-wash-bedford',
    receiptCode: 'TESS-ERA0-DEM0-0001',
    language: 'en',
    when: 'last winter, for several weeks',
    place: 'Bedford, a hand car wash near the ring road',
    latitude: 52.13,
    longitude: -0.47,
    situationKind: 'LABOUR',
    contact: null,
    photo: true,
    addition: 'The same van came back this week, early in the morning, with six men.',
    story:
      'Men at the car wash worked from 7am to 9pm every day I passed. They slept in a container behind it. One told me in broken English that the boss kept their passports until they paid for the travel. They never seemed to have money for food.',
  },
  {
    key: 'iasi-job-offer',
    receiptCode: 'TESS-ERA0-DEM0-0002',
    language: 'ro',
    when: 'acum câțiva ani',
    place: 'Iași',
    latitude: null,
    longitude: null,
    situationKind: 'SEXUAL',
    contact: 'Sunați-mă la 0712 000 111 după ora 18',
    photo: false,
    addition: null,
    story:
      'Verișoara mea a plecat la Londra pentru un loc de muncă la un restaurant, promis de un băiat pe care îl cunoscuse pe Facebook. După ce a ajuns, nu a mai răspuns la telefon decât când era el lângă ea. Ne-a spus că are o datorie mare pentru bilet și că nu poate pleca.',
  },
  {
    key: 'years-ago-leicester',
    receiptCode: 'TESS-ERA0-DEM0-0003',
    language: 'en',
    when: 'years ago',
    place: 'Leicester',
    latitude: null,
    longitude: null,
    situationKind: null,
    contact: null,
    photo: false,
    addition: null,
    story:
      'Years ago a neighbour of mine had a lot of young women coming and going from a flat above a shop, always driven by the same two men. I never reported it. Maybe it helps someone now.',
  },
  {
    key: 'constanta-child',
    receiptCode: 'TESS-ERA0-DEM0-0004',
    language: 'Română',
    when: 'vara trecută',
    place: 'Constanța, lângă port',
    latitude: 44.17,
    longitude: 28.64,
    situationKind: 'CHILD',
    contact: null,
    photo: false,
    addition: null,
    story:
      'Am văzut o fată de vreo 15 ani urcată noaptea într-o mașină cu numere străine, de mai multe ori. Un bărbat mai în vârstă îi ținea telefonul. Nu merge la școală.',
  },
  {
    key: 'brasov-recruiter-phone',
    receiptCode: 'TESS-ERA0-DEM0-0005',
    language: 'ro',
    when: 'luna trecută',
    place: 'Brașov',
    latitude: null,
    longitude: null,
    situationKind: 'SEXUAL',
    contact: null,
    photo: false,
    addition: null,
    story:
      'Un bărbat le promite fetelor din cartier un loc de muncă în Anglia și le dă numărul 0722 123 456. Una dintre ele a plecat și acum are o datorie pentru drum pe care nu o poate plăti.',
  },
  {
    key: 'sheffield-nail-bar',
    receiptCode: 'TESS-ERA0-DEM0-0006',
    language: 'en',
    when: 'March',
    place: 'Sheffield',
    latitude: null,
    longitude: null,
    situationKind: 'LABOUR',
    contact: null,
    photo: false,
    addition: null,
    decided: true,
    story:
      'The girls at the nail bar on the high street never speak and are collected by a van at closing time. The owner shouts at them in a language I do not know.',
  },
];

async function demoPhoto(): Promise<Awaited<ReturnType<typeof cleanPhoto>>> {
  // A plain picture with a made-up GPS position and device: stored as any received photo is, without them.
  const raw = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 90, g: 110, b: 140 } } })
    .withExif({ IFD0: { Make: 'DemoPhone', Model: 'D1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 8/1 0/1' } })
    .jpeg()
    .toBuffer();
  return cleanPhoto('demo', raw.toString('base64'));
}

/** Registers `publicReport:<key>` and `notification:iasi-hospital` ids; a report marked `decided` was triaged by the hub as intelligence only. */
export async function seedIntakeDemo(db: Sql, demo: DemoRegistry): Promise<void> {
  for (const r of DEMO_PUBLIC_REPORTS) {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO intake.public_reports (story, occurred_when, place, latitude, longitude, situation_kind, language, contact, receipt_hash, fingerprint)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [r.story, r.when, r.place, r.latitude, r.longitude, r.situationKind, r.language, r.contact, receiptHash(r.receiptCode), fingerprint(r.story)],
    );
    demo.ids[`publicReport:${r.key}`] = row!.id;
    if (r.photo) {
      const p = await demoPhoto();
      await db.query('INSERT INTO intake.public_report_photos (report_id, position, media_type, width, height, content) VALUES ($1, 0, $2, $3, $4, $5)', [
        row!.id,
        p.mediaType,
        p.width,
        p.height,
        p.content,
      ]);
    }
    if (r.addition) await db.query('INSERT INTO intake.public_report_additions (report_id, text) VALUES ($1, $2)', [row!.id, r.addition]);
    if ('decided' in r && r.decided) {
      const hub = demo.agencies['tessera-hub']!;
      await db.query(
        `INSERT INTO intake.triage_decisions (report_id, agency_id, decided_by_user_id, decision, source_evaluation, intelligence_assessment, handling_code, request_hash)
         VALUES ($1, $2, $3, 'INTELLIGENCE_ONLY', '2', 'C', 'P', 'demo')`,
        [row!.id, hub.id, hub.users.CONTRIBUTOR],
      );
      await db.query(`UPDATE intake.public_reports SET status = 'CLOSED', review_due = (current_date + interval '2 years')::date WHERE id = $1`, [row!.id]);
    }
  }

  const hospital = demo.agencies['spitalul-iasi']!;
  const lumina = demo.agencies['lumina-ro']!;
  const [n] = await db.query<{ id: string }>(
    `INSERT INTO intake.notifications (notifier_agency_id, notifier_user_id, destination_agency_id, indicators, exploitation_types, child_involved, imminent_risk,
       summary, place, occurred_when, status, due_on, idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4, $5, true, false, $6, 'Iași', 'yesterday', 'RECEIVED', now()::date + 1, 'demo-notification-1', 'demo') RETURNING id`,
    [
      hospital.id,
      hospital.users.CONTRIBUTOR,
      lumina.id,
      ['CHILD_OLDER_ASSOCIATES', 'SEX_ACCOMPANIED_BY_CONTROLLER', 'SEX_SIGNS_OF_ABUSE'],
      ['SEXUAL'],
      'A 16-year-old came to the emergency department with an injury. An older man who said he was her boyfriend answered every question for her and would not leave the room. She asked a nurse, when alone, whether she could be sent back to Romania.',
    ],
  );
  await db.query(
    `INSERT INTO intake.notification_updates (notification_id, by_agency_id, notifier_agency_id, by_user_id, status, outcome) VALUES ($1, $2, $3, $4, 'RECEIVED', NULL)`,
    [n!.id, lumina.id, hospital.id, lumina.users.SUPERVISOR],
  );
  demo.ids['notification:iasi-hospital'] = n!.id;
}
