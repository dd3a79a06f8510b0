import { HIT_NO_HIT_SUBJECT, hitNoHitAskers, hitNoHitKey, identifierHash } from '../../services/entities/hit-no-hit.service';
import { verifyChain } from '../../services/audit/chain';
import { ask as askAs, eventsOf } from '../audit/support';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * Hit/no-hit: any member agency asks whether identifiers are known to the hub beyond what it can
 * already see, and whom it could ask. It learns that, and nothing else: never what is held, never a
 * case, a marking, a date or a note; the holder of a RED statement is never named; and an identifier
 * nobody holds looks exactly like one whose every statement the caller already sees.
 */

const HIT = `query($ids: [IdentifierInput!]!) {
  hitNoHit(identifiers: $ids) { kind value known holderCount contactableAgencies { id slug } }
}`;
type Result = { kind: string; value: string; known: boolean; holderCount: number; contactableAgencies: Array<{ id: string; slug: string }> };

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

type QuotaName = 'USER_PER_MINUTE' | 'USER_PER_DAY' | 'AGENCY_PER_MINUTE' | 'AGENCY_PER_DAY';
/** Runs `fn` with these hit/no-hit quotas (read per request, services/kernel/config.ts), the defaults for the others. */
async function withQuota<T>(quotas: Partial<Record<QuotaName, number>>, fn: () => Promise<T>): Promise<T> {
  const names = Object.keys(quotas) as QuotaName[];
  for (const n of names) process.env[`TESSERA_HIT_NO_HIT_${n}`] = String(quotas[n]);
  try {
    return await fn();
  } finally {
    for (const n of names) delete process.env[`TESSERA_HIT_NO_HIT_${n}`];
  }
}

const agencyIds = () => new Set(Object.values(hub.demo.agencies).map((a) => a.id));

