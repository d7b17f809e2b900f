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
    // ESM-only dependencies, compiled to CommonJS for Jest's loader (see the transform's header).
    '/node_modules/@noble/.+\\.js$': '<rootDir>/scripts/jest/esm-to-cjs.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@noble/)'],
  moduleNameMapper: {
    '^@nano-access/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 30000,
  maxWorkers: 2,
};

export default config;
