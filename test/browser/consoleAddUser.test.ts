import type { Browser, BrowserContext, Page } from 'playwright-core';
import { activateAccount } from '../../src/identity/selfService/activation.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { enrolTotp, GOOD_PASSWORD, totpCode } from '../helpers/accounts.js';
import { platformAdmin } from '../helpers/admins.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, serve } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';

/**
 * The seed products' administrators creating and adding users in Chromium (issue 17): a utility administrator of two
 * utilities who fills only the visible fields, a customer administrator who removes a user from their only
 * organization, a bill-management customer administrator who adds a person of another customer by email, and a
 * platform administrator who gives a new user five utilities at once.
 */
describe('creating and adding users in the console, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serve>>;
  const people: Record<string, { id: string; email: string }> = {};
  let root: { email: string; secret: string };

  async function person(givenName: string, familyName: string, memberships: Array<{ organization: string; role: string }>): Promise<void> {
    const email = `${givenName.normalize('NFD').replace(/[^\w]/g, '')}.${familyName}@${memberships[0]!.organization}.example`.toLowerCase();
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName, familyName }, emails: [{ value: email, primary: true }] }, memberships });
    await t.deliver();
    await activateAccount(t.deps.ctx, { token: new URL(t.mailbox.last(email).link as string).searchParams.get('token') as string, password: GOOD_PASSWORD, language: 'en' });
    people[givenName] = { id: user.id, email };
  }

  /** A browser of the administrator's own, signed in through the hosted pages, on the user list. */
  async function signedIn(email: string, secret?: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${site.base}/admin`);
    await page.getByLabel('Email or username').fill(email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (secret) {
      await page.waitForURL('**/sign-in/totp');
      t.deps.clock.advance(30_000);
      await page.getByLabel('Verification code').fill(totpCode(secret, t.deps.clock.now()));
      await page.getByRole('button', { name: 'Verify' }).click();
    }
    await page.waitForURL('**/admin/users');
    return { page, context };
  }

  const flash = async (page: Page) => (await page.getByTestId('flash').textContent())?.trim() ?? '';

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    for (const [slug, name] of [['river', 'River Water'], ['lake', 'Lake Water'], ['hill', 'Hill Energy'], ['bay', 'Bay Water'], ['cape', 'Cape Power'], ['dune', 'Dune Water']]) {
      await createOrganization(ctx, testOperator, { kind: 'utility', name: name!, slug: slug! });
    }
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    await person('Ulla', 'Berg', [{ organization: 'river', role: 'administrator' }, { organization: 'lake', role: 'administrator' }]);
    await person('Amir', 'Haddad', [{ organization: 'acme', role: 'full-access' }]);
    await person('Carla', 'Acme', [{ organization: 'acme', role: 'standard-user' }]);
    await person('Greta', 'Olsen', [{ organization: 'globex', role: 'full-access' }]);
    await person('Tomás', 'Silva', [{ organization: 'acme', role: 'standard-user' }]);
    const admin = await platformAdmin(ctx, 'root@platform.example');
    root = { email: admin.email, secret: (await enrolTotp(ctx, admin.id)).secret };
    site = await serve(t.app);
    browser = await launchChromium();
  }, scaled(60_000));
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.close();
  });

  it('makes no administrator of a user created by filling only the visible fields', async () => {
    const { page, context } = await signedIn(people.Ulla!.email);
    try {
      await page.getByRole('link', { name: 'Create user', exact: true }).click();
      await page.getByLabel('First name').fill('Nils');
      await page.getByLabel('Last name').fill('Moreau');
      await page.getByLabel('Email', { exact: true }).fill('nils.moreau@river.example');
      await page.getByLabel('Phone').fill('+34 600 000 002');
      await page.getByLabel('Job title').fill('Field technician');
      await page.locator('#f-organization').selectOption({ label: 'River Water' });
      // The role the form offers is the catalog's default, in both organization rows.
      expect(await page.locator('#f-role option:checked').textContent()).toBe('Viewer');
      expect(await page.locator('#f-role2 option:checked').textContent()).toBe('Viewer');
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
      expect(await flash(page)).toBe('Nils Moreau has been created. The activation email is on its way.');
      const id = page.url().split('/').pop() as string;
      expect((await getAccount(t.deps.ctx, testOperator, id)).memberships.map((m) => [m.organization.slug, m.role])).toEqual([['river', 'viewer']]);
      expect(await page.getByTestId('memberships').textContent()).toContain('Viewer');

      // The header leads to the administrator's own account page.
      await page.getByRole('link', { name: 'My account' }).click();
      await page.waitForURL('**/account');
    } finally {
      await context.close();
    }
  });

  it('goes back to the list with the message after removing a user from the administrator\'s only organization', async () => {
    const { page, context } = await signedIn(people.Amir!.email);
    try {
      await page.goto(`${site.base}/admin/users/${people.Carla!.id}`);
      await page.getByRole('link', { name: 'Remove Acme' }).click();
      await page.waitForURL(`**/admin/users/${people.Carla!.id}/memberships/acme/remove`);
      await page.getByRole('button', { name: 'Remove' }).click();
      await page.waitForURL(`${site.base}/admin/users`);
      expect(await flash(page)).toBe('Carla Acme no longer belongs to Acme.');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Users');
      expect(await page.locator('body').textContent()).not.toContain('not found');
      expect((await getAccount(t.deps.ctx, testOperator, people.Carla!.id)).memberships).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('adds a person of another customer by email, and goes on to create someone new', async () => {
    const { page, context } = await signedIn(people.Greta!.email);
    try {
      await page.getByRole('link', { name: 'Add user', exact: true }).click();
      await page.waitForURL('**/admin/users/add');
      await page.getByLabel('Email').fill(people['Tomás']!.email);
      expect(await page.locator('#f-organization option:checked').textContent()).toBe('Globex');
      expect(await page.locator('#f-role option:checked').textContent()).toBe('Standard User');
      t.mailbox.clear();
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForURL(`**/admin/users/${people['Tomás']!.id}`);
      expect(await flash(page)).toBe('Tomás Silva now has access to Globex as Standard User. An email tells them so.');
      expect(await page.getByTestId('memberships').textContent()).toContain('Globex');
      await t.deliver();
      const mail = t.mailbox.last(people['Tomás']!.email);
      expect(mail.subject).toBe('You now have access to Globex');
      expect(mail.text).toContain('with the role Standard User');

      // Nobody has this address: the create form goes on with it.
      await page.goto(`${site.base}/admin/users/add`);
      await page.getByLabel('Email').fill('ines.roy@globex.example');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.waitForURL(/\/admin\/users\/new\?email=/);
      expect(await flash(page)).toBe('No account uses ines.roy@globex.example yet: fill in the rest to create it.');
      expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe('ines.roy@globex.example');
      await page.getByLabel('First name').fill('Inés');
      await page.getByLabel('Last name').fill('Roy');
      await page.getByLabel('Phone').fill('+1 555 0101');
      await page.getByLabel('Job title').fill('Energy manager');
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').pop() as string;
      expect((await getAccount(t.deps.ctx, testOperator, id)).memberships.map((m) => [m.organization.slug, m.role])).toEqual([['globex', 'standard-user']]);
    } finally {
      await context.close();
    }
  }, scaled(45_000));

  it('creates a user in five organizations, finding one by typing part of its name', async () => {
    const { page, context } = await signedIn(root.email, root.secret);
    try {
      await page.goto(`${site.base}/admin/users/new`);
      await page.getByLabel('First name').fill('Olga');
      await page.getByLabel('Last name').fill('Petrov');
      await page.getByLabel('Email', { exact: true }).fill('olga.petrov@example.com');
      await page.getByLabel('Phone').fill('+1 555 0102');
      await page.getByLabel('Job title').fill('Regional manager');
      for (let row = 3; row <= 5; row++) {
        await page.getByRole('button', { name: 'Add another organization' }).click();
        await page.locator(`#f-organization${row}`).waitFor();
      }
      // What was typed is still there after each round trip.
      expect(await page.getByLabel('First name').inputValue()).toBe('Olga');
      const choose = [['', 'river', 'operator'], ['2', 'lake', 'viewer'], ['3', 'hill', 'viewer'], ['4', 'bay', 'viewer']] as const;
      for (const [suffix, slug, role] of choose) {
        await page.locator(`#f-organization${suffix}`).selectOption(slug);
        await page.locator(`#f-role${suffix}`).selectOption(role);
      }
      // The fifth by its filter box: "cape" leaves one organization, which is chosen.
      await page.locator('#f-organization5-filter').fill('cape');
      expect(await page.locator('#f-organization5').inputValue()).toBe('cape');
      expect(await page.locator('#f-organization5 option:not([hidden])').allTextContents()).toEqual(['Choose…', 'Cape Power']);
      await page.locator('#f-role5').selectOption('viewer');
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').pop() as string;
      expect((await getAccount(t.deps.ctx, testOperator, id)).memberships.map((m) => `${m.organization.slug}:${m.role}`).sort()).toEqual(['bay:viewer', 'cape:viewer', 'hill:viewer', 'lake:viewer', 'river:operator']);
      expect(await page.getByTestId('memberships').locator('tbody tr').count()).toBe(5);
    } finally {
      await context.close();
    }
  }, scaled(45_000));
});
