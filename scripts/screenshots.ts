/**
 * Screenshots of the admin console for the README: seeds demo data in a throw-away database, serves the application
 * on loopback, signs a platform administrator in with Chromium and saves PNGs to docs/screenshots/.
 *
 *   npx tsx scripts/screenshots.ts
 *
 * Everything here is fictitious; the SAML certificate is the test-only one of test/fixtures/saml.
 */
import { activateAccount } from '../src/identity/selfService/activation.js';
import { createAccount } from '../src/identity/accounts/create.js';
import { lockAccount } from '../src/identity/accounts/status.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { completeSignIn } from '../src/identity/selfService/signIn.js';
import { configureSaml } from '../src/identity/saml/settings.js';
import { createAdminApiToken } from '../src/identity/apiTokens.js';
import { loadAdminPrincipal } from '../src/identity/principal.js';
import { createDirectory } from '../src/identity/directories.js';
import { createOrganization } from '../src/identity/organizations.js';
import { createScimToken } from '../src/identity/scimTokens.js';
import { enrolTotp, GOOD_PASSWORD, totpCode } from '../test/helpers/accounts.js';
import { platformAdmin } from '../test/helpers/admins.js';
import { openTestApp } from '../test/helpers/app.js';
import { launchChromium, serve } from '../test/helpers/browser.js';
import { testOperator } from '../test/helpers/db.js';
import { fixtureKey } from '../test/helpers/samlIdp.js';

const OUT = path.resolve('docs/screenshots');
const HOUR = 3_600_000;

