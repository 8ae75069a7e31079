/** Two projects: fast pure-logic unit tests, and e2e tests against real MariaDB and Redis. */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest'] };
// A few dependencies ship only ES modules (Node 20 loads them natively, Jest does not): compile them.
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition)/)'];
module.exports = {
  testTimeout: 30000,
  modulePathIgnorePatterns: ['<rootDir>/.data/', '<rootDir>/dist/'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/workflows/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      slowTestThreshold: 30,
    },
  ],
};
