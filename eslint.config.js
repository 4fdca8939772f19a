import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Third-party packages that belong to the edges (HTTP, SCIM, SAML, OIDC, mail transport), never to the domain. */
const EDGE_PACKAGES = ['express', 'express-*', 'passport', 'passport-*', '@node-saml/*', 'scimmy', 'scimmy-routers', 'nodemailer', 'oidc-provider', 'helmet', 'supertest'];
const EDGE_FOLDERS = ['**/http/**', '**/scim/**', '**/admin/**', '**/auth/**', '**/cli/**', '**/pages/**', '**/oidc/**', '**/jobs/**', '**/app.js', '**/deps.js', '**/main.js'];
/** Where the edges live: they authenticate, build a principal and call the domain's services (DESIGN.md). */
const EDGE_FILES = ['src/http/**/*.ts', 'src/scim/**/*.ts', 'src/admin/**/*.ts', 'src/auth/**/*.ts', 'src/cli/**/*.ts', 'src/pages/**/*.ts', 'src/oidc/**/*.ts', 'src/jobs/**/*.ts'];

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
    // DESIGN.md: the domain never imports express, passport, scimmy or nodemailer, nor any edge of the application
    // (auth/ included: the credential rules live in identity/credentials, the self-service commands in identity/selfService).
    files: ['src/identity/**/*.ts', 'src/mail/outbox.ts', 'src/mail/templates/**/*.ts', 'src/i18n/**/*.ts'],
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
    // Edges get the domain's services (identity/services.ts), never the database: only db/ and the domain touch models
    // or the database handle, and an edge cannot even name the domain's context (which holds the handle).
    files: EDGE_FILES,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/db/*', '**/db/**'], message: 'Edges call the domain\'s services; only db/ and the domain touch the database (DESIGN.md).', allowTypeImports: false },
            { group: ['**/identity/context', '**/identity/context.js'], message: 'Edges get services, not the domain context: it holds the database.', allowTypeImports: false },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'process.env is read only in src/config/load.ts' },
        { selector: "MemberExpression[property.name='db'][object.property.name='ctx'], MemberExpression[property.name='db'][object.name='ctx']", message: 'Edges never reach the database handle.' },
      ],
    },
  },
  {
    files: ['src/config/load.ts', 'test/**/*.ts', 'test/**/*.mjs', 'bench/**/*.ts', 'scripts/**/*.ts', 'scripts/**/*.mjs', 'bin/**/*.mjs', 'jest.config.js'],
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
