import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { activeLocalUser, enrolTotp } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, textOf, signedInAgent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';

describe('admin console (HTTP)', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>> & { secret: string };
  let acmeAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  let acmeUserId: string;
  let globexUserId: string;
  let ssoUserId: string;

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    const admin = await platformAdmin(ctx);
    root = { ...admin, secret: (await enrolTotp(ctx, admin.id)).secret };
    acmeAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    acmeUserId = (await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }] })).id;
    globexUserId = (await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'globex', role: 'standard-user' }] })).id;
    ssoUserId = (await createAccount(ctx, testOperator, { directory: 'okta', attributes: { userName: 'sso.person@acme.test', name: { givenName: 'Sso', familyName: 'Person' }, emails: [{ value: 'sso.person@acme.test' }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] })).id;
  });
  afterAll(() => t.close());

  const signedIn = (email: string, password: string, secret?: string) => signedInAgent(t, email, password, secret);

  describe('access', () => {
    it('sends anonymous visitors to sign in, and back to the page they asked for', async () => {
      const response = await t.agent().get('/admin/users?status=all');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe(`/sign-in?return_to=${encodeURIComponent('/admin/users?status=all')}`);
      const signIn = await t.agent().get(response.headers.location as string);
      expect(signIn.text).toContain('name="return_to" value="/admin/users?status=all"');
    });

    it('answers 403 to a signed-in user who administers nothing', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }] });
      const agent = await signedIn(user.email, user.password);
      const response = await agent.get('/admin/users');
      expect(response.status).toBe(403);
      expect(textOf(response.text)).toContain('This account does not administer any organization.');
      expect(response.text).not.toContain(user.email.replace('@', '&#64;'));
    });

    it('shows a platform administrator every section, and an organization administrator only theirs', async () => {
      const rootAgent = await signedIn(root.email, 'glacier tuba orchid 1987', root.secret);
      const rootPage = await rootAgent.get('/admin/users');
      expect(rootPage.status).toBe(200);
      expect(textOf(rootPage.text)).toContain('Directories');

      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get('/admin/users?status=all');
      expect(page.status).toBe(200);
      expect(textOf(page.text)).not.toContain('Directories');
      expect((await agent.get('/admin/directories')).status).toBe(403);
      expect(page.text).toContain(`/admin/users/${acmeUserId}`);
      expect(page.text).not.toContain(`/admin/users/${globexUserId}`);
      expect((await agent.get(`/admin/users/${globexUserId}`)).status).toBe(404);
    });
  });

  describe('forms', () => {
    it('refuses an action without the CSRF token of the page, and does it with the token', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const refused = await agent.post(`/admin/users/${acmeUserId}/actions/lock`).type('form').send({});
      expect(refused.status).toBe(403);
      expect(textOf(refused.text)).toContain('This form has expired');
      expect((await getAccount(t.deps.ctx, testOperator, acmeUserId)).status).toBe('ACTIVE');

      const page = await agent.get(`/admin/users/${acmeUserId}`);
      const locked = await agent.post(`/admin/users/${acmeUserId}/actions/lock`).type('form').send({ _csrf: csrfOf(page.text) });
      expect(locked.status).toBe(303);
      expect(locked.headers.location).toBe(`/admin/users/${acmeUserId}`);
      expect((await getAccount(t.deps.ctx, testOperator, acmeUserId)).status).toBe('LOCKED_BY_ADMIN');
      const after = await agent.get(`/admin/users/${acmeUserId}`);
      expect(after.text).toMatch(/role="status" data-testid="flash">[^<]* is locked\./);

      const unlocked = await agent.post(`/admin/users/${acmeUserId}/actions/unlock`).type('form').send({ _csrf: csrfOf(after.text) });
      expect(unlocked.status).toBe(303);
      expect((await getAccount(t.deps.ctx, testOperator, acmeUserId)).status).toBe('ACTIVE');
    });

    it('asks before an action that takes something away', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get(`/admin/users/${acmeUserId}`);
      const unconfirmed = await agent.post(`/admin/users/${acmeUserId}/actions/deactivate`).type('form').send({ _csrf: csrfOf(page.text) });
      expect(unconfirmed.status).toBe(303);
      expect(unconfirmed.headers.location).toBe(`/admin/users/${acmeUserId}/confirm/deactivate`);
      expect((await getAccount(t.deps.ctx, testOperator, acmeUserId)).status).toBe('ACTIVE');
    });

    it('shows the attributes an SSO user\'s IdP manages as read-only, and refuses to change them', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const detail = await agent.get(`/admin/users/${ssoUserId}`);
      expect(textOf(detail.text)).toContain('Identity provider (okta), read-only');
      const edit = await agent.get(`/admin/users/${ssoUserId}/edit`);
      expect(edit.text).toMatch(/name="givenName"[^>]*readonly/);
      const saved = await agent.post(`/admin/users/${ssoUserId}/edit`).type('form').send({ _csrf: csrfOf(edit.text), givenName: 'Changed', sdkAccess: 'yes', preferredLanguage: 'es' });
      expect(saved.status).toBe(303);
      const user = await getAccount(t.deps.ctx, testOperator, ssoUserId);
      expect(user.name.givenName).toBe('Sso');
      expect(user.sdkAccess).toBe(true);
    });

    it('escapes what users typed', async () => {
      const agent = await signedIn(root.email, 'glacier tuba orchid 1987', root.secret);
      const page = await agent.get('/admin/users?search=%3Cscript%3Ealert(1)%3C/script%3E');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('&lt;script&gt;');
    });
  });

  describe('platform pages', () => {
    it('shows a directory\'s SP metadata to copy, and a new SCIM token once', async () => {
      const agent = await signedIn(root.email, 'glacier tuba orchid 1987', root.secret);
      const page = await agent.get('/admin/directories/okta');
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<textarea id="f-spMetadata" name="spMetadata"[^>]*readonly[^>]*>&lt;\?xml/);
      expect(textOf(page.text)).toContain('/saml/okta/acs');

      const created = await agent.post('/admin/directories/okta/scim-tokens').type('form').send({ _csrf: csrfOf(page.text), name: 'Okta provisioning', expiresInDays: '30' });
      expect(created.status).toBe(200);
      const token = /<textarea id="f-newToken"[^>]*>(idbscim_[^<]+)<\/textarea>/.exec(created.text)?.[1];
      expect(token).toBeDefined();
      const again = await agent.get('/admin/directories/okta');
      expect(again.text).not.toContain(token as string);
      expect(textOf(again.text)).toContain('Okta provisioning');
    });

    it('creates an administrator API token that works on the admin API, shown once', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const page = await agent.get('/admin/api-tokens');
      const created = await agent.post('/admin/api-tokens').type('form').send({ _csrf: csrfOf(page.text), name: 'nightly export' });
      const token = /<textarea id="f-newToken"[^>]*>(idbadm_[^<]+)<\/textarea>/.exec(created.text)?.[1] as string;
      const api = await t.agent().get('/api/admin/v1/users').set('Authorization', `Bearer ${token}`);
      expect(api.status).toBe(200);
      expect((await agent.get('/admin/api-tokens')).text).not.toContain(token);
    });

    it('registers a portal application with its secret shown once, refuses a bad redirect URI, and deletes it after confirmation', async () => {
      const agent = await signedIn(root.email, 'glacier tuba orchid 1987', root.secret);
      const page = await agent.get('/admin/oidc-clients');
      expect(page.status).toBe(200);
      const bad = await agent.post('/admin/oidc-clients').type('form').send({ _csrf: csrfOf(page.text), name: 'Broken portal', redirectUris: 'http://portal.example/callback' });
      expect(bad.status).toBe(303);
      const refused = await agent.get(bad.headers.location as string);
      expect(textOf(refused.text)).toContain("must be https (http only for localhost)");
      expect(textOf(refused.text)).not.toContain('Broken portal');

      const created = await agent.post('/admin/oidc-clients').type('form').send({
        _csrf: csrfOf(page.text),
        name: 'Acme portal',
        redirectUris: 'https://portal.acme.example/callback\nhttp://localhost:3000/callback',
        postLogoutRedirectUris: 'https://portal.acme.example/',
        firstParty: 'yes',
        organizations: 'acme',
      });
      expect(created.status).toBe(200);
      const clientId = /<textarea id="f-newClientId"[^>]*>([^<]+)<\/textarea>/.exec(created.text)?.[1] as string;
      const secret = /<textarea id="f-newClientSecret"[^>]*>([^<]+)<\/textarea>/.exec(created.text)?.[1] as string;
      expect(clientId).toMatch(/^idb-/);
      // The secret authenticates the client at the token endpoint (the made-up code is what fails), a wrong one does not.
      const tokenRequest = (password: string) =>
        t.agent().post('/oidc/token').auth(clientId, password).type('form').send({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: 'https://portal.acme.example/callback', code_verifier: 'x'.repeat(43) });
      expect((await tokenRequest(secret)).body.error).toBe('invalid_grant');
      expect((await tokenRequest(`${secret}x`)).body.error).toBe('invalid_client');
      const list = await agent.get('/admin/oidc-clients');
      expect(list.text).not.toContain(secret);
      expect(textOf(list.text)).toContain('Acme portal');
      expect(textOf(list.text)).toContain('acme');

      const confirm = await agent.get(`/admin/oidc-clients/${clientId}/delete`);
      expect(textOf(confirm.text)).toContain('This cannot be undone');
      const deleted = await agent.post(`/admin/oidc-clients/${clientId}/delete`).type('form').send({ _csrf: csrfOf(confirm.text) });
      expect(deleted.status).toBe(303);
      expect(textOf((await agent.get('/admin/oidc-clients')).text)).not.toContain(clientId);
      expect((await tokenRequest(secret)).body.error).toBe('invalid_client');

      const orgAgent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      expect((await orgAgent.get('/admin/oidc-clients')).status).toBe(403);
    });

    it('keeps organization administrators to their organizations in the audit log', async () => {
      const agent = await signedIn(acmeAdmin.email, acmeAdmin.password);
      const own = await agent.get('/admin/audit');
      expect(own.status).toBe(200);
      expect(textOf(own.text)).toContain('user.');
      const other = await agent.get(`/admin/audit?user=${globexUserId}`);
      expect(textOf(other.text)).toContain('Choose one of your organizations to see its events.');
    });
  });
});
