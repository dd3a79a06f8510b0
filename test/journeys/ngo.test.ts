import { iban } from '../leaks/support';
import { codes, type GraphQLResult, startTestHub, type TestHub } from '../support/hub';

/**
 * An NGO's journey (issue 3): a narrative in English or Romanian, for an existing case or a new
 * one, with the survivor's consent; Tessera reads identifiers and indicators from the text as
 * proposals only the owner sees; the owner confirms them (identifiers become observations others
 * may see by their own rules, indicators join the narrative's); withdrawing consent erases the
 * text and everything derived only from it, and afterwards no query finds any of it.
 */

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const GREEN = { marking: 'GREEN', sourceEvaluation: 'UNTESTED', intelligenceAssessment: 'C', handlingCode: 'P' };

const PHONE = '+447700900777';
const EMAIL = 'journey.controller@example.org';
const HANDLE = 'instagram:loverboy.journey';
const IBAN = iban('GB', 'ALBN60169988776655');
const RECRUITER_EMAIL = 'recrutare.demo@example.org'; // also observed in two GREEN demo cases

const EN_TEXT =
  `B. was contacted on Instagram by instagram: @loverboy.journey, who soon called himself her boyfriend. ` +
  `In London he took her passport and said she owed him £3,000 for the journey. ` +
  `Clients had to call +44 7700 900777 or write to ${EMAIL}; he had first written to her from ${RECRUITER_EMAIL}. ` +
  `Her earnings were paid into ${IBAN.replace(/(.{4})/g, '$1 ').trim()}. He threatened to hurt her family in Romania.`;

const RO_TEXT =
  'L-am cunoscut pe Facebook. Iubitul meu zicea ca o sa lucram amandoi la Londra. Acolo pasaportul mi l-a păstrat el ' +
  'si zicea ca datoria creste in fiecare saptamana. Ma suna de pe 0744 555 123 si ma amenința ca le spune parintilor.';

const NARRATIVE_FIELDS = `id text indicators withdrawnAt case { id }
  proposals { id kind identifierKind value indicator excerptStart excerptEnd excerpt status decidedAt entity { id } }`;
const CONTRIBUTE = `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { ${NARRATIVE_FIELDS} } }`;
const NARRATIVE = `query($id: ID!) { narrative(id: $id) { ${NARRATIVE_FIELDS} } }`;
const DECIDE = `mutation($id: ID!, $decision: ProposalDecision!) {
  decideProposal(id: $id, decision: $decision) { id status value indicator decidedAt entity { id } narrative { id indicators } }
}`;
const WITHDRAW = `mutation($id: ID!) { withdrawConsent(id: $id, reason: "The survivor withdrew consent") { id text indicators withdrawnAt proposals { id } } }`;
const ENTITY = `query($id: ID!) { entity(id: $id) { id kind value observations { sourceType sourceId } } }`;

interface Proposal {
  id: string;
  kind: 'IDENTIFIER' | 'INDICATOR';
  identifierKind: string | null;
  value: string | null;
  indicator: string | null;
  excerptStart: number;
  excerptEnd: number;
  excerpt: string;
  status: string;
  decidedAt: string | null;
  entity: { id: string } | null;
}
interface Narrative {
  id: string;
  text: string | null;
  indicators: string[];
  withdrawnAt: string | null;
  case: { id: string };
  proposals: Proposal[];
}

const enInput = (extra: Record<string, unknown> = {}) => ({
  caseId: hub.demo.ids['case:safe-passage'],
  language: 'EN',
  text: EN_TEXT,
  indicators: ['RECRUITED_VIA_SOCIAL_MEDIA'],
  consent: { lawEnforcement: true, hub: true, recordedBy: 'Safe Passage caseworker (journey test)' },
  handling: GREEN,
  idempotencyKey: 'journey-ngo-en-1',
  ...extra,
});

async function must<T>(persona: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const r = await hub.gql<T>(persona, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`${persona}: ${JSON.stringify(r.errors)}`);
  return r.data;
}
const identifier = (n: Narrative, kind: string, value: string) => n.proposals.find((p) => p.identifierKind === kind && p.value === value)!;
const indicator = (n: Narrative, code: string) => n.proposals.find((p) => p.indicator === code)!;
const count = async (sql: string, params: unknown[] = []) => Number((await hub.db.query<{ n: string }>(sql, params))[0]!.n);

