// LWC unit tests (sfdx-lwc-jest). Server and script tests run under vitest; this config only looks in force-app.
import { createRequire } from 'node:module';

// The preset is CommonJS without an exports map; require it the way its docs do.
const { jestConfig } = createRequire(import.meta.url)('@salesforce/sfdx-lwc-jest/config');

export default {
  ...jestConfig,
  modulePathIgnorePatterns: ['<rootDir>/.localdevserver'],
  // Shared, stateful lightning/* mocks with control helpers (STYLE.md 1c); the rest come from the preset's stubs.
  moduleNameMapper: {
    '^lightning/empApi$': '<rootDir>/force-app/test/jest-mocks/lightning/empApi',
  },
  setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/jest-sa11y-setup.js'],
  testPathIgnorePatterns: [
    ...jestConfig.testPathIgnorePatterns,
    // Everything outside force-app belongs to vitest.
    '<rootDir>/(?!force-app/)',
    // Fixtures and helpers next to tests are not tests.
    '/__tests__/data/',
  ],
};
