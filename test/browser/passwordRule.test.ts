import type { Browser, Page } from 'playwright-core';
import { createAccount } from '../../src/identity/accounts/create.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, onServer, serve } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';

/** Issue 17, item 1: a seed user choosing a password on the activation page, with an ordinary .com address. */
describe('the personal-information password rule in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;
  let page: Page;

  beforeAll(async () => {
    t = await openTestApp();
    site = await serve(t.app);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Northwind Energy', slug: 'northwind' });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.close();
  });

  const LABELS = {
    en: { password: 'New password', confirm: 'Repeat the new password', submit: 'Activate account' },
    es: { password: 'Nueva contraseña', confirm: 'Repita la nueva contraseña', submit: 'Activar la cuenta' },
  };

  /** Fills the activation form as the page's language labels it, and sends it. */
  async function choose(password: string, on: 'en' | 'es' = 'en'): Promise<void> {
    await page.getByLabel(LABELS[on].password, { exact: true }).fill(password);
    await page.getByLabel(LABELS[on].confirm).fill(password);
    await page.getByRole('button', { name: LABELS[on].submit }).click();
  }

  it('refuses a word of the address or the organization, naming it, and accepts a passphrase that only shares ".com"', async () => {
    const email = 'sarah.connor85@email.com';
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName: 'Sarah', familyName: 'Connor' }, emails: [{ value: email }] }, memberships: [{ organization: 'northwind', role: 'standard-user' }] });
    await t.deliver();
    await page.goto(onServer(t.mailbox.last(email).link as string, site.base));

    await choose('Tulip-Sarah-Harbor-83');
    expect(await page.locator('#f-password-error').textContent()).toContain("The password contains 'sarah', part of your email address: leave it out.");
    await choose('Tulip-Energy-Harbor-83');
    expect(await page.locator('#f-password-error').textContent()).toContain("The password contains 'energy', part of your organization's name: leave it out.");
    await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
    await choose('Tulip-Connor-Harbor-83');
    expect(await page.locator('#f-password-error').textContent()).toContain('La contraseña contiene «connor», parte de su dirección de correo electrónico: quítelo.');

    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    await choose('Harbor-Tulip-Comet-83', 'es');
    await page.waitForURL('**/account?notice=activated');
    expect(await page.locator('main').textContent()).toContain('Northwind Energy');
  });
});
