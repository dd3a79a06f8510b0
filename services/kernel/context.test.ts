import { audienceActor } from '../../policies/actor';
import { readAs, type RequestContext } from './context';

describe('readAs', () => {
  test('takes a VIEWER only: an actor that could write is refused before any session opens', async () => {
    const sessions: unknown[] = [];
    const ctx = { requestId: 'r', db: { readerSession: async (a: unknown) => sessions.push(a) } } as unknown as RequestContext;
    for (const role of ['CONTRIBUTOR', 'SUPERVISOR'] as const) {
      await expect(readAs(ctx, { ...audienceActor('LAW_ENFORCEMENT'), role }, 'products', async () => 'read')).rejects.toThrow(/VIEWER/);
    }
    expect(sessions).toEqual([]);
  });

  test("the audience's reader is a VIEWER of the type, with an agency and user no one has, no group and no purpose", () => {
    const a = audienceActor('FINANCIAL_INSTITUTION');
    expect(a).toEqual({ userId: expect.any(String), agencyId: expect.any(String), agencyType: 'FINANCIAL_INSTITUTION', role: 'VIEWER', groupIds: [] });
    expect(a.purpose).toBeUndefined();
  });

  test('its session is rolled back whatever the reading did, and the answer is the reading', async () => {
    const finished: boolean[] = [];
    const session = { finish: async (commit: boolean) => void finished.push(commit) };
    const ctx = { requestId: 'r', db: { readerSession: async () => session } } as unknown as RequestContext;
    await expect(readAs(ctx, audienceActor('NGO'), 'products', async (other) => other.actor.agencyType)).resolves.toBe('NGO');
    await expect(
      readAs(ctx, audienceActor('NGO'), 'products', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(finished).toEqual([false, false]);
  });
});
