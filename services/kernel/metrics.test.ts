import { metricsFromEnv } from './metrics';

describe('metrics settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['TESSERA_METRICS_PORT', 'TESSERA_METRICS_HOST', 'TESSERA_METRICS_TOKEN']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  test('the gateway serves them on loopback:9464 by default; a subgraph process only when told a port', () => {
    delete process.env.TESSERA_METRICS_PORT;
    delete process.env.TESSERA_METRICS_HOST;
    delete process.env.TESSERA_METRICS_TOKEN;
    expect(metricsFromEnv()).toEqual({ port: 9464, host: '127.0.0.1', token: undefined });
    expect(metricsFromEnv(null)).toBeUndefined();
    process.env.TESSERA_METRICS_PORT = '9500';
    process.env.TESSERA_METRICS_TOKEN = 'scrape-token';
    expect(metricsFromEnv(null)).toEqual({ port: 9500, host: '127.0.0.1', token: 'scrape-token' });
  });

  test('`off` turns them off, and a bad port is refused loudly', () => {
    process.env.TESSERA_METRICS_PORT = 'off';
    expect(metricsFromEnv()).toBeUndefined();
    process.env.TESSERA_METRICS_PORT = 'ninety';
    expect(() => metricsFromEnv()).toThrow(/TESSERA_METRICS_PORT/);
  });
});
