import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { postGraphQL } from '../graphql';
import { type Measure, seededRandom } from './common';
import { copyFrom } from './ingest';

/**
 * The advert feed at scale: adverts/s through `importAdverts` (NDJSON files of FILE_LINES adverts,
 * one after another, as a collector's loader would send them) against the same rows written by the
 * database's own bulk path, then the time `computeAdvertLeads` takes over everything ingested. The
 * baseline upserts the phone entities (INSERT ... SELECT FROM unnest ON CONFLICT: COPY cannot
 * upsert) and COPYs the adverts and their observations in one transaction. `--adverts N` sets how
 * many adverts each side writes (default: the scale's).
 *
 * The generated feed looks like a real one: phones shared by a few adverts each (networks of 1 to 8
 * adverts), some moving between cities, one image in twenty reused across adverts, a third of the
 * texts with an indicator.
 */
const PERSONA = 'tessera-hub';
const FILE_LINES = 5000;
const CITIES = ['London', 'Birmingham', 'Manchester', 'Leeds', 'Glasgow', 'Bristol', 'Coventry', 'Leicester', 'Nottingham', 'Sheffield'];
const TEXTS = ['New in town, just arrived', 'Independent, own place', 'My girls are waiting', 'Fată nouă în oraș', 'Discreet, 27 years', 'Sweet and friendly'];

interface GeneratedAdvert {
  site: string;
  advertId: string;
  url: string;
  firstSeen: string;
  lastSeen: string;
  location: string;
  phones: string[];
  imageHashes: string[];
  text: string;
  collector: string;
}

/** Deterministic adverts; each side (`side`) its own advert ids and phone range, so each writes as many new rows. */
export function makeAdverts(n: number, seed: string, side: number): GeneratedAdvert[] {
  const rnd = seededRandom(`${seed}:adverts:${side}`);
  const phones = Math.max(1, Math.floor(n / 3));
  const hex = (v: number) => v.toString(16).padStart(16, '0');
  return Array.from({ length: n }, (_, i) => {
    const phone = Math.floor(rnd() * phones);
    const from = Date.UTC(2025, 0, 1) + Math.floor(rnd() * 500) * 86_400_000;
    return {
      site: `site-${i % 7}.example`,
      advertId: `S${side}-${i}`,
      url: `https://site-${i % 7}.example/ad/S${side}-${i}`,
      firstSeen: new Date(from).toISOString(),
      lastSeen: new Date(from + Math.floor(rnd() * 20) * 86_400_000).toISOString(),
      location: CITIES[(phone + (rnd() < 0.2 ? 1 : 0)) % CITIES.length]!,
      phones: [`+4477${side}0${String(phone % 1_000_000).padStart(6, '0')}`],
      imageHashes: [hex(rnd() < 0.05 ? Math.floor(rnd() * 1000) : side * 10_000_000 + i)],
      text: TEXTS[Math.floor(rnd() * TEXTS.length)]!,
      collector: 'Benchmark collector',
    };
  });
}

