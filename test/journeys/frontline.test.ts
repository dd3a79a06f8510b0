import { codes, startTestHub, type TestHub } from '../support/hub';

/**
 * Proactive identification: a hospital's social worker notices signs and notifies a suspected case
 * with its indicators, referring it to the competent NGO. The NGO gets it as a task with a due date
 * and moves its status on; the hospital follows the status and outcome of what it notified, and
 * sees nothing else of the hub.
 */
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub('in-process');
});
afterAll(() => hub.stop());

const agency = (slug: string) => hub.demo.agencies[slug]!.id;
const today = (plusDays = 0) => new Date(Date.now() + plusDays * 86_400_000).toISOString().slice(0, 10);

const NOTIFY = `mutation($input: NotifyCaseInput!) { notifyCase(input: $input) {
  id status dueOn indicators childInvolved summary destinationAgency { id slug } notifierAgency { id slug } } }`;
const READ = `query($id: ID!) { notification(id: $id) { id status outcome dueOn summary updatedAt } }`;
const LIST = `query($d: NotificationDirection) { notifications(direction: $d) { totalCount nodes { id status dueOn } } }`;
const UPDATE = `mutation($id: ID!, $s: NotificationStatus!, $o: String) { updateNotificationStatus(id: $id, status: $s, outcome: $o) { id status outcome } }`;

const input = (over: Record<string, unknown> = {}) => ({
  destinationAgencyId: agency('lumina-ro'),
  indicators: ['RESTRICTION_OF_MOVEMENT', 'RETENTION_OF_DOCUMENTS', 'WITHHOLDING_OF_WAGES'],
  exploitationTypes: ['LABOUR'],
  childInvolved: false,
  imminentRisk: false,
  summary: 'A patient working on a farm near Iași says his employer keeps his identity card and has not paid him for four months.',
  place: 'Iași county',
  when: 'this week',
  idempotencyKey: 'spital-iasi-0001',
  ...over,
});

