import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import path from 'node:path';
import request from 'supertest';
import { createDirectory } from '../../src/identity/directories.js';
import { createGroup } from '../../src/identity/groups.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createRoleMapping } from '../../src/identity/roleMappings.js';
import { enrolTotp, activeLocalUser } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';

const API = '/api/admin/v1';

describe('admin API', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>>;
  let acmeAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  let riverSupervisor: Awaited<ReturnType<typeof organizationAdmin>>;
  let ssoUserId: string;

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(`${API}${url}`).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object = {}) => request(t.app).post(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    patch: (url: string, body: object) => request(t.app).patch(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    put: (url: string, body: object) => request(t.app).put(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    delete: (url: string, body: object = {}) => request(t.app).delete(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
  });

  const newUser = (email: string, organization = 'acme', role = 'standard-user') => ({
    givenName: 'Hannah',
    familyName: 'Arendt',
    email,
    phone: '+1 555 0100',
    title: 'Analyst',
    sdkAccess: false,
    memberships: [{ organization, role }],
  });

  beforeAll(async () => {
    t = await openTestApp({ roles: { catalogFile: path.resolve('test/fixtures/roles-two-managers.json') } });
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    root = await platformAdmin(ctx);
    acmeAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    riverSupervisor = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'supervisor');
    ssoUserId = (await createAccount(ctx, testOperator, { directory: 'okta', attributes: { userName: 'sso.person@acme.test', name: { givenName: 'Sso', familyName: 'Person' }, emails: [{ value: 'sso.person@acme.test' }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] })).id;
  });
  afterAll(() => t.close());

  describe('authentication', () => {
    it('answers 401 with WWW-Authenticate without a token or with a bad one', async () => {
      const none = await request(t.app).get(`${API}/users`);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toContain('Bearer');
      expect((await as('idbadm_nope').get('/users')).status).toBe(401);
    });

    it('answers 403 to a signed-in user who administers nothing', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      const agent = t.agent();
      const page = await agent.get('/sign-in');
      await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier: user.email, password: user.password });
      expect((await agent.get(`${API}/users`)).status).toBe(403);
    });

    it('accepts the console session, but unsafe requests need the page\'s CSRF token', async () => {
      const agent = t.agent();
      const page = await agent.get('/sign-in');
      const signedIn = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier: acmeAdmin.email, password: acmeAdmin.password });
      expect(signedIn.status).toBe(303);
      expect((await agent.get(`${API}/users`)).status).toBe(200);
      const refused = await agent.post(`${API}/users`).send(newUser('csrf@acme.test'));
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('auth.csrf');
      const account = await agent.get('/account');
      const accepted = await agent.post(`${API}/users`).set('X-CSRF-Token', csrfOf(account.text)).send(newUser('csrf@acme.test'));
      expect(accepted.status).toBe(201);
    });
  });

  describe('users', () => {
    it('creates a local user with every required field, in the organization, and emails the activation link', async () => {
      const created = await as(acmeAdmin.token).post('/users', newUser('hannah@acme.test'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ userName: 'hannah@acme.test', status: 'PROVISIONED', title: 'Analyst', memberships: [{ organization: { slug: 'acme' }, role: 'standard-user' }] });
      await t.deliver();
      expect(t.mailbox.last('hannah@acme.test').subject).toBe('Acme has set up your Customer Portal account');
      const missing = await as(acmeAdmin.token).post('/users', { ...newUser('x@acme.test'), phone: '' });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toMatchObject({ field: 'phone', message: 'phone: is required' });
    });

    it('lists only ACTIVE users by default, searches 2+ characters anywhere ignoring case, filters and sorts', async () => {
      const listed = await as(root.token).get('/users');
      expect(listed.body.users.every((u: { status: string }) => u.status === 'ACTIVE')).toBe(true);
      const all = await as(root.token).get('/users?status=all&search=AH');
      expect(all.body.users.map((u: { userName: string }) => u.userName)).toContain('hannah@acme.test');
      expect((await as(root.token).get('/users?search=h')).status).toBe(400);
      const provisioned = await as(root.token).get('/users?status=PROVISIONED&organization=acme');
      expect(provisioned.body.users.map((u: { userName: string }) => u.userName)).toEqual(expect.arrayContaining(['hannah@acme.test']));
      const sorted = await as(root.token).get('/users?status=all&sort=userName&order=desc&pageSize=3');
      const names = sorted.body.users.map((u: { userName: string }) => u.userName);
      expect(names).toEqual([...names].sort().reverse());
      expect(sorted.body).toMatchObject({ pageSize: 3, page: 1 });
      expect(sorted.body.total).toBeGreaterThan(3);
      const byRole = await as(root.token).get('/users?status=all&role=supervisor');
      expect(byRole.body.users.map((u: { id: string }) => u.id)).toEqual([riverSupervisor.id]);
      expect((await as(root.token).get('/users?sort=shoeSize')).status).toBe(400);
    });

    it('hides other organizations\' users from an organization administrator (404), and lists only its own', async () => {
      const globexUser = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'globex', role: 'standard-user' }] });
      const listed = await as(acmeAdmin.token).get('/users?status=all');
      expect(listed.body.users.every((u: { memberships: Array<{ organization: { slug: string } }> }) => u.memberships.some((m) => m.organization.slug === 'acme'))).toBe(true);
      expect((await as(acmeAdmin.token).get(`/users/${globexUser.id}`)).status).toBe(404);
      expect((await as(acmeAdmin.token).patch(`/users/${globexUser.id}`, { title: 'x' })).status).toBe(404);
      expect((await as(acmeAdmin.token).post(`/users/${globexUser.id}/lock`)).status).toBe(404);
      expect((await as(acmeAdmin.token).post('/users', newUser('sneaky@globex.test', 'globex'))).status).toBe(404);
    });

    it('does not let an administrator grant a role above its own, or act on a platform administrator', async () => {
      expect((await as(riverSupervisor.token).post('/users', newUser('boss@river.test', 'river', 'administrator'))).body.error.code).toBe('admin.role_above_own');
      const created = await as(riverSupervisor.token).post('/users', newUser('peer@river.test', 'river', 'supervisor'));
      expect(created.status).toBe(201);
      const escalate = await as(riverSupervisor.token).put(`/users/${created.body.id}/memberships/river`, { role: 'administrator' });
      expect(escalate.status).toBe(403);
      await as(root.token).put(`/users/${root.id}/memberships/river`, { role: 'viewer' });
      // A platform administrator is out of an organization administrator's sight, even as a member of its organization.
      expect((await as(riverSupervisor.token).get(`/users/${root.id}`)).status).toBe(404);
      expect((await as(riverSupervisor.token).post(`/users/${root.id}/lock`)).status).toBe(404);
      expect((await getAccount(t.deps.ctx, testOperator, root.id)).status).toBe('ACTIVE');
    });

    it('edits a local user, refuses a stale If-Match, and keeps IdP-managed attributes of SSO users read-only', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }] });
      const edited = await as(acmeAdmin.token).patch(`/users/${user.id}`, { title: 'Lead', sdkAccess: true, givenName: 'Renamed' });
      expect(edited.body).toMatchObject({ title: 'Lead', sdkAccess: true, name: { givenName: 'Renamed' } });
      const stale = await request(t.app).patch(`${API}/users/${user.id}`).set('Authorization', `Bearer ${acmeAdmin.token}`).set('If-Match', '"1"').send({ title: 'Old' });
      expect(stale.status).toBe(412);
      const sso = await as(acmeAdmin.token).patch(`/users/${ssoUserId}`, { givenName: 'Changed' });
      expect(sso.status).toBe(400);
      expect(sso.body.error.code).toBe('user.managed_by_idp');
      expect((await as(acmeAdmin.token).patch(`/users/${ssoUserId}`, { sdkAccess: true })).body.sdkAccess).toBe(true);
      expect((await as(acmeAdmin.token).get(`/users/${ssoUserId}`)).body.managedBy).toBe('idp');
      expect((await as(acmeAdmin.token).post(`/users/${ssoUserId}/password-reset`)).body.error.code).toBe('user.managed_by_idp');
      expect((await as(acmeAdmin.token).post(`/users/${ssoUserId}/lock`)).body.status).toBe('LOCKED_BY_ADMIN');
      await as(acmeAdmin.token).post(`/users/${ssoUserId}/unlock`);
    });

    it('locks, unlocks with a password reset, resets MFA, resends the activation, deactivates and reactivates without email', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }] });
      const api = as(acmeAdmin.token);
      expect((await api.post(`/users/${user.id}/lock`)).body.status).toBe('LOCKED_BY_ADMIN');
      expect((await api.post(`/users/${user.id}/lock`)).status).toBe(409);
      expect((await api.post(`/users/${user.id}/unlock`, { sendPasswordReset: true })).body.status).toBe('RECOVERY');
      await t.deliver();
      expect(t.mailbox.last(user.email).subject).toBe('Your administrator has reset your Customer Portal password');
      const before = t.mailbox.to(user.email).length;
      await enrolTotp(t.deps.ctx, user.id);
      expect((await api.post(`/users/${user.id}/mfa-reset`)).status).toBe(200);
      expect((await api.post(`/users/${user.id}/activation-email`)).body.error.code).toBe('user.already_activated');
      const provisioned = await api.post('/users', newUser('resend@acme.test'));
      expect((await api.post(`/users/${provisioned.body.id}/activation-email`)).status).toBe(200);
      await t.deliver();
      expect(t.mailbox.to('resend@acme.test')).toHaveLength(2);
      expect((await api.post(`/users/${user.id}/deactivate`)).body.status).toBe('INACTIVE');
      expect((await api.post(`/users/${user.id}/reactivate`)).body.status).toBe('RECOVERY');
      await t.deliver();
      expect(t.mailbox.to(user.email).map((m) => m.subject).slice(before)).toEqual(['Your Customer Portal two-step verification has been reset', 'Your Customer Portal account has been deactivated']);
    });

    it('adds and removes organization memberships, optionally telling the user', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }, { organization: 'globex', role: 'standard-user' }] });
      const api = as(root.token);
      expect((await api.put(`/users/${user.id}/memberships/river`, { role: 'viewer' })).body.memberships.map((m: { organization: { slug: string } }) => m.organization.slug)).toEqual(['acme', 'globex', 'river']);
      const removed = await api.delete(`/users/${user.id}/memberships/globex?notify=true`);
      expect(removed.body.memberships.map((m: { organization: { slug: string } }) => m.organization.slug)).toEqual(['acme', 'river']);
      await t.deliver();
      expect(t.mailbox.last(user.email).subject).toBe('You no longer have access to Globex');
    });

    it('refuses to remove a role that an IdP group gives', async () => {
      const group = await createGroup(t.deps.ctx, testOperator, { directory: 'okta', displayName: 'Acme Admins', members: [ssoUserId] });
      await createRoleMapping(t.deps.ctx, testOperator, { directory: 'okta', matchType: 'displayName', matchValue: group.displayName, organization: 'acme', role: 'full-access' });
      await as(root.token).delete(`/users/${ssoUserId}/memberships/acme`);
      const again = await as(root.token).delete(`/users/${ssoUserId}/memberships/acme`);
      expect(again.body.error.code).toBe('membership.from_group');
    });

    it('deletes a user only with the username as confirmation, and not one that belongs to other organizations too', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }] });
      expect((await as(acmeAdmin.token).delete(`/users/${user.id}`)).body.error.code).toBe('user.delete_unconfirmed');
      const shared = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }, { organization: 'globex', role: 'standard-user' }] });
      expect((await as(acmeAdmin.token).delete(`/users/${shared.id}`, { confirm: shared.userName })).body.error.code).toBe('user.in_other_organizations');
      expect((await as(acmeAdmin.token).delete(`/users/${user.id}`, { confirm: user.userName.toUpperCase() })).status).toBe(204);
      expect((await as(root.token).get(`/users/${user.id}`)).status).toBe(404);
    });

    it('exports the filtered list as CSV, defusing spreadsheet formulas', async () => {
      await as(root.token).post('/users', { ...newUser('formula@acme.test'), title: '=HYPERLINK("http://evil")' });
      const csv = await as(root.token).get('/users.csv?status=all&organization=acme');
      expect(csv.headers['content-type']).toContain('text/csv');
      const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('First name,Last name,Username,Status,Role,Email,Phone,Job title,SDK access,Last sign-in (UTC),Added (UTC),Modified (UTC),Id');
      expect(lines.find((l) => l.includes('formula@acme.test'))).toContain(`"'=HYPERLINK(""http://evil"")"`);
    });
  });

  describe('platform resources', () => {
    it('are for platform administrators only', async () => {
      expect((await as(acmeAdmin.token).get('/directories')).status).toBe(403);
      expect((await as(acmeAdmin.token).post('/organizations', { kind: 'customer', name: 'X', slug: 'x' })).status).toBe(403);
      expect((await as(acmeAdmin.token).get('/organizations')).body.organizations.map((o: { slug: string }) => o.slug)).toEqual(['acme']);
      expect((await as(acmeAdmin.token).get('/organizations/globex')).status).toBe(404);
    });

    it('manage organizations, directories, SAML settings, SCIM tokens and role mappings', async () => {
      const api = as(root.token);
      expect((await api.post('/organizations', { kind: 'utility', name: 'Lake Power', slug: 'lake' })).status).toBe(201);
      expect((await api.patch('/organizations/lake', { policy: { mfaRequired: true } })).body.policy).toEqual({ mfaRequired: true });
      expect((await api.post('/directories', { kind: 'sso', name: 'entra-lake', organizations: ['lake'] })).status).toBe(201);
      const { TestIdp } = await import('../helpers/samlIdp.js');
      const saml = await api.put('/directories/entra-lake/saml', { metadata: new TestIdp().metadata(), domains: ['lake.test'] });
      expect(saml.body).toMatchObject({ domains: ['lake.test'], sp: { acsUrl: 'http://127.0.0.1:8080/saml/entra-lake/acs' } });
      const token = await api.post('/directories/entra-lake/scim-tokens', { name: 'Entra' });
      expect(token.body.token).toMatch(/^idbscim_/);
      expect(JSON.stringify((await api.get('/directories/entra-lake/scim-tokens')).body)).not.toContain(token.body.token);
      expect((await api.delete(`/scim-tokens/${token.body.id}`)).body.state).toBe('revoked');
      const mapping = await api.post('/role-mappings', { directory: 'entra-lake', matchType: 'pattern', matchValue: 'Lake-*', organization: 'lake', role: 'viewer' });
      expect(mapping.status).toBe(201);
      expect((await api.delete(`/role-mappings/${mapping.body.id}`)).status).toBe(204);
      expect((await api.delete('/directories/entra-lake/saml')).status).toBe(204);
      expect((await api.delete('/directories/entra-lake')).status).toBe(204);
    });

    it('register portal applications (OIDC clients) without ever showing the secret again', async () => {
      const api = as(root.token);
      const created = await api.post('/oidc-clients', { name: 'Portal', redirectUris: ['https://portal.example/cb'], organizations: ['acme'] });
      expect(created.status).toBe(201);
      expect(created.body.clientSecret).toBeTruthy();
      const read = await api.get(`/oidc-clients/${created.body.clientId}`);
      expect(read.body).toMatchObject({ name: 'Portal', organizations: [{ slug: 'acme' }] });
      expect(JSON.stringify(read.body)).not.toContain(created.body.clientSecret);
      expect((await api.patch(`/oidc-clients/${created.body.clientId}`, { firstParty: true })).body.firstParty).toBe(true);
      expect((await as(acmeAdmin.token).get('/oidc-clients')).status).toBe(403);
      expect((await api.delete(`/oidc-clients/${created.body.clientId}`)).status).toBe(204);
    });

    it('filter the audit log; an organization administrator sees its own organization\'s events', async () => {
      const events = await as(root.token).get(`/audit-events?action=user.&user=${ssoUserId}`);
      expect(events.body.events.length).toBeGreaterThan(0);
      expect(events.body.events.every((e: { action: string; userId: string }) => e.action.startsWith('user.') && e.userId === ssoUserId)).toBe(true);
      // Unfiltered, an organization administrator reads the events of its organizations and of the users it sees.
      const own = await as(acmeAdmin.token).get('/audit-events?limit=1000');
      expect(own.status).toBe(200);
      expect(own.body.events.length).toBeGreaterThan(0);
      const acmeId = (await as(acmeAdmin.token).get('/organizations/acme')).body.id;
      expect(own.body.events.every((e: { organizationId: string | null }) => e.organizationId === null || e.organizationId === acmeId)).toBe(true);
      const acme = await as(acmeAdmin.token).get('/audit-events?organization=acme');
      expect(acme.status).toBe(200);
      expect((await as(acmeAdmin.token).get('/audit-events?organization=globex')).status).toBe(404);
      expect((await as(acmeAdmin.token).get(`/audit-events?user=${root.id}`)).status).toBe(404);
      expect((await as(root.token).get('/audit-events?from=yesterday')).status).toBe(400);
    });

    it('stop accepting a token once revoked, or once its administrator loses the role', async () => {
      const api = as(riverSupervisor.token);
      const created = await api.post('/api-tokens', { name: 'nightly export' });
      expect(created.body.token).toMatch(/^idbadm_/);
      expect((await as(created.body.token).get('/users')).status).toBe(200);
      await api.delete(`/api-tokens/${created.body.id}`);
      expect((await as(created.body.token).get('/users')).status).toBe(401);
      await as(root.token).put(`/users/${riverSupervisor.id}/memberships/river`, { role: 'viewer' });
      expect((await api.get('/users')).status).toBe(401);
    });
  });

  it('documents every route it serves in openapi.json', async () => {
    const document = (await request(t.app).get(`${API}/openapi.json`)).body;
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const { adminApi } = await import('../../src/admin/api/router.js');
    const router = adminApi({ services: t.deps.services, sessions: t.deps.sessions, logger: t.deps.logger, secret: 'x', publicUrl: 'http://x' });
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const walk = (stack: Layer[]): string[] => stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`) : layer.handle?.stack ? walk(layer.handle.stack) : []));
    const served = walk((router as unknown as { stack: Layer[] }).stack).filter((r) => r !== 'GET /openapi.json').sort();
    expect(documented).toEqual(served);
  });
});
