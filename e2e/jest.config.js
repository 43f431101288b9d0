// Black-box tests of the running system: real Kafka, MongoDB-wire and SMTP,
// started once for the whole run by global-setup.ts on the test profile's ports.
const preset = require('../jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/global-setup.ts',
  globalTeardown: '<rootDir>/global-teardown.ts',
  testTimeout: 120_000,
};
