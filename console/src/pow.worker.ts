import { solve } from './pow';

/** Solves one challenge off the page's thread (see pow.ts). */
addEventListener('message', (e: MessageEvent<{ challenge: string; bits: number }>) => {
  void solve(e.data.challenge, e.data.bits).then((nonce) => (globalThis as unknown as { postMessage(m: unknown): void }).postMessage({ nonce }));
});
