import { activateAccount } from '../../src/identity/selfService/activation.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasConfirmedTotp } from '../../src/identity/credentials/totp.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { enrolTotp, GOOD_PASSWORD, totpCode } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { axeViolations, launchChromium, onServer, serve } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';
import { WebhookReceiver } from '../helpers/webhookReceiver.js';
import { createWebhook } from '../../src/identity/webhooks/subscriptions.js';

describe('the admin console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;
  let context: BrowserContext;
  let page: Page;
  let root: { email: string; secret: string };
  const people: Record<string, string> = {};

  /** An active local user with a given name, activated through the emailed link as a person would. */
  async function person(givenName: string, familyName: string, organization: string, role: string): Promise<string> {
    const email = `${givenName}.${familyName}@${organization}.example`.toLowerCase();
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName, familyName }, emails: [{ value: email, primary: true }] }, memberships: [{ organization, role }] });
    await t.deliver();
    await activateAccount(t.deps.ctx, { token: new URL(t.mailbox.last(email).link as string).searchParams.get('token') as string, password: GOOD_PASSWORD, language: 'en' });
    people[givenName] = user.id;
    return user.id;
  }

  async function signIn(target: Page, email: string, password: string, secret?: string): Promise<void> {
    await target.goto(`${site.base}/admin`);
    await target.waitForURL('**/sign-in?return_to=%2Fadmin');
    await target.getByLabel('Email or username').fill(email);
    await target.getByRole('button', { name: 'Sign in' }).click();
    await target.getByLabel('Password', { exact: true }).fill(password);
    await target.getByRole('button', { name: 'Sign in' }).click();
    if (secret) {
      await target.waitForURL('**/sign-in/totp');
      t.deps.clock.advance(30_000);
      await target.getByLabel('Verification code').fill(totpCode(secret, t.deps.clock.now()));
      await target.getByRole('button', { name: 'Verify' }).click();
    }
    await target.waitForURL('**/admin/users');
  }

  /** The usernames in the table, in order (optionally in one organization's group only). */
  async function userNames(group?: string): Promise<string[]> {
    const scope = group ? page.locator('tbody', { has: page.locator('tr.group', { hasText: group }) }) : page.getByTestId('user-table');
    return scope.locator('a.user-link').allTextContents();
  }

  async function flash(): Promise<string> {
    return (await page.getByTestId('flash').textContent())?.trim() ?? '';
  }

  async function openUser(id: string): Promise<void> {
    await page.goto(`${site.base}/admin/users/${id}`);
  }

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    await person('Hannah', 'Schmidt', 'river', 'operator');
    await person('Ahmed', 'Khan', 'river', 'viewer');
    await person('Zoe', 'Adams', 'river', 'operator');
    await person('Bruno', 'Diaz', 'river', 'viewer');
    await person('Greta', 'Olsen', 'globex', 'standard-user');
    await person('Carla', 'Acme', 'acme', 'standard-user');
    const admin = await platformAdmin(ctx, 'root@platform.example');
    root = { email: admin.email, secret: (await enrolTotp(ctx, admin.id)).secret };
    site = await serve(t.app);
    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signIn(page, root.email, GOOD_PASSWORD, root.secret);
  }, scaled(60_000));
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.close();
  });

  it('filters the list as you type, without pressing a button', async () => {
    await page.goto(`${site.base}/admin/users`);
    await page.locator('#results[data-live="ready"]').waitFor();
    await page.getByLabel('Find users').pressSequentially('ah', { delay: 30 });
    await page.locator('#results[data-query="search=ah"]').waitFor();
    expect((await userNames()).sort()).toEqual(['ahmed.khan@river.example', 'hannah.schmidt@river.example']);
    expect(page.url()).toBe(`${site.base}/admin/users?search=ah`);
    expect(await page.locator('#results-status').textContent()).toBe('2 users');

    await page.getByLabel('Find users').press('Backspace');
    await page.locator('#results[data-query="search=a"]').waitFor();
    expect(await page.getByTestId('results').textContent()).toContain('Type at least 2 characters to search.');
    await page.getByLabel('Find users').fill('');
    await page.getByLabel('Find users').press('End');
    await page.getByLabel('Find users').pressSequentially('zoe');
    await page.locator('#results[data-query="search=zoe"]').waitFor();
    expect(await userNames()).toEqual(['zoe.adams@river.example']);
  });

  it('groups users under their organization and sorts by clicking a column heading', async () => {
    await page.goto(`${site.base}/admin/users?organization=river`);
    expect(await page.locator('tr.group').allTextContents()).toEqual([expect.stringContaining('River Water')]);
    // By last name at first.
    expect(await userNames('River Water')).toEqual(['zoe.adams@river.example', 'bruno.diaz@river.example', 'ahmed.khan@river.example', 'hannah.schmidt@river.example']);
    await page.getByRole('link', { name: 'First name' }).click();
    await page.waitForURL('**/admin/users?organization=river&sort=givenName');
    expect(await page.getByRole('columnheader', { name: 'First name' }).getAttribute('aria-sort')).toBe('ascending');
    expect(await userNames('River Water')).toEqual(['ahmed.khan@river.example', 'bruno.diaz@river.example', 'hannah.schmidt@river.example', 'zoe.adams@river.example']);
    await page.getByRole('link', { name: 'First name' }).click();
    await page.waitForURL('**/admin/users?organization=river&sort=givenName&order=desc');
    expect(await page.getByRole('columnheader', { name: 'First name' }).getAttribute('aria-sort')).toBe('descending');
    expect(await userNames('River Water')).toEqual(['zoe.adams@river.example', 'hannah.schmidt@river.example', 'bruno.diaz@river.example', 'ahmed.khan@river.example']);
  });

  it('creates a user who follows the activation email to an active account', async () => {
    await page.goto(`${site.base}/admin/users`);
    await page.getByRole('link', { name: 'Create user', exact: true }).click();
    await page.getByLabel('First name').fill('Ingrid');
    await page.getByLabel('Last name').fill('Novak');
    await page.getByLabel('Email', { exact: true }).fill('ingrid.novak@river.example');
    await page.getByLabel('Phone').fill('+34 600 000 000');
    await page.getByLabel('Job title').fill('Meter reader');
    await page.getByLabel('Give SDK access').check();
    await page.locator('#f-organization').selectOption('river');
    await page.locator('#f-role').selectOption('operator');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
    expect(await flash()).toBe('Ingrid Novak has been created. The activation email is on its way.');
    expect(await page.getByTestId('user-detail').textContent()).toContain('Provisioned');
    expect(await page.getByTestId('memberships').textContent()).toContain('River Water');

    // The new user, in a browser of their own, follows the link of the email.
    await t.deliver();
    const mail = t.mailbox.last('ingrid.novak@river.example');
    expect(mail.subject).toBe('River Water has set up your Customer Portal account');
    const newcomer = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await newcomer.goto(onServer(mail.link as string, site.base));
    await newcomer.getByLabel('New password', { exact: true }).fill(GOOD_PASSWORD);
    await newcomer.getByLabel('Repeat the new password').fill(GOOD_PASSWORD);
    await newcomer.getByRole('button', { name: 'Activate account' }).click();
    await newcomer.waitForURL('**/account?notice=activated');
    await newcomer.context().close();

    await page.reload();
    expect(await page.locator('.user-detail h2 .badge').first().textContent()).toBe('Active');
  }, scaled(45_000));

  it('locks and unlocks a user, with a message after each', async () => {
    await openUser(people.Bruno as string);
    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.waitForURL(`**/admin/users/${people.Bruno}`);
    expect(await flash()).toBe('Bruno Diaz is locked.');
    expect((await getAccount(t.deps.ctx, testOperator, people.Bruno as string)).status).toBe('LOCKED_BY_ADMIN');
    expect(await page.getByTestId('attributes').textContent()).toContain('Locked by admin');

    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByTestId('flash').filter({ hasText: 'unlocked' }).waitFor();
    expect(await flash()).toBe('Bruno Diaz is unlocked.');
    expect((await getAccount(t.deps.ctx, testOperator, people.Bruno as string)).status).toBe('ACTIVE');
  });

  it('resets MFA after a confirmation', async () => {
    const id = people.Hannah as string;
    await enrolTotp(t.deps.ctx, id);
    await openUser(id);
    expect(await page.getByTestId('attributes').textContent()).toContain('Set up');
    await page.getByRole('link', { name: 'Reset MFA' }).click();
    await page.waitForURL(`**/admin/users/${id}/confirm/reset_mfa`);
    expect(await page.locator('.confirm-text').textContent()).toContain('Reset the two-step verification of Hannah Schmidt?');
    // The confirm button has the focus: the keyboard confirms.
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/admin/users/${id}`);
    expect(await flash()).toBe('The two-step verification of Hannah Schmidt has been reset.');
    expect(await page.getByTestId('attributes').textContent()).toContain('Not set up');
    expect(await hasConfirmedTotp(t.deps.ctx, id)).toBe(false);
    await t.deliver();
    expect(t.mailbox.last('hannah.schmidt@river.example').subject).toBe('Your Customer Portal two-step verification has been reset');
  });

  it('deletes a user only once the username is typed', async () => {
    const id = people.Zoe as string;
    await openUser(id);
    await page.getByRole('link', { name: 'Delete user' }).click();
    await page.waitForURL(`**/admin/users/${id}/delete`);
    await page.getByLabel('Username of the user to delete').fill('someone else');
    await page.getByRole('button', { name: 'Delete for good' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('confirm with the exact username');
    expect((await getAccount(t.deps.ctx, testOperator, id)).userName).toBe('zoe.adams@river.example');

    await page.getByLabel('Username of the user to delete').fill('zoe.adams@river.example');
    await page.getByRole('button', { name: 'Delete for good' }).click();
    await page.waitForURL('**/admin/users');
    expect(await flash()).toBe('Zoe Adams has been deleted.');
    expect(await userNames()).not.toContain('zoe.adams@river.example');
    await expect(getAccount(t.deps.ctx, testOperator, id)).rejects.toThrow('User not found.');
  });

  it('shows an organization administrator only the users of their organization', async () => {
    const admin = await organizationAdmin(t.deps.ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    const other = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    try {
      await signIn(other, admin.email, admin.password);
      await other.goto(`${site.base}/admin/users?status=all`);
      const names = await other.getByTestId('user-table').locator('a.user-link').allTextContents();
      expect(names).toContain('carla.acme@acme.example');
      expect(names).not.toContain('greta.olsen@globex.example');
      expect(await other.locator('tr.group').allTextContents()).toEqual([expect.stringContaining('Acme')]);
      expect(await other.getByRole('navigation', { name: 'Administration' }).textContent()).not.toContain('Directories');
      const response = await other.goto(`${site.base}/admin/users/${people.Greta}`);
      expect(response?.status()).toBe(404);
    } finally {
      await other.context().close();
    }
  });

  it('can be used with the keyboard: the skip link comes first and every heading sorts', async () => {
    await page.goto(`${site.base}/admin/users`);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Enter');
    // Following an in-page link is a same-document navigation that completes after the key press returns.
    await page.waitForFunction(() => location.hash === '#main', undefined, { timeout: 5000 });
    expect(page.url()).toContain('#main');
    expect(await page.locator('thead th a').count()).toBe(9);
  });

  it('has no axe-core violation (WCAG 2.0 A/AA, 2.1 AA) on the webhook pages: the list with a failing one, the form with its errors, the secret shown once, the delivery log; nor on portal applications', async () => {
    const receiver = await new WebhookReceiver().start();
    // axe is injected as a script, which the pages' Content Security Policy refuses (branding.test.ts checks the CSP).
    const checking = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 }, bypassCSP: true });
    const page = await checking.newPage();
    try {
      const failing = await createWebhook(t.deps.ctx, testOperator, { organization: 'globex', url: `${receiver.url}/globex`, eventTypes: ['user.created'] });
      receiver.failNext(1000);
      await person('Ines', 'Moreau', 'globex', 'standard-user');
      await t.deps.webhooks.drain();
      t.deps.clock.advance(25 * 3_600_000);
      await t.deps.webhooks.drain();
      receiver.failNext(0);
      // Signed in after the clock moved a day (a session would have expired).
      await signIn(page, root.email, GOOD_PASSWORD, root.secret);

      const checked: Record<string, string[]> = {};
      const check = async (name: string) => {
        checked[name] = (await axeViolations(page)).map((v) => `${v.id}: ${v.help} (${v.nodes.join(', ')})`);
      };
      await page.goto(`${site.base}/admin/webhooks`);
      expect(await page.getByTestId('failing-webhooks').isVisible()).toBe(true);
      await check('list, one failing');
      await page.getByRole('link', { name: 'Add a webhook' }).click();
      await page.getByLabel('Endpoint URL').fill('ftp://hooks.acme.example/events');
      await page.getByRole('button', { name: 'Add the webhook' }).click();
      expect(await page.locator('.field.has-error').count()).toBeGreaterThan(0);
      await check('new, refused');
      await page.getByLabel('Endpoint URL').fill(`${receiver.url}/acme`);
      await page.getByLabel('Sent for').selectOption('organization:acme');
      await page.getByRole('button', { name: 'Add the webhook' }).click();
      expect(await page.getByTestId('new-secret').isVisible()).toBe(true);
      await check('created, secret shown once');
      await page.goto(`${site.base}/admin/webhooks/${failing.id}`);
      expect(await page.getByTestId('failing').isVisible()).toBe(true);
      await check('detail with its delivery log');
      await page.goto(`${site.base}/admin/oidc-clients`);
      await check('portal applications');
      expect(checked).toEqual({ 'list, one failing': [], 'new, refused': [], 'created, secret shown once': [], 'detail with its delivery log': [], 'portal applications': [] });
      // The check would notice: a field without a label on the same page is a violation.
      await page.evaluate(() => document.querySelector('main')?.append(Object.assign(document.createElement('input'), { type: 'text', name: 'unlabelled' })));
      expect((await axeViolations(page)).map((v) => v.id)).toContain('label');
    } finally {
      await checking.close();
      await receiver.stop();
    }
  });
});
