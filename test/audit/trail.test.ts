import type { Actor } from '../../policies/actor';
import { eventsAboutSql } from '../../services/audit/audit.service';
import { actorSettingsSql } from '../../services/kernel/db';
import { codes, startTestHub, type TestHub } from '../support/hub';
import { ask, HANDLING } from './support';

/**
 * Who sees which audit events (the AuditEvent rules in policies/agency-types/): an agency's
 * supervisors its own (as actor, record owner or recipient), every other user the events they
 * caused themselves, a hub supervisor all of them, a hub administrator none.
 */

const TRAIL = `query($filter: AuditFilter, $first: Int, $after: String) {
  auditTrail(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { seq at action actorUserId actorAgency { id } subjectType subjectId recordOwnerAgency { id } recipients { id } purpose fields records { id fields } requestId prevHash hash }
  }
}`;

interface Node {
  seq: string;
  actorUserId: string | null;
  at: string;
  action: string;
  actorAgency: { id: string } | null;
  subjectType: string;
  subjectId: string;
  recordOwnerAgency: { id: string } | null;
  recipients: Array<{ id: string }>;
  purpose: string | null;
  records: Array<{ id: string; fields: string[] }>;
  requestId: string | null;
}
type Trail = { auditTrail: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Node[] } };

describe('the audit trail query', () => {
  let hub: TestHub;
  const requests: Record<string, string> = {};
  beforeAll(async () => {
    hub = await startTestHub('in-process');
    const id = (key: string) => hub.demo.ids[key]!;
    const persons = `query($id: ID!) { case(id: $id) { persons { fullName } } }`;
    // The Met consults its own victims' names, and the Romanian police's suspect (a disclosure to the Met).
    requests.metOwn = (await ask(hub, 'met-police', persons, { id: id('case:lanterna') }, { purpose: 'own case' })).requestId;
    requests.metIasi = (await ask(hub, 'met-police', persons, { id: id('case:iasi') }, { purpose: 'link check' })).requestId;
    // The NGO consults its survivor's narrative; the Romanian police open a case.
    requests.ngo = (await ask(hub, 'safe-passage', `query($id: ID!) { narrative(id: $id) { text } }`, { id: id('narrative:safe-passage-en') })).requestId;
    const open = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`;
    const input = {
      handling: HANDLING,
      reference: 'AUDIT-TRAIL-RO',
      exploitationTypes: ['LABOUR'],
      persons: [{ role: 'VICTIM', pseudonym: 'V1', fullName: 'Trail Victim' }],
    };
    requests.politia = (await ask(hub, 'politia-romana', open, { input })).requestId;
  }, 60_000);
  afterAll(() => hub.stop());

  const agencyId = (slug: string) => hub.demo.agencies[slug]!.id;
  const trail = async (persona: string, variables: Record<string, unknown> = {}) => {
    const r = await ask<Trail>(hub, persona, TRAIL, { first: 50, ...variables });
    expect(r.errors).toBeUndefined();
    return r.data!.auditTrail;
  };
  const allEvents = async () => Number((await hub.db.query<{ n: string }>('SELECT count(*) AS n FROM audit.events'))[0]!.n);
  const concerns = (n: Node, agency: string) => n.actorAgency?.id === agency || n.recordOwnerAgency?.id === agency || n.recipients.some((r) => r.id === agency);

  const userOf = async (persona: string) => (await ask<{ me: { id: string } }>(hub, persona, '{ me { id } }')).data!.me.id;

  test("an agency's supervisor sees its agency's events: as actor, as record owner, as recipient", async () => {
    const met = await trail('met-police:SUPERVISOR');
    expect(met.nodes.length).toBeGreaterThan(0);
    expect(met.nodes.every((n) => concerns(n, agencyId('met-police')))).toBe(true);
    const seen = new Set(met.nodes.map((n) => n.requestId));
    // Events a colleague (the Met's contributor) caused.
    expect(seen.has(requests.metOwn!)).toBe(true);
    expect(seen.has(requests.metIasi!)).toBe(true);
    expect(seen.has(requests.ngo!)).toBe(false);
    expect(seen.has(requests.politia!)).toBe(false);

    // The Romanian police see the Met's consultation of their record (they own it), not the Met's own reads.
    const politia = await trail('politia-romana:SUPERVISOR');
    expect(politia.nodes.every((n) => concerns(n, agencyId('politia-romana')))).toBe(true);
    const theirs = politia.nodes.filter((n) => n.requestId === requests.metIasi);
    expect(theirs.map((n) => n.action).sort()).toEqual(['CONSULT', 'DISCLOSE']);
    expect(theirs.find((n) => n.action === 'DISCLOSE')).toMatchObject({
      actorAgency: { id: agencyId('met-police') },
      recipients: [{ id: agencyId('met-police') }],
      purpose: 'link check',
    });
    expect(politia.nodes.some((n) => n.requestId === requests.metOwn)).toBe(false);
    expect(politia.nodes.filter((n) => n.requestId === requests.politia).map((n) => n.action)).toEqual(['COLLECT', 'COLLECT']);

    expect((await trail('safe-passage:SUPERVISOR')).nodes.map((n) => n.requestId)).toEqual([requests.ngo]);
    expect(await trail('albion-bank:SUPERVISOR')).toMatchObject({ totalCount: 0, nodes: [] });
  });

  test('every other user sees only the events they caused themselves, never a colleague’s', async () => {
    const met = await trail('met-police');
    const me = await userOf('met-police');
    expect(met.nodes.length).toBeGreaterThan(0);
    expect(met.nodes.every((n) => n.actorUserId === me)).toBe(true);
    expect(new Set(met.nodes.map((n) => n.requestId))).toEqual(new Set([requests.metOwn, requests.metIasi]));

    // The Romanian police's contributor opened a case; the Met's reading of their record is not theirs to see.
    const politia = await trail('politia-romana');
    expect(politia.nodes.map((n) => [n.requestId, n.action])).toEqual([
      [requests.politia, 'COLLECT'],
      [requests.politia, 'COLLECT'],
    ]);
    expect(politia.totalCount).toBe(2);

    // Colleagues who caused nothing see nothing: not the contributor's reads, not the agency's records' events.
    for (const persona of ['met-police:VIEWER', 'politia-romana:VIEWER', 'safe-passage:VIEWER']) {
      expect({ persona, trail: await trail(persona) }).toMatchObject({ persona, trail: { totalCount: 0, nodes: [] } });
    }
    expect((await trail('safe-passage')).nodes.map((n) => n.requestId)).toEqual([requests.ngo]);
    // A filter names only the caller's own events too.
    const filtered = await trail('met-police:VIEWER', { filter: { subjectType: 'Person' } });
    expect(filtered.totalCount).toBe(0);
  });

  test('a hub supervisor sees every event; other hub analysts the events they caused; the hub administrator none', async () => {
    const all = await allEvents();
    const supervisor = await trail('tessera-hub:SUPERVISOR');
    expect(supervisor.totalCount).toBe(all);
    expect(new Set(supervisor.nodes.map((n) => n.requestId))).toEqual(new Set(Object.values(requests)));
    expect(await trail('tessera-hub')).toMatchObject({ totalCount: 0, nodes: [] });
    expect(await trail('tessera-admin:SUPERVISOR')).toMatchObject({ totalCount: 0, nodes: [] });
  });

  test('newest first, paged by cursor, filtered by action, subject and time', async () => {
    const first = await trail('tessera-hub:SUPERVISOR', { first: 3 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await trail('tessera-hub:SUPERVISOR', { first: 3, after: first.pageInfo.endCursor });
    const seqs = [...first.nodes, ...second.nodes].map((n) => BigInt(n.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(seqs).size).toBe(6);
    expect(second.totalCount).toBe(first.totalCount);

    const disclosures = await trail('tessera-hub:SUPERVISOR', { filter: { action: 'DISCLOSE' } });
    expect(disclosures.nodes.length).toBeGreaterThan(0);
    expect(disclosures.nodes.every((n) => n.action === 'DISCLOSE')).toBe(true);
    const narratives = await trail('safe-passage', { filter: { subjectType: 'Narrative', subjectId: hub.demo.ids['narrative:safe-passage-en'] } });
    expect(narratives.nodes.map((n) => [n.action, n.subjectType])).toEqual([['CONSULT', 'Narrative']]);
    // A record among those a consultation lists: the Met's reading of its Lanterna victims' names is
    // one event, found by any one of them, for those who may see that event only.
    const v1 = hub.demo.ids['person:lanterna:V1']!;
    const forV1 = await trail('met-police:SUPERVISOR', { filter: { subjectId: v1 } });
    expect(forV1.nodes.map((n) => [n.requestId, n.action, n.subjectId, n.purpose])).toEqual([[requests.metOwn, 'CONSULT', '*', 'own case']]);
    expect(forV1.nodes[0]!.records).toContainEqual({ id: v1, fields: ['fullName'] });
    expect(forV1.nodes[0]!.records.length).toBeGreaterThan(1);
    expect((await trail('tessera-hub:SUPERVISOR', { filter: { subjectId: v1 } })).totalCount).toBe(1);
    expect((await trail('politia-romana:SUPERVISOR', { filter: { subjectId: v1 } })).totalCount).toBe(0);
    expect((await trail('met-police:VIEWER', { filter: { subjectId: v1 } })).totalCount).toBe(0);

    const at = first.nodes[0]!.at;
    expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    expect((await trail('tessera-hub:SUPERVISOR', { filter: { from: '2999-01-01' } })).totalCount).toBe(0);
    expect((await trail('tessera-hub:SUPERVISOR', { filter: { to: '2000-01-01T00:00:00Z' } })).totalCount).toBe(0);
    expect((await trail('tessera-hub:SUPERVISOR', { filter: { from: '2000-01-01', to: '2999-01-01' } })).totalCount).toBe(first.totalCount);
  });

  test("the subject filter answers what filtering the caller's whole trail would, the policy still deciding which events", async () => {
    // The Romanian police's suspect on their Iasi case: the Met read the name (a CONSULT and a DISCLOSE,
    // owned by the Romanian police), and the Romanian police now read it themselves, which the Met may not see.
    const read = await ask<{ case: { persons: Array<{ id: string; role: string }> } }>(
      hub,
      'politia-romana',
      `query($id: ID!) { case(id: $id) { persons { id role fullName } } }`,
      { id: hub.demo.ids['case:iasi'] },
      { purpose: 'own case' },
    );
    expect(read.errors).toBeUndefined();
    const suspect = read.data!.case.persons.find((p) => p.role === 'SUSPECT')!.id;
    const about = (n: Node) => n.subjectId === suspect || n.records.some((r) => r.id === suspect);
    const wholeTrail = async (persona: string) => {
      const all = await trail(persona, { first: 1000 });
      expect(all.pageInfo.hasNextPage).toBe(false);
      return all.nodes;
    };
    const filtered = async (persona: string) => {
      const pages: Node[] = [];
      let after: string | undefined;
      for (;;) {
        // Pages of two: the cursor and the filter together.
        const page = await trail(persona, { first: 2, after, filter: { subjectId: suspect } });
        pages.push(...page.nodes);
        expect(page.totalCount).toBeGreaterThanOrEqual(pages.length);
        if (!page.pageInfo.hasNextPage) return { nodes: pages, totalCount: page.totalCount };
        after = page.pageInfo.endCursor!;
      }
    };
    const seqsOf = (nodes: Node[]) => nodes.map((n) => n.seq);
    const seen: Record<string, string[]> = {};
    for (const persona of ['met-police:SUPERVISOR', 'politia-romana:SUPERVISOR', 'tessera-hub:SUPERVISOR', 'met-police', 'safe-passage:SUPERVISOR']) {
      const expected = seqsOf((await wholeTrail(persona)).filter(about));
      const answer = await filtered(persona);
      expect({ persona, seqs: seqsOf(answer.nodes), total: answer.totalCount }).toEqual({ persona, seqs: expected, total: expected.length });
      seen[persona] = expected;
    }
    const ownRead = (await trail('politia-romana:SUPERVISOR', { filter: { subjectId: suspect } })).nodes.find((n) => n.requestId === read.requestId)!;
    expect(ownRead).toMatchObject({ action: 'CONSULT', actorAgency: { id: agencyId('politia-romana') } });
    // The Met sees its own reading (CONSULT, DISCLOSE) and not the Romanian police's; the hub supervisor sees all three.
    expect(seen['met-police:SUPERVISOR']).toHaveLength(2);
    expect(seen['met-police:SUPERVISOR']).not.toContain(ownRead.seq);
    expect(seen['tessera-hub:SUPERVISOR']).toEqual(expect.arrayContaining([...seen['met-police:SUPERVISOR']!, ownRead.seq]));
    expect(seen['safe-passage:SUPERVISOR']).toEqual([]);

    // As the application role with the Met supervisor's settings: the function's candidates include the
    // event the Met may not see, the filtered rows do not, and the plan answers the filter by the primary
    // key (a leakproof condition under the policy), the function run once.
    const met = hub.demo.agencies['met-police']!;
    const actor: Actor = { userId: met.users.SUPERVISOR!, agencyId: met.id, agencyType: 'LAW_ENFORCEMENT', role: 'SUPERVISOR', groupIds: [] };
    await hub.appDb.transaction(async (tx) => {
      await tx.query(actorSettingsSql(actor));
      const [candidates] = await tx.query<{ seqs: string[] }>('SELECT audit.event_seqs_about($1)::text[] AS seqs', [suspect]);
      expect(candidates!.seqs).toEqual(expect.arrayContaining([...seen['met-police:SUPERVISOR']!, ownRead.seq]));
      const filter = eventsAboutSql('$1');
      const rows = await tx.query<{ seq: string }>(`SELECT e.seq::text AS seq FROM audit.events e WHERE ${filter} ORDER BY e.seq DESC`, [suspect]);
      expect(rows.map((r) => r.seq)).toEqual(seen['met-police:SUPERVISOR']);
      // A condition that is not leakproof could not be an index condition under the policy, whatever the costs.
      await tx.query('SET LOCAL enable_seqscan = off');
      const plan = (
        await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT e.seq FROM audit.events e WHERE ${filter}`, [
          suspect,
        ])
      )
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/Index (Only )?Scan (using|on) events_pkey/);
      // The policy filters the candidates: here it removes the Romanian police's own reading.
      expect(plan).toMatch(/Rows Removed by Filter: 1\n/);
      expect(plan).toMatch(/Index Cond: \(seq = ANY \(\(InitPlan 1\)\.col1\)\)/);
      expect(plan).toMatch(/InitPlan 1\n\s+->  Result \(actual rows=1(\.00)? loops=1\)/);
      // Run once (InitPlan 1), not per row: the plan's other InitPlans are the policy's session settings, each also read once.
      expect(plan).not.toMatch(/SubPlan|event_subject_ids/);
    });
  });

  test('the trail resolves agencies across subgraphs and refuses malformed input', async () => {
    const r = await ask<{ auditTrail: { nodes: Array<{ actorAgency: { name: string } }> } }>(
      hub,
      'met-police',
      `{ auditTrail(first: 1) { nodes { actorAgency { name } } } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.auditTrail.nodes[0]!.actorAgency.name).toBeTruthy();
    expect(codes(await ask(hub, 'met-police', TRAIL, { after: 'bm90LWEtY3Vyc29y' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await ask(hub, 'met-police', TRAIL, { filter: { from: 'yesterday' } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await ask(hub, 'met-police', TRAIL, { first: 0 }))).toEqual(['BAD_USER_INPUT']);
  });
});
