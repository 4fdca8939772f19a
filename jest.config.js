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

export default {
  projects: [project('unit'), project('integration'), project('http'), project('browser')],
  testTimeout: Math.round(30000 * factor),
  // Names the machine's load, and the variable above, when a test runs out of time.
  reporters: ['default', '<rootDir>/test/helpers/timeoutReporter.mjs'],
};