describe('a frontline notification', () => {
  let id: string;

  test('is made with structured indicators and a destination, and reaches it as a task with a due date', async () => {
    const r = await hub.gql<{ notifyCase: Record<string, any> }>('spitalul-iasi', NOTIFY, { input: input() }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(r.errors).toBeUndefined();
    id = r.data!.notifyCase.id;
    expect(r.data!.notifyCase).toMatchObject({
      status: 'NOTIFIED',
      dueOn: today(5),
      destinationAgency: { slug: 'lumina-ro' },
      notifierAgency: { slug: 'spitalul-iasi' },
    });
    const urgent = await hub.gql<{ notifyCase: { dueOn: string } }>('spitalul-iasi', NOTIFY, {
      input: input({
        idempotencyKey: 'spital-iasi-0002',
        childInvolved: true,
        indicators: ['CHILD_SCHOOL_ABSENCE', 'CHILD_OLDER_ASSOCIATES'],
        summary: 'A 14-year-old…',
      }),
    });
    expect(urgent.data!.notifyCase.dueOn).toBe(today(1));
  });

  test('is idempotent on its key; the same key for another notification is a CONFLICT', async () => {
    const again = await hub.gql<{ notifyCase: { id: string } }>('spitalul-iasi', NOTIFY, { input: input() });
    expect(again.data!.notifyCase.id).toBe(id);
    expect(codes(await hub.gql('spitalul-iasi', NOTIFY, { input: input({ summary: 'Something else.' }) }))).toEqual(['CONFLICT']);
  });

  test.each([
    ['a bank as destination', { destinationAgencyId: 'albion-bank' }],
    ['another frontline service as destination', { destinationAgencyId: 'leicester-schools' }],
    ['an unknown agency', { destinationAgencyId: '00000000-0000-4000-8000-00000000dead' }],
    ['no indicator', { indicators: [] }],
    ['an indicator outside the taxonomy', { indicators: ['LOOKS_SUSPICIOUS'] }],
    ['an empty summary', { summary: '  ' }],
  ])('is refused with %s (BAD_USER_INPUT)', async (_what, over) => {
    const o = { ...over } as Record<string, unknown>;
    if (typeof o.destinationAgencyId === 'string' && hub.demo.agencies[o.destinationAgencyId]) o.destinationAgencyId = agency(o.destinationAgencyId);
    expect(codes(await hub.gql('spitalul-iasi', NOTIFY, { input: input({ ...o, idempotencyKey: `refused-${Math.random().toString(36).slice(2)}` }) }))).toEqual(
      ['BAD_USER_INPUT'],
    );
  });

  test.each(['met-police', 'safe-passage', 'albion-bank', 'tessera-hub', 'tessera-admin', 'spitalul-iasi:VIEWER'])(
    '%s may not notify (FORBIDDEN)',
    async (persona) => {
      expect(codes(await hub.gql(persona, NOTIFY, { input: input({ idempotencyKey: 'not-frontline-1' }) }))).toEqual(['FORBIDDEN']);
    },
  );

  test('the destination sees its open referrals first, by due date', async () => {
    const r = await hub.gql<{ notifications: { totalCount: number; nodes: Array<{ id: string; dueOn: string; status: string }> } }>('lumina-ro', LIST, {
      d: 'RECEIVED',
    });
    expect(r.data!.notifications.totalCount).toBe(3); // the demo's, and the two above
    const dues = r.data!.notifications.nodes.map((n) => n.dueOn);
    expect(dues).toEqual([...dues].sort());
    expect(r.data!.notifications.nodes.map((n) => n.id)).toContain(id);
  });

  test('the destination moves the status on, forward only, and records the outcome; the notifier reads it', async () => {
    for (const s of ['RECEIVED', 'ASSESSED']) {
      const r = await hub.gql<{ updateNotificationStatus: { status: string } }>('lumina-ro:SUPERVISOR', UPDATE, { id, s });
      expect(r.data?.updateNotificationStatus.status).toBe(s);
    }
    const nrm = await hub.gql<{ updateNotificationStatus: { status: string; outcome: string } }>('lumina-ro', UPDATE, {
      id,
      s: 'REFERRED_TO_NRM',
      o: 'Met the patient with an interpreter; referred to the national referral mechanism.',
    });
    expect(nrm.data?.updateNotificationStatus).toMatchObject({ status: 'REFERRED_TO_NRM' });
    expect(codes(await hub.gql('lumina-ro', UPDATE, { id, s: 'RECEIVED' }))).toEqual(['CONFLICT']);

    const seen = await hub.gql<{ notification: { status: string; outcome: string } }>('spitalul-iasi:VIEWER', READ, { id });
    expect(seen.data!.notification).toMatchObject({
      status: 'REFERRED_TO_NRM',
      outcome: 'Met the patient with an interpreter; referred to the national referral mechanism.',
    });
  });

  test('only the destination changes the status: other NGOs and police NOT_FOUND, types that never may FORBIDDEN', async () => {
    expect(codes(await hub.gql('spitalul-iasi', UPDATE, { id, s: 'CLOSED' }))).toEqual(['FORBIDDEN']);
    for (const persona of ['safe-passage', 'met-police']) {
      expect({ persona, codes: codes(await hub.gql(persona, UPDATE, { id, s: 'CLOSED' })) }).toEqual({ persona, codes: ['NOT_FOUND'] });
    }
    for (const persona of ['leicester-schools', 'tessera-hub', 'albion-bank', 'tessera-admin']) {
      expect({ persona, codes: codes(await hub.gql(persona, UPDATE, { id, s: 'CLOSED' })) }).toEqual({ persona, codes: ['FORBIDDEN'] });
    }
    expect(codes(await hub.gql('lumina-ro:VIEWER', UPDATE, { id, s: 'CLOSED' }))).toEqual(['FORBIDDEN']);
  });

  test('every step is on the audit trail: collected and disclosed to the destination, each change as an alteration', async () => {
    const events = await hub.db.query<{ action: string; recipients: string[]; actor: string }>(
      `SELECT action, recipients, actor_agency_id AS actor FROM audit.events WHERE subject_type = 'Notification' AND subject_id = $1 ORDER BY seq`,
      [id],
    );
    expect(events.map((e) => e.action)).toEqual(['COLLECT', 'DISCLOSE', 'ALTER', 'ALTER', 'ALTER']);
    expect(events[1]!.recipients).toEqual([agency('lumina-ro')]);
    expect(events.slice(2).every((e) => e.actor === agency('lumina-ro') && e.recipients[0] === agency('spitalul-iasi'))).toBe(true);
  });

  test("a frontline service reads nothing of the hub's intelligence", async () => {
    const r = await hub.gql<Record<string, { totalCount: number }>>(
      'spitalul-iasi',
      '{ cases { totalCount } persons { totalCount } typologies { totalCount } narratives { totalCount } publicReports { totalCount } }',
    );
    for (const [k, v] of Object.entries(r.data ?? {})) expect({ k, n: v?.totalCount ?? 0 }).toEqual({ k, n: 0 });
    expect(codes(await hub.gql('spitalul-iasi', '{ hitNoHit(identifiers: [{ kind: PHONE, value: "+40712000111" }]) { known } }'))).not.toEqual([]);
  });
});