async function ask(persona: string, ids: Array<{ kind: string; value: string; country?: string }>): Promise<Result[]> {
  const r = await hub.gql<{ hitNoHit: Result[] }>(persona, HIT, { ids });
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors ?? r)}`);
  // The only ids an answer ever carries are agencies'; no marking is ever named.
  const json = JSON.stringify(r);
  for (const uuid of json.match(UUID) ?? []) expect(agencyIds()).toContain(uuid);
  for (const m of MARKINGS) expect(json).not.toContain(`"${m}"`);
  return r.data.hitNoHit;
}

const slugs = (r: Result) => r.contactableAgencies.map((a) => a.slug).sort();
/** What an answer says beyond echoing the question. */
const answer = (r: Result) => ({ known: r.known, holderCount: r.holderCount, contactableAgencies: r.contactableAgencies });

describe('police', () => {
  test('learn who else holds their suspect’s phone, typed as they like, and nothing about what they hold', async () => {
    const [phone, covert, unknown] = await ask('met-police', [
      { kind: 'PHONE', value: '0722 123 456', country: 'RO' },
      { kind: 'PHONE', value: '07700 900555' },
      { kind: 'PHONE', value: '07700 900001' },
    ]);
    // The West Midlands' AMBER statement about S1's phone does not reach the Met: a hit, and whom to ask.
    expect(phone).toMatchObject({ kind: 'PHONE', value: '+40722123456', known: true, holderCount: 1 });
    expect(slugs(phone!)).toEqual(['west-midlands-police']);
    // Its own covert handset: nothing beyond what it sees.
    expect(answer(covert!)).toEqual({ known: false, holderCount: 0, contactableAgencies: [] });
    expect(unknown).toEqual({ kind: 'PHONE', value: '+447700900001', known: false, holderCount: 0, contactableAgencies: [] });
  });

  test('another force learns the covert handset is known, not who holds it nor what', async () => {
    const r = await hub.gql<{ hitNoHit: Result[] }>('west-midlands-police', HIT, { ids: [{ kind: 'PHONE', value: '+44 7700 900555' }] });
    expect(r.data!.hitNoHit[0]).toMatchObject({ known: true, holderCount: 1 });
    // AMBER_STRICT keeps even the fact of holding with its owner: counted, never named.
    expect(slugs(r.data!.hitNoHit[0]!)).toEqual([]);
    const json = JSON.stringify(r);
    for (const secret of ['Covert source', '2026-02-10', 'MPS-2026-0533', hub.demo.ids['case:strict']!, hub.demo.ids['observation:strict:covert-phone']!]) {
      expect(json).not.toContain(secret);
    }
  });
});

describe('the answer never tells "unknown" from "known, and all of it visible to you"', () => {
  test('same shape, same values: police asking about what they see in full, an NGO about what only it holds', async () => {
    // The recruiter's profile: the Met's own Lanterna statement and the NGO's GREEN one, both readable by police.
    const [seen, unknown] = await ask('met-police', [
      { kind: 'SOCIAL_PROFILE', value: 'https://www.instagram.com/tessera.demo.ionut/' },
      { kind: 'SOCIAL_PROFILE', value: 'instagram:never.contributed' },
    ]);
    expect(seen!.value).toBe('instagram:tessera.demo.ionut');
    expect(answer(seen!)).toEqual(answer(unknown!));
    expect(Object.keys(seen!)).toEqual(Object.keys(unknown!));

    const added = await hub.gql(
      'safe-passage',
      `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`,
      {
        caseId: hub.demo.ids['case:safe-passage'],
        input: { kind: 'EMAIL', value: 'only.safe.passage@example.org', note: 'Address the survivor was told to write to' },
      },
    );
    expect(added.errors).toBeUndefined();
    const [own, none] = await ask('safe-passage', [
      { kind: 'EMAIL', value: 'Only.Safe.Passage@example.org' },
      { kind: 'EMAIL', value: 'never.contributed@example.net' },
    ]);
    expect(answer(own!)).toEqual(answer(none!));
    // Another NGO cannot read Safe Passage's statement: for it, a hit.
    const [lumina] = await ask('lumina-ro', [{ kind: 'EMAIL', value: 'only.safe.passage@example.org' }]);
    expect(lumina).toMatchObject({ known: true, holderCount: 1 });
    expect(slugs(lumina!)).toEqual(['safe-passage']);
  });

  test('an agency asking about what only it holds gets "not known"', async () => {
    // Banca Carpați reports an account nobody else knows (GREEN): the others see the entity exist, it sees nothing beyond its own.
    const r = await hub.gql('banca-carpati', `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`, {
      input: {
        handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
        reportCode: 'STR',
        reason: 'Hit/no-hit fixture: cash deposits by couriers in Constanța',
        indicators: ['FUNNEL_ACCOUNT'],
        parties: [{ name: 'Fixture holder', significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: 'RO49 AAAA 1B31 0075 9384 0000' } }],
        idempotencyKey: 'hit-no-hit-fixture-1',
      },
    });
    expect(r.errors).toBeUndefined();
    const [own] = await ask('banca-carpati', [{ kind: 'BANK_ACCOUNT', value: 'RO49AAAA1B31007593840000' }]);
    const [none] = await ask('banca-carpati', [{ kind: 'BANK_ACCOUNT', value: 'GB82 WEST 1234 5698 7654 32' }]);
    expect(answer(own!)).toEqual(answer(none!));
    // Albion cannot read Banca Carpați's statement: a hit, naming the holder.
    const [other] = await ask('albion-bank', [{ kind: 'BANK_ACCOUNT', value: 'RO49AAAA1B31007593840000' }]);
    expect(other).toMatchObject({ known: true, holderCount: 1 });
    expect(slugs(other!)).toEqual(['banca-carpati']);
  });
});

describe('banks and NGOs', () => {
  test('a bank learns that police hold its reported account, never the cases or markings', async () => {
    const [iban] = await ask('albion-bank', [{ kind: 'BANK_ACCOUNT', value: 'GB68 ALBN 6016 1331 9268 19' }]);
    // Its own report it sees; the Met's Lanterna statement (AMBER, not shared with the bank) it does not.
    expect(iban).toMatchObject({ value: 'GB68ALBN60161331926819', known: true, holderCount: 1 });
    expect(slugs(iban!)).toEqual(['met-police']);
  });

  test('an NGO asking about an account learns both forces that hold it', async () => {
    const [iban] = await ask('safe-passage', [{ kind: 'BANK_ACCOUNT', value: 'RO26 CRPT 0000 0012 3456 7890' }]);
    expect(iban).toMatchObject({ known: true, holderCount: 2 });
    expect(slugs(iban!)).toEqual(['met-police', 'politia-romana']);
  });

  test('holders that do not accept access requests count but are not offered', async () => {
    await hub.db.query(`UPDATE agencies.agencies SET accepts_access_requests = false WHERE slug = 'politia-romana'`);
    try {
      const [email] = await ask('albion-bank', [{ kind: 'EMAIL', value: 'Recrutare.Demo@Example.org' }]);
      expect(email).toMatchObject({ known: true, holderCount: 2 });
      expect(slugs(email!)).toEqual(['safe-passage']);
    } finally {
      await hub.db.query(`UPDATE agencies.agencies SET accepts_access_requests = true WHERE slug = 'politia-romana'`);
    }
  });
});

describe('RED statements', () => {
  let redPhone = '';
  beforeAll(async () => {
    // A Met briefing marked RED for named people only, naming a handset.
    const opened = await hub.gql<{ openCase: { id: string } }>('met-police', `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, {
      input: {
        handling: { marking: 'RED', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'A', handlingCode: 'P' },
        reference: 'MPS-RED-HIT-1',
        summary: 'RED briefing: handset of a witness in protection',
        exploitationTypes: ['SEXUAL'],
      },
    });
    expect(opened.errors).toBeUndefined();
    redPhone = '+447700900777';
    const added = await hub.gql('met-police', `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`, {
      caseId: opened.data!.openCase.id,
      input: { kind: 'PHONE', value: redPhone, note: 'Witness handset (RED)' },
    });
    expect(added.errors).toBeUndefined();
  });

  test.each(['west-midlands-police', 'albion-bank', 'safe-passage', 'tessera-hub', 'met-police:VIEWER'])(
    'count as known, but their holder is never named (%s)',
    async (persona) => {
      const [r] = await ask(persona, [{ kind: 'PHONE', value: redPhone }]);
      expect(r).toEqual({ kind: 'PHONE', value: redPhone, known: true, holderCount: 1, contactableAgencies: [] });
    },
  );

  test('the named user sees the statement, so it is no hit for them', async () => {
    const [r] = await ask('met-police', [{ kind: 'PHONE', value: redPhone }]);
    expect(answer(r!)).toEqual({ known: false, holderCount: 0, contactableAgencies: [] });
  });
});

