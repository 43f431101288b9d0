// Unit and integration specs that live next to the code (`*.spec.ts`).
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/tools', '<rootDir>/e2e'],
  testMatch: ['**/*.spec.ts'],
  // e2e specs (`*.e2e-spec.ts`, `*.faults-spec.ts`) need the running stack: they have their own configs.
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e-spec\\.ts$', '\\.faults-spec\\.ts$'],
};