describe('an English narrative, its proposals and their decisions', () => {
  let narrative: Narrative;

  test('Tessera reads identifiers and indicators from the text as proposals, pointing at the words it read', async () => {
    narrative = (await must<{ contributeNarrative: Narrative }>('safe-passage', CONTRIBUTE, { input: enInput() })).contributeNarrative;
    const ids = narrative.proposals.filter((p) => p.kind === 'IDENTIFIER').map((p) => `${p.identifierKind} ${p.value}`);
    expect(ids.sort()).toEqual([`BANK_ACCOUNT ${IBAN}`, `EMAIL ${EMAIL}`, `EMAIL ${RECRUITER_EMAIL}`, `PHONE ${PHONE}`, `SOCIAL_PROFILE ${HANDLE}`].sort());
    const indicators = narrative.proposals.filter((p) => p.kind === 'INDICATOR').map((p) => p.indicator);
    expect(indicators).toEqual(
      expect.arrayContaining([
        'RECRUITED_VIA_FALSE_RELATIONSHIP',
        'RETENTION_OF_DOCUMENTS',
        'CONTROL_WITHHOLDS_DOCUMENTS',
        'DEBT_BONDAGE',
        'INTIMIDATION_AND_THREATS',
        'CONTROL_THREATS_TO_FAMILY',
      ]),
    );
    // What the contributor already stated is not proposed again.
    expect(indicators).not.toContain('RECRUITED_VIA_SOCIAL_MEDIA');
    for (const p of narrative.proposals) {
      expect(p.status).toBe('PROPOSED');
      expect(p.excerpt).toBe(EN_TEXT.slice(p.excerptStart, p.excerptEnd));
    }
    expect(identifier(narrative, 'PHONE', PHONE).excerpt).toBe('+44 7700 900777');
    expect(indicator(narrative, 'RETENTION_OF_DOCUMENTS').excerpt).toBe('took her passport');
    // Only offsets are stored: no proposal row holds a copy of the text around it.
    const [row] = await hub.db.query<Record<string, unknown>>('SELECT * FROM narratives.proposals WHERE narrative_id = $1 LIMIT 1', [narrative.id]);
    expect(Object.keys(row!).sort()).toEqual(
      [
        'created_at',
        'decided_at',
        'decided_by_user_id',
        'entity_id',
        'excerpt_end',
        'excerpt_start',
        'id',
        'identifier_kind',
        'identifier_value',
        'indicator_code',
        'kind',
        'narrative_id',
        'status',
      ].sort(),
    );
  });

  test('replaying the contribution creates nothing new', async () => {
    const before = await count('SELECT count(*) AS n FROM narratives.proposals');
    const again = (await must<{ contributeNarrative: Narrative }>('safe-passage', CONTRIBUTE, { input: enInput() })).contributeNarrative;
    expect(again.id).toBe(narrative.id);
    expect(await count('SELECT count(*) AS n FROM narratives.proposals')).toBe(before);
  });

  test('only the owner sees proposals: other NGOs, police and hub analysts (even with consent to the text) get none, banks not even the narrative', async () => {
    const viewer = await must<{ narrative: Narrative }>('safe-passage:VIEWER', NARRATIVE, { id: narrative.id });
    expect(viewer.narrative.proposals).toHaveLength(narrative.proposals.length);

    const q = `query($id: ID!, $case: ID!) {
      narrative(id: $id) { id proposals { id value indicator excerpt } }
      narratives(first: 200) { nodes { id proposals { id value } } }
      case(id: $case) { narratives { id proposals { id value } } }
    }`;
    const vars = { id: narrative.id, case: hub.demo.ids['case:safe-passage'] };
    for (const persona of ['lumina-ro', 'met-police', 'west-midlands-police', 'tessera-hub']) {
      const r = await hub.gql<{
        narrative: { proposals: unknown[] };
        narratives: { nodes: Array<{ id: string; proposals: unknown[] }> };
        case: { narratives: Array<{ proposals: unknown[] }> };
      }>(persona, q, vars);
      expect(r.errors).toBeUndefined();
      expect(r.data!.narrative.proposals).toEqual([]);
      expect(r.data!.narratives.nodes.find((n) => n.id === narrative.id)!.proposals).toEqual([]);
      expect(r.data!.case.narratives.every((n) => n.proposals.length === 0)).toBe(true);
    }
    // An NGO that may not read the text learns nothing of it through proposals either.
    const other = await hub.gql('lumina-ro', q, vars);
    for (const secret of [PHONE, EMAIL, HANDLE, IBAN, 'loverboy.journey', '7700 900777']) expect(JSON.stringify(other)).not.toContain(secret);

    const bank = await hub.gql<{ narrative: unknown; narratives: { nodes: unknown[] }; case: { narratives: unknown[] } }>('albion-bank', q, vars);
    expect(bank.data?.narrative ?? null).toBeNull();
    expect(codes(bank)).toEqual(['NOT_FOUND']);
    expect(bank.data?.narratives.nodes).toEqual([]);
    expect(bank.data?.case.narratives).toEqual([]);
    expect(JSON.stringify(bank)).not.toContain('loverboy');
  });

  test('only the owner’s contributors decide; anyone else is refused, a non-owner as if the proposal did not exist', async () => {
    const id = identifier(narrative, 'PHONE', PHONE).id;
    const lumina = await hub.gql('lumina-ro', DECIDE, { id, decision: 'CONFIRM' });
    expect(codes(lumina)).toEqual(['NOT_FOUND']);
    expect(codes(await hub.gql('lumina-ro', DECIDE, { id: '7f3e1c2a-0000-4000-8000-000000000000', decision: 'CONFIRM' }))).toEqual(['NOT_FOUND']);
    expect(lumina.errors![0]!.message).toBe(
      (await hub.gql('lumina-ro', DECIDE, { id: '7f3e1c2a-0000-4000-8000-000000000000', decision: 'CONFIRM' })).errors![0]!.message,
    );
    for (const persona of ['safe-passage:VIEWER', 'met-police', 'albion-bank', 'tessera-hub']) {
      expect(codes(await hub.gql(persona, DECIDE, { id, decision: 'CONFIRM' }))).toEqual(['FORBIDDEN']);
    }
    expect(await count(`SELECT count(*) AS n FROM narratives.proposals WHERE id = $1 AND status = 'PROPOSED'`, [id])).toBe(1);
  });

  test('a confirmed identifier becomes an observation from the narrative that police see; a confirmed indicator joins the narrative', async () => {
    const phone = (await must<{ decideProposal: Proposal }>('safe-passage', DECIDE, { id: identifier(narrative, 'PHONE', PHONE).id, decision: 'CONFIRM' }))
      .decideProposal;
    expect(phone.status).toBe('CONFIRMED');
    expect(phone.entity?.id).toBeDefined();
    const police = await must<{ entity: { value: string; observations: Array<{ sourceType: string; sourceId: string }> } }>('met-police', ENTITY, {
      id: phone.entity!.id,
    });
    expect(police.entity.value).toBe(PHONE);
    // From the narrative, and placed in the narrative's case: linked to the case, not an isolated node.
    expect(police.entity.observations).toEqual(
      expect.arrayContaining([
        { sourceType: 'NARRATIVE', sourceId: narrative.id },
        { sourceType: 'CASE', sourceId: narrative.case.id },
      ]),
    );
    expect(police.entity.observations).toHaveLength(2);
    const fromCase = await must<{ network: { nodes: Array<{ id: string }>; edges: Array<{ source: string; target: string; kind: string }> } }>(
      'safe-passage',
      `query($s: [ID!]!) { network(seeds: $s, depth: 1) { nodes { id } edges { source target kind } } }`,
      { s: [narrative.case.id] },
    );
    expect(fromCase.network.edges).toContainEqual({ source: phone.entity!.id, target: narrative.case.id, kind: 'OBSERVED_IN' });
    const byValue = await must<{ entities: { totalCount: number } }>(
      'met-police',
      `{ entities(filter: { kind: PHONE, value: "${PHONE}" }) { totalCount } }`,
      {},
    );
    expect(byValue.entities.totalCount).toBe(1);

    const email = (
      await must<{ decideProposal: Proposal }>('safe-passage', DECIDE, { id: identifier(narrative, 'EMAIL', RECRUITER_EMAIL).id, decision: 'CONFIRM' })
    ).decideProposal;
    const debt = (
      await must<{ decideProposal: Proposal & { narrative: { indicators: string[] } } }>('safe-passage', DECIDE, {
        id: indicator(narrative, 'DEBT_BONDAGE').id,
        decision: 'CONFIRM',
      })
    ).decideProposal;
    expect(debt.narrative.indicators).toEqual(['RECRUITED_VIA_SOCIAL_MEDIA', 'DEBT_BONDAGE']);
    const policeNarrative = await must<{ narrative: { indicators: string[] } }>('met-police', `query($id: ID!) { narrative(id: $id) { indicators } }`, {
      id: narrative.id,
    });
    expect(policeNarrative.narrative.indicators).toContain('DEBT_BONDAGE');
    expect(email.entity?.id).toBeDefined();
  });

  test('deciding again the same way changes nothing; the other way is a CONFLICT', async () => {
    const handle = identifier(narrative, 'SOCIAL_PROFILE', HANDLE).id;
    const rejected = (await must<{ decideProposal: Proposal }>('safe-passage', DECIDE, { id: handle, decision: 'REJECT' })).decideProposal;
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.entity).toBeNull();
    const observations = await count('SELECT count(*) AS n FROM entities.observations WHERE source_id = $1', [narrative.id]);
    const again = (await must<{ decideProposal: Proposal }>('safe-passage', DECIDE, { id: handle, decision: 'REJECT' })).decideProposal;
    expect(again.decidedAt).toBe(rejected.decidedAt);
    expect(codes(await hub.gql('safe-passage', DECIDE, { id: handle, decision: 'CONFIRM' }))).toEqual(['CONFLICT']);
    const phone = identifier(narrative, 'PHONE', PHONE).id;
    expect((await must<{ decideProposal: Proposal }>('safe-passage', DECIDE, { id: phone, decision: 'CONFIRM' })).decideProposal.status).toBe('CONFIRMED');
    expect(codes(await hub.gql('safe-passage', DECIDE, { id: phone, decision: 'REJECT' }))).toEqual(['CONFLICT']);
    expect(await count('SELECT count(*) AS n FROM entities.observations WHERE source_id = $1', [narrative.id])).toBe(observations);
  });

  test('concurrent confirmations of one proposal make one observation', async () => {
    const id = identifier(narrative, 'BANK_ACCOUNT', IBAN).id;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => hub.gql<{ decideProposal: Proposal }>('safe-passage', DECIDE, { id, decision: 'CONFIRM' })),
    );
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data!.decideProposal.entity!.id)).size).toBe(1);
    expect(
      await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'NARRATIVE' AND source_id = $1 AND entity_id = $2`, [
        narrative.id,
        results[0]!.data!.decideProposal.entity!.id,
      ]),
    ).toBe(1);
  });

  describe('withdrawing consent', () => {
    let phoneEntity: string;
    let emailEntity: string;
    let withdrawn: GraphQLResult<{ withdrawConsent: Narrative }>;

    beforeAll(async () => {
      const current = (await must<{ narrative: Narrative }>('safe-passage', NARRATIVE, { id: narrative.id })).narrative;
      phoneEntity = identifier(current, 'PHONE', PHONE).entity!.id;
      emailEntity = identifier(current, 'EMAIL', RECRUITER_EMAIL).entity!.id;
      withdrawn = await hub.gql<{ withdrawConsent: Narrative }>('safe-passage', WITHDRAW, { id: narrative.id });
    });

    test('erases the text, its indicators and its proposals, and records that an erasure happened', async () => {
      expect(withdrawn.errors).toBeUndefined();
      const n = withdrawn.data!.withdrawConsent;
      expect(n.text).toBeNull();
      expect(n.indicators).toEqual([]);
      expect(n.withdrawnAt).not.toBeNull();
      expect(n.proposals).toEqual([]);
      expect(await count('SELECT count(*) AS n FROM narratives.proposals WHERE narrative_id = $1', [narrative.id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM narratives.erasures WHERE narrative_id = $1', [narrative.id])).toBe(1);
      // Nothing of the text is left in the narratives schema.
      const dump = JSON.stringify(
        await hub.db.query(`SELECT n.*, e.* FROM narratives.narratives n LEFT JOIN narratives.erasures e ON e.narrative_id = n.id WHERE n.id = $1`, [
          narrative.id,
        ]),
      );
      for (const secret of ['loverboy', '7700 900777', EMAIL, 'passport']) expect(dump).not.toContain(secret);
    });

    test('erases the observations made from it: an entity seen only through the narrative is NOT_FOUND for everyone', async () => {
      expect(await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'NARRATIVE' AND source_id = $1`, [narrative.id])).toBe(0);
      // Nor is it left in the narrative's case.
      expect(
        await count(`SELECT count(*) AS n FROM entities.observations WHERE source_type = 'CASE' AND source_id = $1 AND entity_id = $2`, [
          narrative.case.id,
          phoneEntity,
        ]),
      ).toBe(0);
      for (const persona of ['met-police', 'tessera-hub', 'safe-passage', 'albion-bank']) {
        const r = await hub.gql(persona, ENTITY, { id: phoneEntity });
        expect(r.data?.entity ?? null).toBeNull();
        expect(codes(r)).toEqual(['NOT_FOUND']);
      }
      const byValue = await must<{ entities: { totalCount: number } }>(
        'met-police',
        `{ entities(filter: { kind: PHONE, value: "${PHONE}" }) { totalCount } }`,
        {},
      );
      expect(byValue.entities.totalCount).toBe(0);
      // Hit/no-hit no longer knows it either.
      const hit = await must<{ hitNoHit: Array<{ known: boolean; holderCount: number }> }>(
        'albion-bank',
        `{ hitNoHit(identifiers: [{ kind: PHONE, value: "${PHONE}" }]) { known holderCount } }`,
        {},
      );
      expect(hit.hitNoHit).toEqual([{ known: false, holderCount: 0 }]);
    });

    test('an entity also observed elsewhere stays, without the narrative’s observation', async () => {
      const r = await must<{ entity: { value: string; observations: Array<{ sourceType: string; sourceId: string }> } }>('met-police', ENTITY, {
        id: emailEntity,
      });
      expect(r.entity.value).toBe(RECRUITER_EMAIL);
      expect(r.entity.observations.length).toBeGreaterThan(0);
      expect(r.entity.observations.filter((o) => o.sourceId === narrative.id || o.sourceType === 'NARRATIVE')).toEqual([]);
    });

    test('police, hub analysts and the owner then get nothing of it from any query', async () => {
      const q = `query($id: ID!, $case: ID!) {
        narrative(id: $id) { id indicators withdrawnAt proposals { id } }
        narratives(first: 200) { nodes { id indicators } }
        case(id: $case) { narratives { id indicators } }
      }`;
      for (const persona of ['met-police', 'tessera-hub', 'safe-passage', 'lumina-ro']) {
        type Listed = { id: string; indicators: string[] };
        const r = await hub.gql<{ narrative: { indicators: string[]; proposals: unknown[] }; narratives: { nodes: Listed[] }; case: { narratives: Listed[] } }>(
          persona,
          q,
          {
            id: narrative.id,
            case: hub.demo.ids['case:safe-passage'],
          },
        );
        expect(r.errors).toBeUndefined();
        expect(r.data!.narrative.indicators).toEqual([]);
        expect(r.data!.narrative.proposals).toEqual([]);
        expect(r.data!.narratives.nodes.find((n) => n.id === narrative.id)!.indicators).toEqual([]);
        expect(r.data!.case.narratives.find((n) => n.id === narrative.id)!.indicators).toEqual([]);
        for (const secret of [PHONE, '7700 900777', EMAIL, 'loverboy', 'passport']) expect(JSON.stringify(r)).not.toContain(secret);
      }
      const text = await hub.gql<{ narrative: { text: string | null } }>('safe-passage', `query($id: ID!) { narrative(id: $id) { text } }`, {
        id: narrative.id,
      });
      expect(text.data!.narrative.text).toBeNull();
      const police = await hub.gql<{ narrative: { text: string | null } }>('met-police', `query($id: ID!) { narrative(id: $id) { text } }`, {
        id: narrative.id,
      });
      expect(police.data!.narrative.text).toBeNull();
      expect(JSON.stringify(police)).not.toContain('loverboy');
    });

    test('an erased proposal cannot be decided, and replaying the contribution does not bring the text back', async () => {
      const proposalId = identifier(narrative, 'EMAIL', EMAIL).id;
      expect(codes(await hub.gql('safe-passage', DECIDE, { id: proposalId, decision: 'CONFIRM' }))).toEqual(['NOT_FOUND']);
      expect(codes(await hub.gql('safe-passage', CONTRIBUTE, { input: enInput() }))).toEqual(['CONFLICT']);
      expect(await count('SELECT count(*) AS n FROM narratives.narratives WHERE text LIKE $1', ['%loverboy%'])).toBe(0);
      // Withdrawing again changes and records nothing.
      expect((await hub.gql('safe-passage', WITHDRAW, { id: narrative.id })).errors).toBeUndefined();
      expect(await count('SELECT count(*) AS n FROM narratives.erasures WHERE narrative_id = $1', [narrative.id])).toBe(1);
    });
  });
});

