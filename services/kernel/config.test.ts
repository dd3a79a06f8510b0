import { loadConfig } from './config';

/**
 * The development IdP signs anyone in as a demo user without a password: a hub serves it only in
 * development, or when TESSERA_DEV_IDP=1 asks for it (`npm start`, the demo, does); nothing else
 * turns it on, and TESSERA_DEV_IDP=0 turns it off even in development.
 */
describe('the development IdP', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['NODE_ENV', 'TESSERA_DEV', 'TESSERA_DEV_IDP']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const devIdpWith = (env: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return loadConfig().devIdp;
  };

  test.each([
    [{ NODE_ENV: 'production', TESSERA_DEV: undefined, TESSERA_DEV_IDP: undefined }, false],
    [{ NODE_ENV: 'test', TESSERA_DEV: undefined, TESSERA_DEV_IDP: undefined }, false],
    [{ NODE_ENV: 'production', TESSERA_DEV: undefined, TESSERA_DEV_IDP: 'yes' }, false],
    [{ NODE_ENV: 'production', TESSERA_DEV: undefined, TESSERA_DEV_IDP: '1' }, true],
    [{ NODE_ENV: 'development', TESSERA_DEV: undefined, TESSERA_DEV_IDP: undefined }, true],
    [{ NODE_ENV: 'production', TESSERA_DEV: '1', TESSERA_DEV_IDP: undefined }, true],
    [{ NODE_ENV: 'development', TESSERA_DEV: undefined, TESSERA_DEV_IDP: '0' }, false],
  ])('%j: %s', (env, on) => {
    expect(devIdpWith(env)).toBe(on);
  });
});