const IMPORT = `mutation($input: ImportAdvertsInput!) { importAdverts(input: $input) { advertCount createdCount } }`;
const HANDLING = { marking: 'AMBER', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' };

/**
 * The same adverts as the service writes them: advert rows, upserted phone and page (ONLINE_ADVERT) entities, one observation
 * per advert and phone and one of its page, one ADVERTISED_AT link per phone and page.
 */
async function copyAdverts(client: Client, adverts: GeneratedAdvert[], owner: { agencyId: string; userId: string }): Promise<void> {
  await client.query('BEGIN');
  try {
    const values = [...new Set(adverts.flatMap((a) => a.phones))].sort();
    const upserted = await client.query<{ id: string; value: string }>(
      `INSERT INTO entities.entities (kind, value) SELECT 'PHONE', v FROM unnest($1::text[]) AS v
       ON CONFLICT (kind, value) DO UPDATE SET kind = EXCLUDED.kind RETURNING id, value`,
      [values],
    );
    const entityIds = new Map(upserted.rows.map((e) => [e.value, e.id]));
    // Every page is new (one per advert): COPY, as a loader that knows that would.
    const pageIds = adverts.map(() => randomUUID());
    await copyFrom(
      client,
      'entities.entities',
      ['id', 'kind', 'value'],
      adverts.map((a, i) => [pageIds[i], 'ONLINE_ADVERT', a.url]),
    );
    const ids = adverts.map(() => randomUUID());
    const meta = [owner.agencyId, owner.userId, 'AMBER', '2', 'C', 'P'];
    const META = ['owner_agency_id', 'contributor_user_id', 'marking', 'source_evaluation', 'intelligence_assessment', 'handling_code'];
    await copyFrom(
      client,
      'adverts.adverts',
      ['id', ...META, 'site', 'advert_ref', 'url', 'first_seen', 'last_seen', 'location', 'city', 'phones', 'image_hashes', 'text', 'collector'],
      adverts.map((a, i) => [
        ids[i],
        ...meta,
        a.site,
        a.advertId,
        a.url,
        a.firstSeen,
        a.lastSeen,
        a.location,
        a.location,
        a.phones,
        a.imageHashes,
        a.text,
        a.collector,
      ]),
    );
    await copyFrom(
      client,
      'entities.observations',
      ['id', ...META, 'entity_id', 'source_type', 'source_id'],
      adverts.flatMap((a, i) => [
        ...a.phones.map((p) => [randomUUID(), ...meta, entityIds.get(p), 'ADVERT', ids[i]]),
        [randomUUID(), ...meta, pageIds[i], 'ADVERT', ids[i]],
      ]),
    );
    await copyFrom(
      client,
      'entities.links',
      ['id', ...META, 'kind', 'from_entity_id', 'to_entity_id', 'source_type', 'source_id'],
      adverts.flatMap((a, i) => a.phones.map((p) => [randomUUID(), ...meta, 'ADVERTISED_AT', entityIds.get(p), pageIds[i], 'ADVERT', ids[i]])),
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

export function advertsMeasure(count: number | undefined): Measure {
  return {
    id: 'adverts',
    describe: 'adverts/s through importAdverts / COPY of the same rows; clustering (computeAdvertLeads) time',
    async run({ stack, budget, seed, log }) {
      const n = count ?? budget.reports * 5;
      const sql = await stack.rawClient();
      const auth = await stack.authorization(PERSONA);
      const actor = await stack.actor(PERSONA);
      const send = async (adverts: GeneratedAdvert[]) => {
        const sendStarted = performance.now();
        for (let from = 0; from < adverts.length; from += FILE_LINES) {
          const content = adverts
            .slice(from, from + FILE_LINES)
            .map((a) => JSON.stringify(a))
            .join('\n');
          const r = await postGraphQL<{ importAdverts: { advertCount: number } }>(stack.hub.url, auth, IMPORT, {
            input: { format: 'NDJSON', content, handling: HANDLING },
          });
          if (r.errors.length) throw new Error(`importAdverts: ${JSON.stringify(r.errors[0])}`);
          const done = from + FILE_LINES;
          if (done % (FILE_LINES * 20) === 0) {
            const s = (performance.now() - sendStarted) / 1000;
            log(`  ${done.toLocaleString('en-GB')} adverts through the API in ${s.toFixed(0)} s (${(done / s).toFixed(0)} adverts/s)`);
          }
        }
      };
      await send(makeAdverts(200, seed, 0));
      const apiAdverts = makeAdverts(n, seed, 1);
      let t = performance.now();
      await send(apiAdverts);
      const apiMs = performance.now() - t;
      const apiPerSecond = (n * 1000) / apiMs;

      const copyRows = makeAdverts(n, seed, 2);
      t = performance.now();
      for (let from = 0; from < copyRows.length; from += 100_000) {
        await copyAdverts(sql, copyRows.slice(from, from + 100_000), { agencyId: actor.agencyId, userId: actor.userId });
      }
      const copyMs = performance.now() - t;
      const copyPerSecond = (n * 1000) / copyMs;

      // The floor under clustering: reading what it reads.
      t = performance.now();
      const held = (
        await sql.query(
          `SELECT id, phones, image_hashes, city, first_seen, last_seen, indicators, marking FROM adverts.adverts
           WHERE owner_agency_id = $1 AND (cardinality(phones) > 0 OR cardinality(image_hashes) > 0)`,
          [actor.agencyId],
        )
      ).rowCount!;
      const readMs = performance.now() - t;
      t = performance.now();
      log(
        `  ingested: API ${apiPerSecond.toFixed(0)} adverts/s, COPY ${copyPerSecond.toFixed(0)} adverts/s, ratio ${(apiPerSecond / copyPerSecond).toFixed(2)}`,
      );
      // The heap the computation adds to this process (the hub runs in it), sampled while it runs: what it holds in memory.
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 100);
      const leads = await postGraphQL<{ computeAdvertLeads: { advertCount: number; networkCount: number; movementCount: number } }>(
        stack.hub.url,
        auth,
        `mutation { computeAdvertLeads { advertCount networkCount movementCount } }`,
      )
        .catch((err: unknown) => ({ errors: [{ message: String(err) }], data: undefined }))
        .finally(() => clearInterval(sampler));
      const clusterMs = performance.now() - t;
      const heapMb = (heapPeak - heapBefore) / 2 ** 20;
      if (leads.errors.length) log(`  computeAdvertLeads failed after ${clusterMs.toFixed(0)} ms: ${JSON.stringify(leads.errors[0])}`);
      const c = leads.data?.computeAdvertLeads ?? { advertCount: 0, networkCount: 0, movementCount: 0 };
      return [
        {
          id: 'adverts',
          value: apiPerSecond,
          unit: 'adverts/s',
          baseline: copyPerSecond,
          ratio: apiPerSecond / copyPerSecond,
          target: '>= 0.3',
          pass: apiPerSecond / copyPerSecond >= 0.3,
          notes: [
            `${n.toLocaleString('en-GB')} adverts a side as ${PERSONA}: API = importAdverts, NDJSON files of ${FILE_LINES} sent one after another (${(apiMs / 1000).toFixed(1)} s); the API also writes an audit event per advert`,
            `baseline = COPY FROM STDIN of the same rows into adverts.adverts, entities.entities (pages), entities.observations and entities.links, phone entities upserted, 100,000 a transaction (${(copyMs / 1000).toFixed(1)} s)`,
          ],
        },
        {
          id: 'adverts-clustering',
          value: clusterMs,
          unit: 'ms',
          baseline: readMs,
          ratio: clusterMs / readMs,
          notes: [
            `baseline = reading the same adverts' identifiers in one SELECT (${readMs.toFixed(0)} ms)`,
            `${leads.errors.length ? `FAILED (${leads.errors[0]!.message}); ` : ''}computeAdvertLeads over ${held.toLocaleString('en-GB')} adverts held: ${c.networkCount.toLocaleString('en-GB')} networks, ${c.movementCount.toLocaleString('en-GB')} movements, components found in the database and leads written a batch at a time, with the computation's record and its one audit event, in one transaction`,
            `heap of the benchmark's process (the hub in it) during the computation: at most ${heapMb.toFixed(0)} MB above its ${(heapBefore / 2 ** 20).toFixed(0)} MB before (sampled every 100 ms)`,
          ],
        },
      ];
    },
  };
}
