/**
 * Screenshots of the admin console and of two organizations' branded pages for the README: seeds demo data in a
 * throw-away database, serves the application on loopback, signs a platform administrator in with Chromium and saves
 * PNGs to docs/screenshots/.
 *
 *   npx tsx scripts/screenshots.ts
 *
 * Everything here is fictitious; the SAML certificate is the test-only one of test/fixtures/saml.
 */
import { activateAccount } from '../src/identity/selfService/activation.js';
import { createAccount } from '../src/identity/accounts/create.js';
import { lockAccount } from '../src/identity/accounts/status.js';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { completeSignIn } from '../src/identity/selfService/signIn.js';
import { configureSaml } from '../src/identity/saml/settings.js';
import { createAdminApiToken } from '../src/identity/apiTokens.js';
import { loadAdminPrincipal } from '../src/identity/principal.js';
import { createDirectory } from '../src/identity/directories.js';
import { createOrganization } from '../src/identity/organizations.js';
import { setBrand, setBrandLogo } from '../src/identity/branding/brands.js';
import { createScimToken } from '../src/identity/scimTokens.js';
import { enrolTotp, GOOD_PASSWORD, totpCode } from '../test/helpers/accounts.js';
import { platformAdmin } from '../test/helpers/admins.js';
import { openTestApp } from '../test/helpers/app.js';
import { launchChromium, serve } from '../test/helpers/browser.js';
import { logoPng } from '../test/helpers/logoFiles.js';
import type { Browser } from 'playwright-core';
import type { TestApp } from '../test/helpers/app.js';
import { testOperator } from '../test/helpers/db.js';
import { fixtureKey } from '../test/helpers/samlIdp.js';

const OUT = path.resolve('docs/screenshots');
const HOUR = 3_600_000;
const PUBLIC_URL = 'https://id.example-utility.com';

/** The two organizations whose own faces (brands) the screenshots put side by side. */
const BRANDS = [
  { slug: 'river', file: 'river', name: 'River Water', colour: '#075985', stripes: 2, productName: 'River Water customer portal', signIn: 'hannah.schmidt@river.example', newcomer: 'mei.tanaka@river.example' },
  { slug: 'lakeside', file: 'lake', name: 'Lakeside Energy', colour: '#1e6b38', stripes: 3, productName: 'Lakeside Energy online services', signIn: 'olivia.brown@lakeside.example', newcomer: 'noah.berg@lakeside.example' },
] as const;

/** Two screenshots side by side in one image (Chromium lays them out: no image library needed). */
async function sideBySide(browser: Browser, files: string[], out: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1340, height: 760 } });
  const images = files.map((file) => `<img alt="" src="data:image/png;base64,${readFileSync(file).toString('base64')}">`).join('');
  await page.setContent(`<!doctype html><body style="margin:0;padding:20px;background:#d9dee3;display:flex;gap:20px;align-items:flex-start">${images}</body>`);
  await page.screenshot({ path: out, fullPage: true });
  await page.close();
}

/**
 * The sign-in and password pages of River Water and Lakeside Energy, each in its organization's brand (opened with the
 * ?org= hint a portal puts in its links), and the activation email each sends.
 */
async function brandScreenshots(browser: Browser, t: TestApp, base: string): Promise<void> {
  const shots: Record<string, string[]> = { 'sign-in': [], password: [], email: [] };
  for (const brand of BRANDS) {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 640, height: 720 } });
    // Emails point at PUBLIC_URL (their logo too): serve those addresses from the local server.
    await context.route(`${PUBLIC_URL}/**`, async (route) => route.fulfill({ response: await route.fetch({ url: `${base}${new URL(route.request().url()).pathname}` }) }));
    const page = await context.newPage();
    await page.goto(`${base}/sign-in?org=${brand.slug}`);
    shots['sign-in']!.push(path.join(OUT, `brand-${brand.file}-sign-in.png`));
    await page.screenshot({ path: shots['sign-in']!.at(-1) as string });
    await page.getByLabel('Email or username').fill(brand.signIn);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).waitFor();
    shots.password!.push(path.join(OUT, `brand-${brand.file}-password.png`));
    await page.screenshot({ path: shots.password!.at(-1) as string, fullPage: true });
    // A blank tab for the email: the sign-in page's Content Security Policy would refuse its inline style.
    const inbox = await context.newPage();
    await inbox.setContent(t.mailbox.last(brand.newcomer).html, { waitUntil: 'load' });
    shots.email!.push(path.join(OUT, `brand-${brand.file}-email.png`));
    await inbox.screenshot({ path: shots.email!.at(-1) as string, fullPage: true });
    await context.close();
  }
  for (const [name, files] of Object.entries(shots)) await sideBySide(browser, files, path.join(OUT, `brand-${name}.png`));
}

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
  const t = await openTestApp({ server: { publicUrl: PUBLIC_URL } });
  const ctx = t.deps.ctx;
  const clock = t.deps.clock;
  try {
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river', policy: { mfaRequired: true }, support: { text: 'Customer service, weekdays 8:00 to 18:00', email: 'help@river.example', phone: '+1 555 010 0199' } });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lakeside Energy', slug: 'lakeside', support: { email: 'care@lakeside.example', url: 'https://lakeside.example/help' } });
    for (const brand of BRANDS) {
      await setBrand(ctx, testOperator, brand.slug, { displayName: brand.name, primaryColor: brand.colour, productName: brand.productName });
      await setBrandLogo(ctx, testOperator, brand.slug, { bytes: logoPng(brand.colour, { stripes: brand.stripes }), declaredType: 'image/png' });
    }
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

      // A newcomer of Lakeside's (River's is Mei Tanaka), for its activation email.
      await createAccount(ctx, testOperator, { directory: 'local', attributes: { userName: 'noah.berg@lakeside.example', name: { givenName: 'Noah', familyName: 'Berg' }, emails: [{ value: 'noah.berg@lakeside.example', primary: true }] }, memberships: [{ organization: 'lakeside', role: 'viewer' }] });
      await t.deliver();
      await brandScreenshots(browser, t, site.base);
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
