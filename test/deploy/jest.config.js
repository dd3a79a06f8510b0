const base = require('../../jest.config.js');

/** `npm run test:deploy`: Debian's PostgreSQL server and network namespaces (test/deploy/), kept out of `npm test`. */
const { transform, transformIgnorePatterns, setupFiles } = base.projects[0];
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns,
  setupFiles,
  testMatch: ['<rootDir>/test/deploy/**/*.test.ts'],
  maxWorkers: 1,
  testTimeout: 180000,
};
