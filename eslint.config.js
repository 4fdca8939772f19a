import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Third-party packages that belong to the edges (HTTP, SCIM, SAML, OIDC, mail transport), never to the domain. */
const EDGE_PACKAGES = ['express', 'express-*', 'passport', 'passport-*', '@node-saml/*', 'scimmy', 'scimmy-routers', 'nodemailer', 'oidc-provider', 'helmet', 'supertest'];
const EDGE_FOLDERS = ['**/http/**', '**/scim/**', '**/admin/**', '**/auth/*/routes/**', '**/auth/session*', '**/cli/**', '**/pages/**', '**/oidc/**', '**/app.js', '**/deps.js', '**/main.js'];

const restrict = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message, allowTypeImports: false })) }];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'process.env is read only in src/config/load.ts' }],
    },
  },
  {
    // DESIGN.md: the domain never imports express, passport, scimmy or nodemailer, nor any edge of the application.
    // auth/local and auth/saml hold the credential rules (domain); their routes/ folders are edges.
    files: ['src/identity/**/*.ts', 'src/auth/local/*.ts', 'src/auth/saml/*.ts', 'src/mail/outbox.ts', 'src/mail/templates/**/*.ts', 'src/i18n/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([...EDGE_PACKAGES, ...EDGE_FOLDERS], 'The domain is framework-free: edges call the domain, never the reverse (DESIGN.md).') },
  },
  {
    // Leaf helpers import nothing from the application.
    files: ['src/lib/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(['../*', ...EDGE_PACKAGES], 'src/lib holds leaf helpers: they import nothing from the application.') },
  },
  {
    files: ['src/db/**/*.ts', 'src/config/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict([...EDGE_PACKAGES, ...EDGE_FOLDERS], 'The data layer and configuration do not depend on the edges.') },
  },
  {
    // Only db/ and the domain touch models: edges go through domain functions.
    files: ['src/http/**/*.ts', 'src/scim/**/*.ts', 'src/admin/**/*.ts', 'src/auth/*/routes/**/*.ts', 'src/auth/session*.ts', 'src/cli/**/*.ts', 'src/pages/**/*.ts', 'src/oidc/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/db/models/*', '**/db/models/**'], message: 'Edges call domain functions; only db/ and the domain touch models.', allowTypeImports: true }] }],
    },
  },
  {
    files: ['src/config/load.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The console's script runs in the browser.
    files: ['src/pages/assets/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', URLSearchParams: 'readonly', FormData: 'readonly', AbortController: 'readonly' } },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
