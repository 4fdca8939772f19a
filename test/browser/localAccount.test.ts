import { createAccount } from '../../src/identity/accounts/create.js';
import type { Browser, Page } from 'playwright-core';
import { createOrganization } from '../../src/identity/organizations.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { GOOD_PASSWORD, OTHER_PASSWORD, totpCode } from '../helpers/accounts.js';
import { launchChromium, onServer, serve } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';

describe('a local user in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;
  let page: Page;

  beforeAll(async () => {
    t = await openTestApp();
    site = await serve(t.app);
    browser = await launchChromium();
    page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river', policy: { mfaRequired: true } });
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.close();
  });

  async function mailLink(to: string): Promise<string> {
    await t.deliver();
    return onServer(t.mailbox.last(to).link as string, site.base);
  }

  async function secretOnPage(): Promise<string> {
    return ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
  }

  it('activates with MFA, signs out, signs in with a code, forgets the password, resets it and signs in again', async () => {
    const email = 'marta@river.example';
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName: 'Marta', familyName: 'Ruiz' }, emails: [{ value: email }] }, memberships: [{ organization: 'river', role: 'operator' }] });

    // Activation: language, password, then TOTP enrolment because River Water requires MFA.
    await page.goto(await mailLink(email));
    expect(await page.locator('h1').textContent()).toBe('Activate your account');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('en');
    await page.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Activate account' }).click();
    await page.waitForURL('**/sign-in/enrol');
    expect(await page.locator('.qr svg').count()).toBe(1);
    const secret = await secretOnPage();
    await page.getByLabel('Verification code').fill(totpCode(secret, t.deps.clock.now()));
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await page.locator('h1').textContent()).toBe('Save your recovery codes');
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await page.getByRole('link', { name: 'I have saved them' }).click();
    await page.waitForURL('**/account');
    expect(await page.locator('main').textContent()).toContain('River Water (Operator)');

    // Sign out, then sign in with the password and a new code (the enrolment's code is spent).
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.waitForURL('**/sign-in?notice=signed_out');
    expect(await page.getByRole('status').textContent()).toContain('You have signed out.');
    t.deps.clock.advance(30_000);
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/sign-in/totp');
    await page.getByLabel('Verification code').fill(totpCode(secret, t.deps.clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/account');

    // Forgot password → email → reset → sign in with the new password (no automatic sign-in after the reset).
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect(await page.locator('h1').textContent()).toBe('Check your email');
    await page.goto(await mailLink(email));
    await page.getByLabel('New password', { exact: true }).fill(OTHER_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(OTHER_PASSWORD);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.waitForURL('**/sign-in?notice=password_reset');
    t.deps.clock.advance(30_000);
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).fill(OTHER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Verification code').fill(totpCode(secret, t.deps.clock.now()));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/account');
  }, scaled(60_000));

  it('shows a refused password next to its field, and moves focus with the keyboard in order', async () => {
    const email = 'keys@river.example';
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, emails: [{ value: email }] } });
    await page.goto(await mailLink(email));
    await page.getByLabel('New password', { exact: true }).fill('aaaa1234');
    await page.getByLabel('Repeat the new password').fill('aaaa1234');
    await page.getByRole('button', { name: 'Activate account' }).click();
    const input = page.getByLabel('New password', { exact: true });
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const described = (await input.getAttribute('aria-describedby')) ?? '';
    const error = await page.locator(`#${described.split(' ').find((id) => id.endsWith('-error'))}`).textContent();
    expect(error).toContain('Do not repeat the same character three times in a row.');
    await page.getByRole('combobox', { name: 'Language' }).focus();
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('name')).toBe('password');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('name')).toBe('confirm');
  }, scaled(30_000));
});
