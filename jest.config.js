/** One jest project per kind of test (STYLE.md): unit, integration (database), http (supertest), browser (Chromium). */
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
  ...(timeout ? { testTimeout: timeout } : {}),
});

export default {
  projects: [project('unit'), project('integration'), project('http'), project('browser')],
  testTimeout: 30000,
};