describe('the request', () => {
  test('answers in input order, one result per identifier, repeated or not', async () => {
    const r = await ask('west-midlands-police', [
      { kind: 'PHONE', value: '+40 722 123 456' },
      { kind: 'EMAIL', value: 'nobody@example.com' },
      { kind: 'PHONE', value: '0040722123456' },
    ]);
    expect(r.map((x) => x.value)).toEqual(['+40722123456', 'nobody@example.com', '+40722123456']);
    expect(answer(r[0]!)).toEqual(answer(r[2]!));
  });

  test('a thousand identifiers cost one statement (what the caller sees, and who holds the rest), and one to meter and record them', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => ({ kind: 'PHONE', value: `+447700${String(100000 + i)}` }));
    ids[500] = { kind: 'PHONE', value: '+40722123456' };
    const q = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known holderCount contactableAgencies { id } } }`;
    // The gateway looks its user up again when a 5-second cache entry expires: the fewest of three runs is the query's own cost.
    // Besides the lookup, a request costs one audit statement: its quota's locks, the check and the chained
    // insert of its event, in one (services/kernel/audit-hit-no-hit.ts).
    let fewest = Infinity;
    let audit = 0;
    let r = { status: 0 } as GraphQLResult<{ hitNoHit: Array<{ known: boolean }> }>;
    await withQuota({ USER_PER_MINUTE: 100000, AGENCY_PER_MINUTE: 100000, USER_PER_DAY: 100000, AGENCY_PER_DAY: 100000 }, async () => {
      r = await hub.gql<{ hitNoHit: Array<{ known: boolean }> }>('met-police', q, { ids });
      for (let run = 0; run < 3; run++) {
        const before = hub.probe.statements;
        const auditBefore = hub.probe.auditStatements;
        r = await hub.gql<{ hitNoHit: Array<{ known: boolean }> }>('met-police', q, { ids });
        const auditRun = hub.probe.auditStatements - auditBefore;
        if (hub.probe.statements - before - auditRun < fewest) [fewest, audit] = [hub.probe.statements - before - auditRun, auditRun];
      }
    });
    expect(fewest).toBe(1);
    expect(audit).toBe(1);
    expect(r.data!.hitNoHit).toHaveLength(1000);
    expect(r.data!.hitNoHit.filter((x) => x.known)).toHaveLength(1);
    expect(r.data!.hitNoHit[500]!.known).toBe(true);
  });

  test('asked with a personal field in the same request, both are recorded (the hit/no-hit event first: it is committed before the answer is complete)', async () => {
    const q = `query($ids: [IdentifierInput!]!, $id: ID!) { hitNoHit(identifiers: $ids) { known } entity(id: $id) { value } }`;
    const r = await withQuota({ USER_PER_MINUTE: 100000, AGENCY_PER_MINUTE: 100000 }, () =>
      askAs<{ hitNoHit: Array<{ known: boolean }>; entity: { value: string } }>(hub, 'met-police', q, {
        ids: [{ kind: 'PHONE', value: '0722 123 456', country: 'RO' }],
        id: hub.demo.ids['entity:s1-phone-ro'],
      }),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.hitNoHit).toEqual([{ known: true }]);
    expect(r.data!.entity.value).toBe('+40722123456');
    const events = await eventsOf(hub, r.requestId);
    expect(events.map((e) => [e.action, e.subject_type])).toEqual([
      ['CONSULT', HIT_NO_HIT_SUBJECT],
      ['CONSULT', 'Entity'],
    ]);
  });

  test('refuses more than 1000, and names the identifier that is not valid', async () => {
    const many = Array.from({ length: 1001 }, () => ({ kind: 'EMAIL', value: 'a@example.org' }));
    const tooMany = await hub.gql('met-police', HIT, { ids: many });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.errors![0]!.extensions!.field).toBe('identifiers');
    const invalid = await hub.gql('met-police', HIT, {
      ids: [
        { kind: 'EMAIL', value: 'a@example.org' },
        { kind: 'BANK_ACCOUNT', value: 'RO27CRPT0000001234567890' },
      ],
    });
    expect(codes(invalid)).toEqual(['BAD_USER_INPUT']);
    expect(invalid.errors![0]!.extensions!.field).toBe('identifiers[1].value');
    const country = await hub.gql('met-police', HIT, { ids: [{ kind: 'PHONE', value: '0722 123 456', country: 'ROU' }] });
    expect(country.errors![0]!.extensions!.field).toBe('identifiers[0].country');
    // A national number the agency's country cannot place: refused, not silently "unknown".
    const national = await hub.gql('albion-bank', HIT, { ids: [{ kind: 'PHONE', value: '0722 123' }] });
    expect(codes(national)).toEqual(['BAD_USER_INPUT']);
  });

  test('hub administrators, who read no intelligence, may not ask', async () => {
    const r = await hub.gql('tessera-admin', HIT, { ids: [{ kind: 'PHONE', value: '+40722123456' }] });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.data?.hitNoHit ?? null).toBeNull();
  });
});

describe('mining: hit/no-hit cannot be used to check numbers in bulk unnoticed', () => {
  const Q = `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { value known } }`;
  type Data = { hitNoHit: Array<{ value: string; known: boolean }> };
  type Answer = GraphQLResult<Data>;
  const batch = (b: number, base = 100000) => Array.from({ length: 1000 }, (_, i) => ({ kind: 'PHONE', value: `+447700${String(base + b * 1000 + i)}` }));
  const agencyOf = (slug: string) => hub.demo.agencies[slug]!.id;
  const events = (agency: string) =>
    hub.db.query<{ user: string; purpose: string | null; fields: string[]; subject: string }>(
      `SELECT actor_user_id AS user, purpose, fields, subject_id AS subject FROM audit.events WHERE subject_type = $1 AND actor_agency_id = $2 ORDER BY seq`,
      [HIT_NO_HIT_SUBJECT, agency],
    );
  const refusal = (r: Answer) => {
    expect(codes(r)).toEqual(['RATE_LIMITED']);
    expect(r.data?.hitNoHit ?? null).toBeNull();
    return r.errors![0]!.extensions!.retryAfterSeconds as number;
  };

  test('ten back-to-back requests of 1,000 numbers: the quota stops all but the first 2,000, and every request is on the audit trail, hashed', async () => {
    const ids = Array.from({ length: 10 }, (_, b) => batch(b));
    ids[9]![7] = { kind: 'PHONE', value: '+40722123456' }; // a known number, in a request the quota refuses
    const answers: Answer[] = [];
    for (const b of ids) answers.push(await hub.gql<Data>('politia-romana', Q, { ids: b }));

    // Default quota: 2,000 identifiers per user per minute.
    for (const r of answers.slice(0, 2)) expect(r.errors).toBeUndefined();
    expect(answers[0]!.data!.hitNoHit).toHaveLength(1000);
    for (const r of answers.slice(2)) {
      const wait = refusal(r);
      expect(Number.isInteger(wait) && wait >= 1 && wait <= 60).toBe(true);
    }

    const trail = await events(agencyOf('politia-romana'));
    expect(trail).toHaveLength(10);
    const key = hitNoHitKey();
    trail.forEach((e, b) => {
      expect(e.fields).toContain('identifiers:1000');
      expect(e.fields).toContain('agencyType:LAW_ENFORCEMENT');
      expect(e.fields).toContain(b < 2 ? 'outcome:ANSWERED' : 'outcome:RATE_LIMITED');
      const hashes = e.fields.filter((f) => f.startsWith('hmac:'));
      expect(hashes.sort()).toEqual(ids[b]!.map((i) => identifierHash(key, i.kind, i.value)).sort());
    });
    // What the quota sums: the column the database derives from an answered event's fields, none for a refused one or any other event.
    const counted = await hub.db.query<{ n: number | null }>(
      `SELECT hit_no_hit_answered AS n FROM audit.events WHERE subject_type = $1 AND actor_agency_id = $2 ORDER BY seq`,
      [HIT_NO_HIT_SUBJECT, agencyOf('politia-romana')],
    );
    expect(counted.map((c) => c.n)).toEqual([1000, 1000, null, null, null, null, null, null, null, null]);
    const [other] = await hub.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit.events WHERE subject_type <> $1 AND hit_no_hit_answered IS NOT NULL`,
      [HIT_NO_HIT_SUBJECT],
    );
    expect(other!.n).toBe(0);
    // No clear value anywhere in the trail: not the numbers, not their digits.
    const [clear] = await hub.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit.events e WHERE e::text LIKE '%447700100%' OR e::text LIKE '%7700100%' OR e::text LIKE '%722123456%'`,
    );
    expect(clear!.n).toBe(0);
  });

  test('concurrent requests, in parallel connections, cannot slip past the quota together', async () => {
    const answers = await Promise.all([0, 1, 2, 3, 4].map((b) => hub.gql<Data>('lumina-ro:SUPERVISOR', Q, { ids: batch(b, 200000) })));
    expect(answers.filter((r) => r.errors === undefined)).toHaveLength(2);
    for (const r of answers.filter((x) => x.errors !== undefined)) refusal(r);
  });

  test('many concurrent requests of two agencies and two users each, exactly at and then over their agency quota: what fits is answered, nothing more, every request on the trail', async () => {
    const bank = agencyOf('banca-carpati');
    const police = agencyOf('west-midlands-police');
    const personas: Record<string, [string, string]> = {
      [bank]: ['banca-carpati', 'banca-carpati:VIEWER'],
      [police]: ['west-midlands-police', 'west-midlands-police:SUPERVISOR'],
    };
    // What each agency's answered requests counted in the last minute (earlier tests asked a few).
    const used = async (agency: string) => {
      const [row] = await hub.db.query<{ n: number }>(
        `SELECT coalesce(sum(hit_no_hit_answered), 0)::int AS n FROM audit.events
          WHERE subject_type = $1 AND actor_agency_id = $2 AND at > clock_timestamp() - interval '1 minute'`,
        [HIT_NO_HIT_SUBJECT, agency],
      );
      return row!.n;
    };
    const hundred = (base: number, r: number) => Array.from({ length: 100 }, (_, i) => ({ kind: 'PHONE', value: `+447700${String(base + r * 100 + i)}` }));
    /** `n` requests of 100 distinct identifiers from each agency, alternating its two users, all at once. */
    const burst = async (n: number, base: number) => {
      const sent = [bank, police].flatMap((agency, a) =>
        Array.from({ length: n }, (_, r) => ({ agency, request: hub.gql<Data>(personas[agency]![r % 2]!, Q, { ids: hundred(base + a * 200000, r) }) })),
      );
      const answers = await Promise.all(sent.map((s) => s.request));
      const answered = (agency: string) => answers.filter((r, i) => sent[i]!.agency === agency && r.errors === undefined).length;
      for (const r of answers.filter((x) => x.errors !== undefined)) refusal(r);
      return { [bank]: answered(bank), [police]: answered(police) };
    };
    const users = { USER_PER_MINUTE: 100000, USER_PER_DAY: 100000, AGENCY_PER_DAY: 100000 };
    const [{ seq: before }] = (await hub.db.query<{ seq: string }>(`SELECT coalesce(max(seq), 0)::text AS seq FROM audit.events`)) as [{ seq: string }];

    // Exactly at the quota: the agency that used more has room for exactly 10 requests of 100, and all 10 are answered.
    const [bankUsed, policeUsed] = [await used(bank), await used(police)];
    const quota = Math.max(bankUsed, policeUsed) + 1000;
    const at = await withQuota({ ...users, AGENCY_PER_MINUTE: quota }, () => burst(10, 510000));
    expect(at[bank]).toBe(10);
    expect(at[police]).toBe(10);

    // Over it: 14 more each, all at once; each agency is answered exactly what is left of its minute.
    const left = (agency: string) => quota - (agency === bank ? bankUsed : policeUsed) - 1000;
    const over = await withQuota({ ...users, AGENCY_PER_MINUTE: quota }, () => burst(14, 520000));
    expect(over[bank]).toBe(Math.min(14, Math.floor(left(bank) / 100)));
    expect(over[police]).toBe(Math.min(14, Math.floor(left(police) / 100)));
    expect(await used(bank)).toBeLessThanOrEqual(quota);
    expect(await used(police)).toBeLessThanOrEqual(quota);
    expect(Math.max(await used(bank), await used(police))).toBe(quota);

    // Every request, answered or refused, is one event of its own, and the chain still verifies.
    const [trail] = await hub.db.query<{ events: number; requests: number; answered: number }>(
      `SELECT count(*)::int AS events, count(DISTINCT subject_id)::int AS requests, count(hit_no_hit_answered)::int AS answered
         FROM audit.events WHERE subject_type = $1 AND seq > $2::bigint AND actor_agency_id = ANY ($3::uuid[])`,
      [HIT_NO_HIT_SUBJECT, before, [bank, police]],
    );
    expect(trail).toEqual({ events: 48, requests: 48, answered: 20 + over[bank]! + over[police]! });
    expect((await verifyChain(hub.db)).ok).toBe(true);
  });

  test('an agency quota counts all its users; a request that fits is answered', async () => {
    await withQuota({ AGENCY_PER_MINUTE: 2500 }, async () => {
      const first = await hub.gql<Data>('albion-bank:SUPERVISOR', Q, { ids: batch(0, 300000) });
      const second = await hub.gql<Data>('albion-bank:VIEWER', Q, { ids: batch(1, 300000) });
      expect(first.errors).toBeUndefined();
      expect(second.errors).toBeUndefined();
      // A third user of the same agency, under their own user quota, is over the agency's.
      const third = await hub.gql<Data>('albion-bank', Q, { ids: batch(2, 300000) });
      expect(refusal(third)).toBeGreaterThan(0);
      const fits = await hub.gql<Data>('albion-bank', Q, { ids: batch(2, 300000).slice(0, 400) });
      expect(fits.errors).toBeUndefined();
    });
  });

  test('a per-day quota holds after the minute has passed', async () => {
    await withQuota({ USER_PER_DAY: 1500 }, async () => {
      expect((await hub.gql<Data>('safe-passage:SUPERVISOR', Q, { ids: batch(0, 400000) })).errors).toBeUndefined();
      // Age the answered request past the minute (the owner's fixture; the trail forbids it to everyone else).
      await hub.db.query(`ALTER TABLE audit.events DISABLE TRIGGER events_append_only`);
      try {
        await hub.db.query(`UPDATE audit.events SET at = at - interval '2 minutes' WHERE subject_type = $1 AND actor_agency_id = $2`, [
          HIT_NO_HIT_SUBJECT,
          agencyOf('safe-passage'),
        ]);
      } finally {
        await hub.db.query(`ALTER TABLE audit.events ENABLE ALWAYS TRIGGER events_append_only`);
      }
      const wait = refusal(await hub.gql<Data>('safe-passage:SUPERVISOR', Q, { ids: batch(1, 400000) }));
      expect(wait).toBeGreaterThan(60);
      expect(wait).toBeLessThanOrEqual(24 * 3600);
    });
  });

  test('the hub, with its key, answers who asked about a number: agency, user, time and purpose, from the hash alone', async () => {
    const number = { kind: 'PHONE', value: '+447700105005' }; // asked by Poliția Română above, answered
    const askers = await hitNoHitAskers(hub.db, hitNoHitKey(), number.kind, number.value);
    expect(askers).toHaveLength(1);
    expect(askers[0]).toMatchObject({ agencyId: agencyOf('politia-romana'), outcome: 'RATE_LIMITED', requestId: expect.any(String) });
    expect(askers[0]!.userId).toMatch(UUID);
    // Without the key the trail does not say: the same number under another key is another hash.
    expect(await hitNoHitAskers(hub.db, Buffer.alloc(32, 1), number.kind, number.value)).toEqual([]);
  });
});

describe('the holder sees how often its identifiers were asked about, by agency type, and nobody else does', () => {
  const EMAIL = 'interest.probe@example.org';
  const INTEREST = `query($from: String!, $to: String!) { hitNoHitInterest(from: $from, to: $to) { kind value queries askedBy { agencyType queries } } }`;
  type Interest = { kind: string; value: string; queries: number; askedBy: Array<{ agencyType: string; queries: number }> };
  const period = { from: '', to: '' };
  const interest = (persona: string) => hub.gql<{ hitNoHitInterest: Interest[] }>(persona, INTEREST, period);

  beforeAll(async () => {
    period.from = new Date(Date.now() - 1000).toISOString();
    const added = await hub.gql(
      'safe-passage',
      `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`,
      {
        caseId: hub.demo.ids['case:safe-passage'],
        input: { kind: 'EMAIL', value: EMAIL, note: 'Address a recruiter wrote from' },
      },
    );
    expect(added.errors).toBeUndefined();
    for (const persona of ['met-police:SUPERVISOR', 'west-midlands-police:SUPERVISOR', 'albion-bank:SUPERVISOR', 'lumina-ro', 'safe-passage:SUPERVISOR']) {
      const r = await hub.gql(persona, `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }`, {
        ids: [{ kind: 'EMAIL', value: EMAIL }],
      });
      expect(r.errors).toBeUndefined();
    }
    period.to = new Date(Date.now() + 60_000).toISOString();
  });

  test('the holder: counts by agency type, its own agency’s requests not counted, no agency or user named; police asking is not told to an NGO', async () => {
    const r = await interest('safe-passage');
    expect(r.errors).toBeUndefined();
    const mine = r.data!.hitNoHitInterest.find((i) => i.value === EMAIL);
    // Two forces asked too: that is an investigation's trace, never told to a holder that is not police.
    expect(mine).toEqual({
      kind: 'EMAIL',
      value: EMAIL,
      queries: 2,
      askedBy: [
        { agencyType: 'FINANCIAL_INSTITUTION', queries: 1 },
        { agencyType: 'NGO', queries: 1 },
      ],
    });
    expect(JSON.stringify(r)).not.toMatch(UUID);
  });

  test('a force holding an identifier sees other forces asked about it (deconfliction); a bank holding one asked about by police alone sees nothing', async () => {
    const PHONE = '+447700900511';
    const ACCOUNT = 'GB29NWBK60161331926819';
    const add = (persona: string, caseKey: string, kind: string, value: string) =>
      hub.gql(persona, `mutation($caseId: ID!, $input: AddCaseEntityInput!) { addCaseEntity(caseId: $caseId, input: $input) { id } }`, {
        caseId: hub.demo.ids[caseKey],
        input: { kind, value, note: 'Interest probe' },
      });
    const from = new Date(Date.now() - 1000).toISOString();
    expect((await add('met-police', 'case:lanterna', 'PHONE', PHONE)).errors).toBeUndefined();
    const report = await hub.gql('albion-bank', `mutation($input: SubmitTransactionReportInput!) { submitTransactionReport(input: $input) { id } }`, {
      input: {
        idempotencyKey: 'interest-probe-account',
        handling: { marking: 'GREEN', sourceEvaluation: 'RELIABLE', intelligenceAssessment: 'B', handlingCode: 'P' },
        reportCode: 'SAR',
        reason: 'Interest probe: cash paid in and sent on within a day.',
        indicators: ['CASH_OUTSIDE_HOURS'],
        amount: 100,
        currency: 'GBP',
        dateFrom: '2026-01-01',
        dateTo: '2026-01-02',
        parties: [{ name: 'Interest probe', significance: 'SUBJECT', account: { kind: 'BANK_ACCOUNT', value: ACCOUNT } }],
      },
    });
    expect(report.errors).toBeUndefined();
    for (const persona of ['west-midlands-police:SUPERVISOR', 'albion-bank:SUPERVISOR', 'safe-passage:SUPERVISOR']) {
      const r = await hub.gql(persona, `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }`, {
        ids: [{ kind: 'PHONE', value: PHONE }],
      });
      expect(r.errors).toBeUndefined();
    }
    const asked = await hub.gql('met-police:SUPERVISOR', `query($ids: [IdentifierInput!]!) { hitNoHit(identifiers: $ids) { known } }`, {
      ids: [{ kind: 'BANK_ACCOUNT', value: ACCOUNT }],
    });
    expect(asked.errors).toBeUndefined();
    const window = { from, to: new Date(Date.now() + 60_000).toISOString() };
    const met = await hub.gql<{ hitNoHitInterest: Interest[] }>('met-police', INTEREST, window);
    expect(met.errors).toBeUndefined();
    expect(met.data!.hitNoHitInterest.find((i) => i.value === PHONE)).toEqual({
      kind: 'PHONE',
      value: PHONE,
      queries: 3,
      askedBy: [
        { agencyType: 'FINANCIAL_INSTITUTION', queries: 1 },
        { agencyType: 'LAW_ENFORCEMENT', queries: 1 },
        { agencyType: 'NGO', queries: 1 },
      ],
    });
    const bank = await hub.gql<{ hitNoHitInterest: Interest[] }>('albion-bank', INTEREST, window);
    expect(bank.errors).toBeUndefined();
    expect(JSON.stringify(bank.data)).not.toMatch(/LAW_ENFORCEMENT/);
    expect(bank.data!.hitNoHitInterest.find((i) => i.value.replace(/\W/g, '').endsWith('31926819'))).toBeUndefined();
  });

  test.each(['lumina-ro', 'met-police:SUPERVISOR', 'albion-bank:SUPERVISOR'])('another agency, even one that asked, never sees it (%s)', async (persona) => {
    const r = await interest(persona);
    expect(r.errors).toBeUndefined();
    expect(JSON.stringify(r.data)).not.toContain(EMAIL);
  });

  test.each(['safe-passage:VIEWER', 'tessera-admin'])('viewers and hub administrators may not ask (%s)', async (persona) => {
    const r = await interest(persona);
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.data?.hitNoHitInterest ?? null).toBeNull();
  });
});
