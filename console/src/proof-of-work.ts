import { solve } from './pow';

const yieldToPage = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The nonce for a challenge (pow.ts): in a Web Worker when the page may start one (the console's CSP
 * has `worker-src 'self'`), else on the page in batches that give the browser its thread back
 * between them, so the page never freezes.
 */
export function proofOfWork(challenge: string, bits: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let worker: Worker | undefined;
    const onPage = () => {
      worker?.terminate();
      solve(challenge, bits, yieldToPage).then(resolve, reject);
    };
    try {
      worker = new Worker(new URL('./pow.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      onPage();
      return;
    }
    worker.onmessage = (e: MessageEvent<{ nonce?: string; error?: string }>) => {
      if (e.data.nonce === undefined) return onPage();
      worker!.terminate();
      resolve(e.data.nonce);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      onPage();
    };
    worker.postMessage({ challenge, bits });
  });
}
