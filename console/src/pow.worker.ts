import { solve } from './pow';

const reply = (m: { nonce: string } | { error: string }) => (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m);

/** Solves one challenge off the page's thread (see pow.ts); says so when it cannot (no Web Crypto here). */
addEventListener('message', (e: MessageEvent<{ challenge: string; bits: number }>) => {
  solve(e.data.challenge, e.data.bits).then(
    (nonce) => reply({ nonce }),
    (err: unknown) => reply({ error: String(err) }),
  );
});