describe('a Romanian narrative for a new case', () => {
  const roInput = (extra: Record<string, unknown> = {}) => ({
    newCase: { handling: GREEN, exploitationTypes: ['SEXUAL'], summary: 'Recrutare prin Facebook, exploatare sexuală la Londra (test)' },
    language: 'RO',
    text: RO_TEXT,
    consent: { lawEnforcement: false, hub: true, recordedBy: 'Asociația Lumina (test)' },
    handling: GREEN,
    idempotencyKey: 'journey-ngo-ro-1',
    ...extra,
  });
  const countCases = () => count('SELECT count(*) AS n FROM cases.cases');

  test('reads Romanian keywords with and without diacritics, and a national phone number by the NGO’s country', async () => {
    const before = await countCases();
    const n = (await must<{ contributeNarrative: Narrative }>('lumina-ro', CONTRIBUTE, { input: roInput() })).contributeNarrative;
    expect(n.proposals.filter((p) => p.kind === 'IDENTIFIER').map((p) => `${p.identifierKind} ${p.value} ${p.excerpt}`)).toEqual([
      'PHONE +40744555123 0744 555 123',
    ]);
    const proposed = n.proposals.filter((p) => p.kind === 'INDICATOR').map((p) => p.indicator);
    expect(proposed).toEqual(
      expect.arrayContaining([
        'RECRUITED_VIA_SOCIAL_MEDIA',
        'RECRUITED_VIA_FALSE_RELATIONSHIP',
        'RETENTION_OF_DOCUMENTS',
        'CONTROL_WITHHOLDS_DOCUMENTS',
        'DEBT_BONDAGE',
        'INTIMIDATION_AND_THREATS',
        'CONTROL_THREATS_TO_FAMILY',
      ]),
    );
    expect(indicator(n, 'RETENTION_OF_DOCUMENTS').excerpt).toBe('pasaportul mi l-a păstrat');
    expect(indicator(n, 'DEBT_BONDAGE').excerpt).toBe('datoria');
    expect(indicator(n, 'INTIMIDATION_AND_THREATS').excerpt).toBe('amenința');

    // The new case is the NGO's, and one exists however often the contribution is replayed.
    const c = await must<{
      case: { id: string; summary: string; status: string; exploitationTypes: string[]; ownerAgency: { slug: string }; narratives: Array<{ id: string }> };
    }>('lumina-ro', `query($id: ID!) { case(id: $id) { id summary status exploitationTypes ownerAgency { slug } narratives { id } } }`, { id: n.case.id });
    expect(c.case.ownerAgency.slug).toBe('lumina-ro');
    expect(c.case.status).toBe('OPEN');
    expect(c.case.exploitationTypes).toEqual(['SEXUAL']);
    expect(c.case.narratives.map((x) => x.id)).toEqual([n.id]);
    const again = (await must<{ contributeNarrative: Narrative }>('lumina-ro', CONTRIBUTE, { input: roInput() })).contributeNarrative;
    expect(again.id).toBe(n.id);
    expect(again.case.id).toBe(n.case.id);
    expect(await countCases()).toBe(before + 1);
  });

  test('a narrative names exactly one of caseId and newCase, and a new case is checked like any case; nothing is written otherwise', async () => {
    const before = await countCases();
    const narratives = await count('SELECT count(*) AS n FROM narratives.narratives');
    const both = await hub.gql('lumina-ro', CONTRIBUTE, {
      input: roInput({ caseId: hub.demo.ids['case:safe-passage'], idempotencyKey: 'journey-ngo-ro-both' }),
    });
    expect(codes(both)).toEqual(['BAD_USER_INPUT']);
    expect(both.errors![0]!.extensions!.field).toBe('input.caseId');
    const neither = await hub.gql('lumina-ro', CONTRIBUTE, { input: roInput({ newCase: undefined, idempotencyKey: 'journey-ngo-ro-neither' }) });
    expect(codes(neither)).toEqual(['BAD_USER_INPUT']);
    const noTypes = await hub.gql('lumina-ro', CONTRIBUTE, {
      input: roInput({ newCase: { handling: GREEN, exploitationTypes: [] }, idempotencyKey: 'journey-ngo-ro-types' }),
    });
    expect(codes(noTypes)).toEqual(['BAD_USER_INPUT']);
    expect(noTypes.errors![0]!.extensions!.field).toBe('input.newCase.exploitationTypes');
    const badHandling = await hub.gql('lumina-ro', CONTRIBUTE, {
      input: roInput({ newCase: { handling: { ...GREEN, handlingCode: 'C' }, exploitationTypes: ['SEXUAL'] }, idempotencyKey: 'journey-ngo-ro-handling' }),
    });
    expect(badHandling.errors![0]!.extensions!.field).toBe('input.newCase.handling.handlingConditions');
    expect(codes(await hub.gql('lumina-ro:VIEWER', CONTRIBUTE, { input: roInput({ idempotencyKey: 'journey-ngo-ro-viewer' }) }))).toEqual(['FORBIDDEN']);
    expect(codes(await hub.gql('albion-bank', CONTRIBUTE, { input: roInput({ idempotencyKey: 'journey-ngo-ro-bank' }) }))).toEqual(['FORBIDDEN']);
    expect(await countCases()).toBe(before);
    expect(await count('SELECT count(*) AS n FROM narratives.narratives')).toBe(narratives);
  });

  test('a narrative is never marked below its new case', async () => {
    const r = await must<{ contributeNarrative: { id: string; marking: string; case: { id: string } } }>(
      'lumina-ro',
      `mutation($input: ContributeNarrativeInput!) { contributeNarrative(input: $input) { id marking case { id } } }`,
      {
        input: roInput({
          newCase: { handling: { ...GREEN, marking: 'AMBER_STRICT' }, exploitationTypes: ['LABOUR'] },
          idempotencyKey: 'journey-ngo-ro-strict',
        }),
      },
    );
    expect(r.contributeNarrative.marking).toBe('AMBER_STRICT');
    expect(codes(await hub.gql('met-police', `query($id: ID!) { narrative(id: $id) { id } }`, { id: r.contributeNarrative.id }))).toEqual(['NOT_FOUND']);
    expect(codes(await hub.gql('met-police', `query($id: ID!) { case(id: $id) { id } }`, { id: r.contributeNarrative.case.id }))).toEqual(['NOT_FOUND']);
  });
});

describe('banks never see narratives', () => {
  test('not by id, not in lists, not through a case', async () => {
    const q = `query($id: ID!, $case: ID!) { narrative(id: $id) { id } narratives(first: 200) { totalCount nodes { id } } case(id: $case) { id narratives { id } } }`;
    for (const persona of ['albion-bank', 'albion-bank:VIEWER', 'banca-carpati']) {
      const r = await hub.gql<{ narratives: { totalCount: number }; case: { narratives: unknown[] } }>(persona, q, {
        id: hub.demo.ids['narrative:safe-passage-ro'],
        case: hub.demo.ids['case:safe-passage'],
      });
      expect(codes(r)).toEqual(['NOT_FOUND']);
      expect(r.data!.narratives.totalCount).toBe(0);
      expect(r.data!.case.narratives).toEqual([]);
    }
  });
});
