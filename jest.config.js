/** Two projects: fast pure-logic unit tests, and e2e tests against real MariaDB and Redis. */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest'] };
// A few dependencies ship only ES modules (Node 20 loads them natively, Jest does not): compile them.
const transformIgnorePatterns = [
  '/node_modules/(?!(content-disposition|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit|@x0k|@cfworker)/)',
];
// file-type exports only `import` conditions, which Jest's CommonJS resolver does not follow.
const moduleNameMapper = { '^file-type$': '<rootDir>/node_modules/file-type/core.js' };
module.exports = {
  testTimeout: 30000,
  modulePathIgnorePatterns: ['<rootDir>/.data/', '<rootDir>/dist/'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/workflows/**/*.spec.ts',
        // The web app's pure helpers (no DOM needed).
        '<rootDir>/web/src/**/*.spec.ts',
      ],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      moduleNameMapper,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      slowTestThreshold: 30,
    },
  ],
};
