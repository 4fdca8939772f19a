import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { lockAccount } from '../../src/identity/accounts/status.js';
import { hasConfirmedTotp } from '../../src/identity/credentials/totp.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { activateAccount } from '../../src/identity/selfService/activation.js';
import { enrolTotp, GOOD_PASSWORD, totpCode } from '../helpers/accounts.js';
import { platformAdmin } from '../helpers/admins.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, serve } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';

/**
 * The user list as a seed product's administrator uses it, in Chromium: type a name and find a user whatever its
 * status, act on a user from its row (with the same confirmation as on the user's page, with or without script), and
 * go from user to user with Previous / Next and back to the list as it was.
 */
describe('the user list in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;
  let context: BrowserContext;
  let page: Page;
  let root: { email: string; secret: string };
  const id: Record<string, string> = {};

  /** A user of River Water; active through the emailed link as a person would, unless `provisioned`. */
  async function person(givenName: string, familyName: string, role: string, options: { provisioned?: boolean } = {}): Promise<string> {
    const email = `${givenName}.${familyName}@river.example`.toLowerCase();
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName, familyName }, emails: [{ value: email, primary: true }] }, memberships: [{ organization: 'river', role }] });
    id[givenName] = user.id;
    if (options.provisioned) return user.id;
    await t.deliver();
    await activateAccount(t.deps.ctx, { token: new URL(t.mailbox.last(email).link as string).searchParams.get('token') as string, password: GOOD_PASSWORD, language: 'en' });
    return user.id;
  }

  async function signIn(target: Page): Promise<void> {
    await target.goto(`${site.base}/admin`);
    await target.getByLabel('Email or username').fill(root.email);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.waitForURL('**/sign-in/totp');
    t.deps.clock.advance(30_000);
    await target.getByLabel('Verification code').fill(totpCode(root.secret, t.deps.clock.now()));
    await target.getByRole('button', { name: 'Verify' }).click();
    await target.waitForURL('**/admin/users');
  }

  async function flash(target: Page = page): Promise<string> {
    return (await target.getByTestId('flash').textContent())?.trim() ?? '';
  }

  /** The status shown in the row of a username. */
  async function statusOf(userName: string, target: Page = page): Promise<string> {
    return ((await target.getByTestId('user-table').locator('tr', { has: target.locator('a.user-link', { hasText: userName }) }).locator('.badge').first().textContent()) ?? '').trim();
  }

  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await person('Hannah', 'Schmidt', 'operator');
    await person('Ahmed', 'Khan', 'viewer');
    await person('Bruno', 'Diaz', 'viewer');
    await person('Zoe', 'Adams', 'operator');
    await person('Lars', 'Berg', 'viewer');
    await person('Mei', 'Tanaka', 'viewer', { provisioned: true });
    await lockAccount(t.deps.ctx, testOperator, id.Lars as string);
    await enrolTotp(t.deps.ctx, id.Hannah as string);
    const admin = await platformAdmin(t.deps.ctx, 'root@list.example');
    root = { email: admin.email, secret: (await enrolTotp(t.deps.ctx, admin.id)).secret };
    site = await serve(t.app);
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signIn(page);
  }, scaled(60_000));
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.close();
  });

  it('finds a user who has not activated yet by typing the name, with the status in the row', async () => {
    await page.goto(`${site.base}/admin/users`);
    await page.locator('#results[data-live="ready"]').waitFor();
    // The default list holds active users only: Mei is not in it.
    expect(await page.getByTestId('user-table').textContent()).not.toContain('mei.tanaka');
    await page.getByLabel('Find users').pressSequentially('tana', { delay: 30 });
    await page.locator('#results[data-query="search=tana"]').waitFor();
    expect(await page.getByTestId('user-table').locator('a.user-link').allTextContents()).toEqual(['mei.tanaka@river.example']);
    expect(await statusOf('mei.tanaka@river.example')).toBe('Provisioned');
    expect(await page.locator('#f-status').inputValue()).toBe('');

    // "Locked" is one choice for both locked statuses.
    await page.getByLabel('Find users').fill('');
    await page.locator('#f-status').selectOption({ label: 'Locked (auto-locked or by admin)' });
    await page.locator('#results[data-query="status=LOCKED"]').waitFor();
    expect(await page.getByTestId('user-table').locator('a.user-link').allTextContents()).toEqual(['lars.berg@river.example']);
    expect(await statusOf('lars.berg@river.example')).toBe('Locked by admin');
  });

  it('resets MFA from a row\'s menu after the confirmation, and comes back to the list with the message', async () => {
    await page.goto(`${site.base}/admin/users?search=schmidt`);
    await page.locator('details.row-actions').filter({ hasText: 'Hannah Schmidt' }).locator('summary').click();
    const reset = page.getByRole('link', { name: 'Reset MFA (Hannah Schmidt)' });
    await reset.waitFor();
    await reset.click();
    await page.waitForURL(`**/admin/users/${id.Hannah}/confirm/reset_mfa?search=schmidt&return=list`);
    expect(await page.locator('.confirm-text').textContent()).toContain('Reset the two-step verification of Hannah Schmidt?');
    // The confirm button has the focus, as on the user's page.
    await page.keyboard.press('Enter');
    await page.waitForURL('**/admin/users?search=schmidt');
    expect(await flash()).toBe('The two-step verification of Hannah Schmidt has been reset.');
    expect(await page.getByLabel('Find users').inputValue()).toBe('schmidt');
    expect(await hasConfirmedTotp(t.deps.ctx, id.Hannah as string)).toBe(false);
    // Reset MFA is no longer offered: nothing left to reset.
    await page.locator('details.row-actions').filter({ hasText: 'Hannah Schmidt' }).locator('summary').click();
    expect(await page.getByRole('link', { name: 'Reset MFA (Hannah Schmidt)' }).count()).toBe(0);
  });

  it('names the user in every control of a row, and closes the menu on Escape', async () => {
    await page.goto(`${site.base}/admin/users?search=diaz`);
    const summary = page.locator('details.row-actions summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('details.row-actions').first().getAttribute('open')).toBe('');
    const items = await page.locator('details.row-actions[open] .menu li').evaluateAll((lis) => lis.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim()));
    expect(items).toEqual(['View (Bruno Diaz)', 'Edit (Bruno Diaz)', 'Lock (Bruno Diaz)', 'Remove from River Water (Bruno Diaz)', 'Delete user (Bruno Diaz)']);
    // Each is a control a screen reader announces with the user's name.
    expect(await page.getByRole('button', { name: 'Lock (Bruno Diaz)', exact: true }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Delete user (Bruno Diaz)', exact: true }).count()).toBe(1);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Escape');
    expect(await page.locator('details.row-actions[open]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SUMMARY');
  });

  it('locks from a row without JavaScript', async () => {
    const plain = await (await browser.newContext({ locale: 'en-GB', javaScriptEnabled: false, viewport: { width: 1280, height: 800 } })).newPage();
    try {
      await signIn(plain);
      await plain.goto(`${site.base}/admin/users?search=khan`);
      await plain.locator('details.row-actions summary').first().click();
      await plain.getByRole('button', { name: 'Lock (Ahmed Khan)' }).click();
      await plain.waitForURL('**/admin/users?search=khan');
      expect(await flash(plain)).toBe('Ahmed Khan is locked.');
      expect(await statusOf('ahmed.khan@river.example', plain)).toBe('Locked by admin');
      expect((await getAccount(t.deps.ctx, testOperator, id.Ahmed as string)).status).toBe('LOCKED_BY_ADMIN');
      await plain.locator('details.row-actions summary').first().click();
      await plain.getByRole('button', { name: 'Unlock (Ahmed Khan)' }).click();
      await plain.waitForURL('**/admin/users?search=khan');
      expect(await flash(plain)).toBe('Ahmed Khan is unlocked.');
    } finally {
      await plain.context().close();
    }
  }, scaled(45_000));

  it('goes from user to user with Next, and back to the list with the search kept', async () => {
    await page.goto(`${site.base}/admin/users?search=river.example&sort=givenName`);
    // Every status in a search, by first name: Ahmed, Bruno, Hannah, Lars, Mei, Zoe.
    await page.getByRole('link', { name: 'ahmed.khan@river.example' }).click();
    await page.waitForURL(`**/admin/users/${id.Ahmed}?search=river.example&sort=givenName`);
    const nav = page.getByRole('navigation', { name: 'Users of the list' });
    expect(await nav.getByText(/User \d of \d in the list/).textContent()).toBe('User 1 of 6 in the list');
    expect(await nav.getByRole('link', { name: /Previous/ }).count()).toBe(0);

    await nav.getByRole('link', { name: 'Next: Bruno Diaz' }).click();
    await page.waitForURL(`**/admin/users/${id.Bruno}?search=river.example&sort=givenName`);
    expect(await page.locator('#detail-heading').textContent()).toContain('Bruno Diaz');
    await page.getByRole('navigation', { name: 'Users of the list' }).getByRole('link', { name: 'Next: Hannah Schmidt' }).click();
    await page.waitForURL(`**/admin/users/${id.Hannah}?search=river.example&sort=givenName`);
    expect(await page.getByRole('navigation', { name: 'Users of the list' }).getByText(/User \d of \d in the list/).textContent()).toBe('User 3 of 6 in the list');
    expect(await page.getByRole('link', { name: 'Previous: Bruno Diaz' }).count()).toBe(1);

    await page.getByRole('link', { name: 'Back to the user list' }).click();
    await page.waitForURL('**/admin/users?search=river.example&sort=givenName');
    expect(await page.getByLabel('Find users').inputValue()).toBe('river.example');
    expect(await page.getByRole('columnheader', { name: 'First name' }).getAttribute('aria-sort')).toBe('ascending');
    expect(await page.getByTestId('user-table').locator('a.user-link').count()).toBe(6);
  });
});
