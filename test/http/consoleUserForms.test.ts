import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { activeLocalUser, enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, textOf, signedInAgent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';
import { fixtureKey } from '../helpers/samlIdp.js';

const API = '/api/admin/v1';

/**
 * The console's forms for creating and adding users, and the wording of the user pages (issue 17: items 2, 8, 9, 13
 * and 14), over HTTP with a signed-in administrator.
 */
describe('console: creating and adding users (HTTP)', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>> & { secret: string };
  let acmeAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  let riverAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  let bothAdmin: Awaited<ReturnType<typeof activeLocalUser>>;
  const users: Record<string, { id: string; email: string }> = {};
  const UTILITIES = ['river', 'lake', 'hill', 'bay', 'cape', 'dune'];

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    for (const slug of UTILITIES) await createOrganization(ctx, testOperator, { kind: 'utility', name: `${slug[0]!.toUpperCase()}${slug.slice(1)} Water`, slug });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    await configureSaml(ctx, testOperator, 'okta', { entityId: 'https://idp.acme.test', ssoUrl: 'https://idp.acme.test/sso', certificates: [fixtureKey('idp').cert], domains: ['acme-sso.test'] });
    const admin = await platformAdmin(ctx);
    root = { ...admin, secret: (await enrolTotp(ctx, admin.id)).secret };
    acmeAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    riverAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'administrator');
    bothAdmin = await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'full-access' }, { organization: 'globex', role: 'full-access' }] });
    for (const [name, organizations] of [
      ['acmeOnly', [{ organization: 'acme', role: 'standard-user' }]],
      ['globexOnly', [{ organization: 'globex', role: 'standard-user' }]],
      ['globexOther', [{ organization: 'globex', role: 'standard-user' }]],
      ['both', [{ organization: 'acme', role: 'standard-user' }, { organization: 'globex', role: 'standard-user' }]],
    ] as const) {
      users[name] = await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [...organizations] });
    }
    users.sso = { id: (await createAccount(ctx, testOperator, { directory: 'okta', attributes: { userName: 'sso.person@acme-sso.test', name: { givenName: 'Sso', familyName: 'Person' }, emails: [{ value: 'sso.person@acme-sso.test' }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] })).id, email: 'sso.person@acme-sso.test' };
  }, scaled(90_000));
  afterAll(() => t?.close());

  const signedIn = (email: string, password: string, secret?: string) => signedInAgent(t, email, password, secret);
  const asRoot = () => signedIn(root.email, GOOD_PASSWORD, root.secret);

  /** The options of a select in a page, and the one selected. */
  function selectOf(html: string, id: string): { options: string[]; selected: string | undefined } {
    const select = new RegExp(`<select id="${id}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
    const options = [...select.matchAll(/<option value="([^"]*)"( selected)?/g)];
    return { options: options.map((m) => m[1] as string), selected: options.find((m) => m[2])?.[1] };
  }

  describe('the create form', () => {
    it('names each missing field in the summary of a blank form', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const form = await agent.get('/admin/users/new');
      const refused = await agent.post('/admin/users/new').type('form').send({ _csrf: csrfOf(form.text), givenName: '', familyName: '', email: '', phone: '', title: '', organization: '', role: 'standard-user', rows: '2' });
      expect(refused.status).toBe(400);
      const summary = textOf(/<div class="error-summary"[\s\S]*?<\/div>/.exec(refused.text)?.[0] ?? '');
      for (const field of ['First name', 'Last name', 'Email', 'Phone', 'Job title', 'Organization']) expect(summary).toContain(`${field} is required`);
      expect(refused.text).toContain('href="#f-givenName"');
      const items = [...refused.text.matchAll(/<li><a href="#f-[^"]+">([^<]*)<\/a><\/li>/g)].map((m) => m[1]);
      expect(items.length).toBeGreaterThanOrEqual(6);
      expect(items.filter((item) => !/^[A-Z][\w ]+ is required$/.test(item as string))).toEqual([]);
    });

    it('preselects the catalog\'s default role, never a higher one, and none when the organizations differ in kind', async () => {
      const river = await signedIn(riverAdmin.email, riverAdmin.password);
      const page = await river.get('/admin/users/new');
      expect(selectOf(page.text, 'f-role')).toMatchObject({ selected: 'viewer' });
      expect(selectOf(page.text, 'f-role2')).toMatchObject({ selected: 'viewer' });
      expect(selectOf(page.text, 'f-organization').selected).toBe('river');

      const rootPage = await (await asRoot()).get('/admin/users/new');
      expect(selectOf(rootPage.text, 'f-role')).toMatchObject({ selected: '' });
      expect(selectOf(rootPage.text, 'f-role').options.sort()).toEqual(['', 'administrator', 'full-access', 'operator', 'standard-user', 'viewer']);

      // The same on a user's page, where a role is given in another organization.
      const detail = await river.get(`/admin/users/${riverAdmin.id}`);
      expect(selectOf(detail.text, 'f-m-role').selected).toBe('viewer');
    });

    it('refuses a chosen organization without a role, naming the row', async () => {
      const agent = await asRoot();
      const form = await agent.get('/admin/users/new');
      const refused = await agent.post('/admin/users/new').type('form').send({ _csrf: csrfOf(form.text), givenName: 'No', familyName: 'Role', email: 'no.role@example.com', phone: '1', title: 'x', organization: 'river', role: '', organization2: 'acme', role2: '', rows: '2' });
      expect(refused.status).toBe(400);
      const text = textOf(refused.text);
      expect(text).toContain('Role is required');
      expect(text).toContain('Role (organization 2) is required');
    });

    it('grows one organization row at a time, keeps what was typed, and creates the user in five organizations', async () => {
      const agent = await asRoot();
      let page = await agent.get('/admin/users/new');
      expect(page.text).toContain('name="rows" value="2"');
      // More than a handful of organizations: the script adds a filter box to each organization select.
      expect(page.text).toMatch(/<select id="f-organization" name="organization" required data-filter="Filter organizations">/);
      const values: Record<string, string> = { givenName: 'Marta', familyName: 'Quinn', email: 'marta.quinn@example.com', phone: '+34 600 000 001', title: 'Meter reader', organization: 'river', role: 'operator', organization2: 'lake', role2: 'viewer' };
      for (const [row, slug] of [[3, 'hill'], [4, 'bay'], [5, 'cape']] as const) {
        page = await agent.post('/admin/users/new').type('form').send({ _csrf: csrfOf(page.text), ...values, rows: String(row - 1), more: 'yes' });
        expect(page.status).toBe(200);
        expect(page.text).toContain(`name="rows" value="${row}"`);
        expect(page.text).toContain(`<legend>Organization ${row} (optional)</legend>`);
        expect(page.text).toContain('value="marta.quinn@example.com"');
        values[`organization${row}`] = slug;
        values[`role${row}`] = 'viewer';
      }
      const created = await agent.post('/admin/users/new').type('form').send({ _csrf: csrfOf(page.text), ...values, rows: '5' });
      expect(created.status).toBe(303);
      const user = await getAccount(t.deps.ctx, testOperator, (created.headers.location as string).split('/').pop() as string);
      expect(user.memberships.map((m) => `${m.organization.slug}:${m.role}`).sort()).toEqual(['bay:viewer', 'cape:viewer', 'hill:viewer', 'lake:viewer', 'river:operator']);
    });

    it('says an address that already has an account can be added instead', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const form = await agent.get('/admin/users/new');
      const refused = await agent.post('/admin/users/new').type('form').send({ _csrf: csrfOf(form.text), givenName: 'Dup', familyName: 'Licate', email: users.globexOnly!.email, phone: '1', title: 'x', organization: 'acme', role: 'standard-user', rows: '2' });
      expect(refused.status).toBe(409);
      expect(textOf(refused.text)).toContain('This address already has an account on the platform: add it to your organization with "Add user".');
      expect(refused.text).toContain('href="/admin/users/add"');
    });

    it('gives the catalog\'s default role in the admin API when none is named', async () => {
      const created = await t.agent().post(`${API}/users`).set('Authorization', `Bearer ${riverAdmin.token}`).send({ givenName: 'Api', familyName: 'Default', email: 'api.default@example.com', phone: '1', title: 'x', sdkAccess: false, memberships: [{ organization: 'river' }] });
      expect(created.status).toBe(201);
      expect(created.body.memberships).toMatchObject([{ organization: { slug: 'river' }, role: 'viewer' }]);
    });
  });

  describe('the user pages', () => {
    it('shows a value\'s source only where it comes from an identity provider', async () => {
      const agent = await asRoot();
      const attributes = (html: string) => /<table class="attributes"[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
      const local = attributes((await agent.get(`/admin/users/${users.acmeOnly!.id}`)).text);
      expect(local).not.toContain('Source');
      expect(local).not.toContain('idbridge');
      const sso = attributes((await agent.get(`/admin/users/${users.sso!.id}`)).text);
      expect(sso).toContain('<th scope="col">Source</th>');
      expect(textOf(sso)).toContain('First name Sso Identity provider (okta), read-only');
      expect(textOf(sso)).toMatch(/SDK access No (?!Identity)/);
    });

    it('names roles in the page\'s language (the role catalog\'s labels)', async () => {
      const agent = await signedIn(bothAdmin.email, bothAdmin.password);
      const detail = await agent.get(`/admin/users/${users.both!.id}?lang=es`);
      expect(textOf(/<table class="memberships"[\s\S]*?<\/table>/.exec(detail.text)?.[0] ?? '')).toContain('Acme Usuario estándar');
      const list = await agent.get('/admin/users');
      expect(textOf(list.text)).toContain('Usuario estándar');
      expect(selectOf(list.text, 'f-role').options).toContain('full-access');
      expect(list.text).toContain('<option value="full-access">Acceso completo</option>');
      const form = await agent.get('/admin/users/new');
      expect(form.text).toContain('>Usuario estándar</option>');
      const english = await agent.get(`/admin/users/${users.both!.id}?lang=en`);
      expect(textOf(english.text)).toContain('Acme Standard User');
    });

    it('labels each confirmation with its action, cased as a sentence', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const id = users.acmeOnly!.id;
      expect(textOf((await agent.get(`/admin/users/${id}/confirm/reset_mfa`)).text)).toContain('Yes, reset MFA');
      expect(textOf((await agent.get(`/admin/users/${id}/confirm/deactivate`)).text)).toContain('Yes, inactivate');
      expect(textOf((await agent.get(`/admin/users/${id}/confirm/send_password_reset`)).text)).toContain('Yes, send the reset email');
      expect(textOf((await agent.get(`/admin/users/${id}/confirm/reset_mfa?lang=es`)).text)).toContain('Sí, restablecer MFA');
    });

    it('links the header to the administrator\'s own account page', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get('/admin/users');
      expect(page.text).toMatch(/<header class="top">[\s\S]*<a href="\/account" class="own-account">My account<\/a>[\s\S]*<\/header>/);
      const account = await agent.get('/account');
      expect(account.status).toBe(200);
    });

    it('counts users and organizations when some users appear under several organizations', async () => {
      const agent = await signedIn(bothAdmin.email, bothAdmin.password);
      const page = await agent.get('/admin/users');
      const count = /<p class="count" data-count="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const match = /^(\d+) users in 2 organizations$/.exec(count);
      expect(match).not.toBeNull();
      const links = [...page.text.matchAll(/<a href="\/admin\/users\/([0-9a-f-]{36})[^"]*" class="user-link"/g)].map((m) => m[1]);
      expect(new Set(links).size).toBe(Number(match![1]));
      expect(links.length).toBeGreaterThan(Number(match![1]));
    });
  });

  describe('adding an existing user by email', () => {
    it('adds someone of another organization and shows their page, and emails them', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const form = await agent.get('/admin/users/add');
      expect(form.status).toBe(200);
      expect(selectOf(form.text, 'f-organization').selected).toBe('acme');
      expect(selectOf(form.text, 'f-role').selected).toBe('standard-user');
      t.mailbox.clear();
      const added = await agent.post('/admin/users/add').type('form').send({ _csrf: csrfOf(form.text), email: users.globexOnly!.email.toUpperCase(), organization: 'acme', role: 'standard-user' });
      expect(added.status).toBe(303);
      expect(added.headers.location).toBe(`/admin/users/${users.globexOnly!.id}`);
      const page = await agent.get(added.headers.location as string);
      expect(page.status).toBe(200);
      expect(textOf(page.text)).toMatch(/Person\d+ Tester now has access to Acme as Standard User\. An email tells them so\./);
      await t.deliver();
      expect(t.mailbox.last(users.globexOnly!.email).subject).toBe('You now have access to Acme');
    });

    it('goes on to the create form with the address when no one has it', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const form = await agent.get('/admin/users/add');
      const answer = await agent.post('/admin/users/add').type('form').send({ _csrf: csrfOf(form.text), email: 'brand.new@example.com', organization: 'acme', role: 'standard-user' });
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe('/admin/users/new?email=brand.new%40example.com&organization=acme&role=standard-user');
      const next = await agent.get(answer.headers.location as string);
      expect(textOf(next.text)).toContain('No account uses brand.new@example.com yet: fill in the rest to create it.');
      expect(next.text).toMatch(/<input id="f-email" name="email" type="email"[^>]* value="brand\.new@example\.com"/);
      expect(selectOf(next.text, 'f-organization').selected).toBe('acme');
    });

    it('tells nothing about a person it refuses, and refuses SSO addresses with the reason', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const form = await agent.get('/admin/users/add');
      const platform = await agent.post('/admin/users/add').type('form').send({ _csrf: csrfOf(form.text), email: root.email, organization: 'acme', role: 'standard-user' });
      expect(platform.status).toBe(403);
      expect(textOf(platform.text)).toContain('beyond your own rights');
      expect(platform.text).not.toContain('Root Admin');
      expect((await getAccount(t.deps.ctx, testOperator, root.id)).memberships).toEqual([]);

      const sso = await agent.post('/admin/users/add').type('form').send({ _csrf: csrfOf(form.text), email: 'someone@acme-sso.test', organization: 'acme', role: 'standard-user' });
      expect(sso.status).toBe(400);
      expect(textOf(sso.text)).toContain('This address signs in through an identity provider (SSO)');

      const other = await agent.post('/admin/users/add').type('form').send({ _csrf: csrfOf(form.text), email: users.globexOther!.email, organization: 'globex', role: 'standard-user' });
      expect(other.status).toBe(400);
      expect(other.text).not.toContain('Person');
      expect((await getAccount(t.deps.ctx, testOperator, users.globexOther!.id)).memberships.map((m) => m.organization.slug)).toEqual(['globex']);
    });

    it('is one resource of the admin API: 201 added, 200 already a member, 404 no account', async () => {
      const as = (path: string, body: unknown) => t.agent().post(`${API}${path}`).set('Authorization', `Bearer ${acmeAdmin.token}`).send(body as object);
      const added = await as('/organizations/acme/members', { email: users.globexOther!.email });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ outcome: 'added', notified: true, user: { id: users.globexOther!.id } });
      expect(added.body.user.memberships.find((m: { organization: { slug: string } }) => m.organization.slug === 'acme')).toMatchObject({ role: 'standard-user' });
      expect((await as('/organizations/acme/members', { email: users.globexOther!.email, role: 'full-access' })).body).toMatchObject({ outcome: 'already_member' });
      const missing = await as('/organizations/acme/members', { email: 'nobody.here@example.com' });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: { code: 'user.no_account', message: 'No local user has this address: create the user with POST /users.', field: 'email' } });
      expect((await as('/organizations/globex/members', { email: 'nobody.here@example.com' })).body.error.code).toBe('organization.not_found');
      expect((await as('/organizations/acme/members', { email: 'x@acme-sso.test' })).body.error.code).toBe('membership.sso_address');
      expect((await as('/organizations/acme/members', {})).status).toBe(400);
    });
  });
});
