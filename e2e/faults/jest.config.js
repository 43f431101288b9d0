// Fault-injection suites (`npm run test:faults`): the same stack as the e2e
// suite, on its own ports (E2E_PORT_OFFSET), with processes killed and restarted.
const base = require('../jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/faults'],
  rootDir: require('node:path').join(__dirname, '..'),
  testMatch: ['**/*.faults-spec.ts'],
  globalSetup: '<rootDir>/faults/global-setup.ts',
  testTimeout: 600_000,
};
