/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Tests run the TypeScript sources directly: sibling packages resolve to their
// src/ (not dist/), so a test never runs stale build output. Tests that start a
// child process use the built dist/, which `npm test` builds first (pretest).
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
  },
  moduleNameMapper: {
    '^@nano-access/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};

export default config;
