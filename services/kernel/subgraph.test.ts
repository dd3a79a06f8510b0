import { rootLogger } from './logger';
import { endOfRequest } from './subgraph';

type Hooks = { willSendResponse(arg: unknown): Promise<void> };

/** Runs the end-of-request hook over a session whose commit fails with `err`, and returns the answer the client gets. */
async function answerWhenCommitFails(err: unknown): Promise<unknown> {
  const plugin = endOfRequest(rootLogger, { append: () => Promise.resolve() });
  const hooks = (await plugin.requestDidStart!({} as never)) as unknown as Hooks;
  const response = { body: { kind: 'single', singleResult: { data: { case: { id: '1' } } } } };
  const contextValue = { requestId: 'r1', consulted: { size: 0 }, db: { finish: () => Promise.reject(err) } };
  await hooks.willSendResponse({ contextValue, response });
  return response.body;
}

describe('the end of a request when its commit fails', () => {
  const connectionLost: Array<[string, unknown]> = [
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'an administrator shutdown (57P01), wrapped as TypeORM does',
      Object.assign(new Error('terminating connection due to administrator command'), { driverError: { code: '57P01' } }),
    ],
    ['a database starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a connection failure (SQLSTATE class 08)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a protocol violation (SQLSTATE class 08)', Object.assign(new Error('protocol violation'), { code: '08P01' })],
  ];
  test.each(connectionLost)('%s is SERVICE_UNAVAILABLE, without data', async (_name, err) => {
    expect(await answerWhenCommitFails(err)).toEqual({
      kind: 'single',
      singleResult: { data: null, errors: [{ message: 'The database is unavailable; try again later', extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
    });
  });

  test('any other failure is INTERNAL_SERVER_ERROR, without data and without its message', async () => {
    const body = await answerWhenCommitFails(Object.assign(new Error('could not serialize access due to read/write dependencies'), { code: '40001' }));
    expect(body).toEqual({
      kind: 'single',
      singleResult: { data: null, errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] },
    });
  });
});
