import { CHALLENGE_TTL_SECONDS, challengeBits, issueChallenge, solveChallenge, verifyChallenge, workOf } from './challenge';

describe('proof-of-work challenges', () => {
  test('a solved challenge verifies; its unsolved neighbour does not', () => {
    const { challenge, bits } = issueChallenge(Date.now(), 12);
    process.env.TESSERA_INTAKE_POW_BITS = '12';
    try {
      const nonce = solveChallenge(challenge, bits);
      expect(verifyChallenge(challenge, nonce)).toMatchObject({ ok: true });
      const wrong = [...Array(50).keys()].map(String).find((n) => workOf(challenge, n) < bits)!;
      expect(verifyChallenge(challenge, wrong)).toEqual({ ok: false, reason: 'UNSOLVED' });
    } finally {
      delete process.env.TESSERA_INTAKE_POW_BITS;
    }
  });

  test('the default difficulty is 16 bits', () => {
    expect(challengeBits()).toBe(16);
    expect(issueChallenge().bits).toBe(16);
  });

  test('a challenge made up, altered or made easier by the client is refused', () => {
    const { challenge } = issueChallenge(Date.now(), 16);
    const parts = challenge.split('.');
    const easier = [parts[0], parts[1], '1', parts[3], parts[4]].join('.');
    expect(verifyChallenge(easier, solveChallenge(easier, 1))).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyChallenge(`c1.${Math.floor(Date.now() / 1000)}.8.abc.forged`, '0')).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyChallenge(challenge, 'not-a-number')).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifyChallenge(42, '1')).toEqual({ ok: false, reason: 'MALFORMED' });
  });

  test('a challenge easier than the difficulty in force is refused, even when honestly signed', () => {
    const { challenge, bits } = issueChallenge(Date.now(), 8);
    expect(verifyChallenge(challenge, solveChallenge(challenge, bits))).toEqual({ ok: false, reason: 'TOO_EASY' });
  });

  test('a challenge expires', () => {
    const issued = Date.now() - (CHALLENGE_TTL_SECONDS + 5) * 1000;
    const { challenge, bits } = issueChallenge(issued, 16);
    expect(verifyChallenge(challenge, solveChallenge(challenge, bits))).toEqual({ ok: false, reason: 'EXPIRED' });
  });
});