const PEOPLE: Array<[string, string, string, string, 'active' | 'provisioned' | 'locked']> = [
  ['Hannah', 'Schmidt', 'river', 'administrator', 'active'],
  ['Ahmed', 'Khan', 'river', 'operator', 'active'],
  ['Lucía', 'Fernández', 'river', 'operator', 'active'],
  ['Bruno', 'Diaz', 'river', 'viewer', 'locked'],
  ['Mei', 'Tanaka', 'river', 'viewer', 'provisioned'],
  ['Olivia', 'Brown', 'lakeside', 'administrator', 'active'],
  ['Samuel', 'Okafor', 'lakeside', 'operator', 'active'],
  ['Greta', 'Olsen', 'globex', 'full-access', 'active'],
  ['Tomás', 'Silva', 'globex', 'standard-user', 'active'],
  ['Ingrid', 'Novak', 'globex', 'standard-user', 'active'],
];

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const t = await openTestApp({ server: { publicUrl: 'https://id.example-utility.com' } });
  const ctx = t.deps.ctx;
  const clock = t.deps.clock;
  try {
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river', policy: { mfaRequired: true } });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lakeside Energy', slug: 'lakeside' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme Foods', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'acme-okta', organizations: ['acme'] });
    await configureSaml(ctx, testOperator, 'acme-okta', {
      entityId: 'http://www.okta.com/exk1demo',
      ssoUrl: 'https://acme.okta.example/app/idbridge/sso/saml',
      certificates: [fixtureKey('idp').cert],
      domains: ['acme-foods.example'],
    });
    await createScimToken(ctx, testOperator, { directory: 'acme-okta', name: 'Okta provisioning', expiresInDays: 365 });

    const ids: Record<string, string> = {};
    for (const [givenName, familyName, organization, role, state] of PEOPLE) {
      clock.advance(26 * HOUR);
      const email = `${givenName.normalize('NFD').replace(/[^\w]/g, '')}.${familyName.normalize('NFD').replace(/[^\w]/g, '')}@${organization}.example`.toLowerCase();
      const user = await createAccount(ctx, testOperator, {
        directory: 'local',
        attributes: { userName: email, name: { givenName, familyName }, emails: [{ value: email, primary: true }], phoneNumbers: [{ value: '+1 555 0100', primary: true }], title: role === 'administrator' ? 'Customer service lead' : 'Analyst' },
        memberships: [{ organization, role }],
      });
      ids[givenName] = user.id;
      if (state === 'provisioned') continue;
      await t.deliver();
      await activateAccount(ctx, { token: new URL(t.mailbox.last(email).link as string).searchParams.get('token') as string, password: GOOD_PASSWORD, language: 'en' });
      clock.advance(3 * HOUR);
      await completeSignIn(ctx, user.id, ['pwd']);
      if (state === 'locked') await lockAccount(ctx, testOperator, user.id);
    }
    for (const [userName, givenName, familyName] of [['c.ruiz@acme-foods.example', 'Carmen', 'Ruiz'], ['j.park@acme-foods.example', 'Jae', 'Park']] as const) {
      clock.advance(5 * HOUR);
      const user = await createAccount(ctx, testOperator, { directory: 'acme-okta', attributes: { userName, externalId: `00u${givenName.toLowerCase()}`, name: { givenName, familyName }, emails: [{ value: userName, primary: true }], title: 'Buyer' }, memberships: [{ organization: 'acme', role: 'standard-user' }] });
      ids[givenName] = user.id;
      await completeSignIn(ctx, user.id, ['saml']);
    }

    clock.advance(48 * HOUR);
    const admin = await platformAdmin(ctx, 'operations@example-utility.com');
    const { secret } = await enrolTotp(ctx, admin.id);
    await createAdminApiToken(ctx, (await loadAdminPrincipal(ctx, admin.id))!, { name: 'nightly CSV export' });
    clock.advance(60_000);

    const site = await serve(t.app);
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } })).newPage();
      await page.goto(`${site.base}/admin`);
      await page.getByLabel('Email or username').fill(admin.email);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Verification code').fill(totpCode(secret, clock.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL('**/admin/users');

      // The list with a row's actions open (a user near the top, so that the page need not scroll).
      await page.goto(`${site.base}/admin/users?status=all`);
      await page.getByRole('group').filter({ hasText: 'Actions (Jae Park)' }).locator('summary').click();
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(OUT, 'users.png') });
      await page.keyboard.press('Escape');
      await page.getByLabel('Find users').pressSequentially('an', { delay: 40 });
      await page.locator('#results[data-query*="search=an"]').waitFor();
      await page.screenshot({ path: path.join(OUT, 'users-search.png') });

      await page.goto(`${site.base}/admin/users/${ids.Carmen}`);
      await page.screenshot({ path: path.join(OUT, 'user-sso.png'), fullPage: true });
      await page.goto(`${site.base}/admin/users/${ids.Hannah}`);
      await page.getByRole('button', { name: 'Lock', exact: true }).click();
      await page.getByTestId('flash').waitFor();
      await page.screenshot({ path: path.join(OUT, 'user-detail.png'), fullPage: true });

      await page.goto(`${site.base}/admin/directories/acme-okta`);
      await page.screenshot({ path: path.join(OUT, 'directory.png'), fullPage: true });

      // A customer administrator (Globex) adds someone who already has an account elsewhere on the platform.
      const customer = await (await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } })).newPage();
      await customer.goto(`${site.base}/admin`);
      await customer.getByLabel('Email or username').fill('greta.olsen@globex.example');
      await customer.getByRole('button', { name: 'Sign in' }).click();
      await customer.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
      await customer.getByRole('button', { name: 'Sign in' }).click();
      await customer.waitForURL('**/admin/users');
      await customer.getByRole('link', { name: 'Add user', exact: true }).click();
      await customer.getByLabel('Email').fill('samuel.okafor@lakeside.example');
      await customer.screenshot({ path: path.join(OUT, 'user-add.png') });
      await customer.getByRole('button', { name: 'Add', exact: true }).click();
      await customer.waitForURL(`**/admin/users/${ids.Samuel}`);
      await customer.screenshot({ path: path.join(OUT, 'user-added.png'), fullPage: true });
      console.log(`Saved the screenshots to ${path.relative(process.cwd(), OUT)}/`);
    } finally {
      await browser.close();
      await site.close();
    }
  } finally {
    await t.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
