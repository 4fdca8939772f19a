import { availableParallelism } from 'node:os';

/** One jest project per kind of test (STYLE.md): unit, integration (database), http (supertest), browser (Chromium). */

// IDBRIDGE_TEST_TIME_FACTOR multiplies every timeout (test/helpers/machine.ts): 2 or 3 on a slow or busy machine.
const factor = Number(process.env.IDBRIDGE_TEST_TIME_FACTOR || 1);
if (!Number.isFinite(factor) || factor < 1 || factor > 20) throw new Error(`IDBRIDGE_TEST_TIME_FACTOR must be a number from 1 to 20, not "${process.env.IDBRIDGE_TEST_TIME_FACTOR}"`);

const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }] },
};

const project = (name, timeout) => ({
  ...base,
  displayName: name,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  ...(timeout ? { testTimeout: Math.round(timeout * factor) } : {}),
});

/**
 * Test files run in parallel workers: at least two, also on a 2-CPU machine, where jest's default (CPUs - 1) runs
 * them one at a time. Most of a test's time is spent waiting on the database, HTTP and Chromium, so two workers
 * finish the suite in 511 s where one took over 900 (measured on this machine); JEST_MAX_WORKERS overrides.
 */
const maxWorkers = Number(process.env.JEST_MAX_WORKERS) || Math.max(2, availableParallelism() - 1);

export default {
  maxWorkers,
  projects: [project('unit'), project('integration'), project('http'), project('browser')],
  testTimeout: Math.round(30000 * factor),
  // Names the machine's load, and the variable above, when a test runs out of time.
  reporters: ['default', '<rootDir>/test/helpers/timeoutReporter.mjs'],
};
