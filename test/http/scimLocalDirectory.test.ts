import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization, updateOrganization } from '../../src/identity/organizations.js';
import { createScimToken, listScimTokens } from '../../src/identity/scimTokens.js';
import { openTestApp, csrfOf, submitForm, type Agent, type TestApp } from '../helpers/app.js';
import { GOOD_PASSWORD } from '../helpers/accounts.js';
import { testOperator } from '../helpers/db.js';
import { CORE_GROUP, CORE_USER, IDBRIDGE, ScimClient } from '../helpers/scim.js';

async function signIn(agent: Agent, identifier: string, password: string) {
  await submitForm(agent, '/sign-in', { identifier });
  const page = await agent.get('/sign-in');
  return agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier, password });
}

describe('SCIM tokens of the local directory', () => {
  let t: TestApp;
  let local: ScimClient;
  let globex: ScimClient;
  let acme: ScimClient;
  let sso: ScimClient;
  const token = async (directory: string, organization?: string) => {
    const created = await createScimToken(t.deps.ctx, testOperator, { directory, name: `${directory}-${organization ?? 'all'}`, ...(organization ? { organization } : {}) });
    return new ScimClient(t.app, created.token, created.directory.id);
  };

  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme Corp', slug: 'acme' });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'okta-acme' });
    acme = await token('local', 'acme');
    // The local directory holds every organization's users: each of its tokens is limited to one organization.
    local = acme;
    globex = await token('local', 'globex');
    sso = await token('okta-acme');
  });
  afterAll(() => t.close());

  describe('creating users', () => {
    it('creates a local user PROVISIONED and emails the activation link', async () => {
      const created = await local.post('/Users', { schemas: [CORE_USER], userName: 'new.hire@example.com', name: { givenName: 'New', familyName: 'Hire' }, emails: [{ value: 'new.hire@example.com', type: 'work', primary: true }] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ active: true, [IDBRIDGE]: { status: 'PROVISIONED' } });
      await t.deliver();
      const mail = t.mailbox.last('new.hire@example.com');
      expect(mail.link).toMatch(/\/activate\?token=/);
    });

    it('sets a password that passes the policy: the user is ACTIVE, gets no activation email, and signs in with it', async () => {
      const created = await local.post('/Users', { schemas: [CORE_USER], userName: 'with.password@example.com', emails: [{ value: 'with.password@example.com', primary: true }], password: GOOD_PASSWORD });
      expect(created.status).toBe(201);
      expect(created.body[IDBRIDGE].status).toBe('ACTIVE');
      expect(created.body.password).toBeUndefined();
      await t.deliver();
      expect(t.mailbox.to('with.password@example.com')).toHaveLength(0);
      expect((await signIn(t.agent(), 'with.password@example.com', GOOD_PASSWORD)).status).toBe(303);
    });

    it('refuses a password the policy refuses with 400 invalidValue saying why, and creates nobody', async () => {
      const refused = await local.post('/Users', { schemas: [CORE_USER], userName: 'weak@example.com', emails: [{ value: 'weak@example.com', primary: true }], password: 'password1' });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: '400', scimType: 'invalidValue', detail: expect.stringMatching(/guess/i) });
      const found = await local.get(`/Users?filter=${encodeURIComponent('userName eq "weak@example.com"')}`);
      expect(found.body.totalResults).toBe(0);
    });

    it('a local user needs an email address to activate', async () => {
      const refused = await local.post('/Users', { schemas: [CORE_USER], userName: 'no-email' });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ scimType: 'invalidValue', detail: expect.stringMatching(/email/) });
    });

    it('ignores the placeholder password Okta sends to an SSO directory and never stores it', async () => {
      const created = await sso.post('/Users', { schemas: [CORE_USER], userName: 'okta.person@acme.test', emails: [{ value: 'okta.person@acme.test', primary: true }], password: '1mz050nq', active: true });
      expect(created.status).toBe(201);
      expect(created.body[IDBRIDGE].status).toBe('ACTIVE');
      expect(await t.deps.db.models.PasswordCredential.count({ where: { userId: created.body.id } })).toBe(0);
      const sspc = await sso.get('/ServiceProviderConfig');
      expect(sspc.body.changePassword).toEqual({ supported: false });
      expect((await local.get('/ServiceProviderConfig')).body.changePassword).toEqual({ supported: true });
    });

    it('changes a local password through PATCH under the same policy', async () => {
      const user = (await local.post('/Users', { schemas: [CORE_USER], userName: 'changer@example.com', emails: [{ value: 'changer@example.com', primary: true }], password: GOOD_PASSWORD })).body;
      const weak = await local.patch(`/Users/${user.id}`, [{ op: 'replace', path: 'password', value: 'changer1' }]);
      expect(weak.status).toBe(400);
      expect(weak.body.scimType).toBe('invalidValue');
      const strong = await local.patch(`/Users/${user.id}`, [{ op: 'replace', value: { password: 'marble kettle zephyr 2041' } }]);
      expect(strong.status).toBe(200);
      expect(strong.body.password).toBeUndefined();
      expect((await signIn(t.agent(), 'changer@example.com', 'marble kettle zephyr 2041')).status).toBe(303);
    });
  });

  describe('a token limited to one organization', () => {
    it("adds the users it creates to its organization with the catalog's default role", async () => {
      const created = await acme.post('/Users', { schemas: [CORE_USER], userName: 'acme.one@example.com', emails: [{ value: 'acme.one@example.com', primary: true }] });
      expect(created.status).toBe(201);
      expect(created.body[IDBRIDGE]).toEqual({ status: 'PROVISIONED', role: 'standard-user', memberships: [{ organization: 'acme', organizationName: 'Acme Corp', role: 'standard-user', roleLabel: 'Standard User' }] });
    });

    it('gives the role named in the idbridge extension, never above what the organization allows', async () => {
      const above = await acme.post('/Users', { schemas: [CORE_USER, IDBRIDGE], userName: 'acme.admin@example.com', emails: [{ value: 'acme.admin@example.com', primary: true }], [IDBRIDGE]: { role: 'full-access' } });
      expect(above.status).toBe(400);
      expect(above.body).toMatchObject({ scimType: 'invalidValue', detail: expect.stringContaining('"standard-user"') });
      await updateOrganization(t.deps.ctx, testOperator, 'acme', { policy: { provisioningMaxRole: 'full-access' } });
      const allowed = await acme.post('/Users', { schemas: [CORE_USER, IDBRIDGE], userName: 'acme.admin@example.com', emails: [{ value: 'acme.admin@example.com', primary: true }], [IDBRIDGE]: { role: 'full-access' } });
      expect(allowed.status).toBe(201);
      expect(allowed.body[IDBRIDGE]).toMatchObject({ role: 'full-access', memberships: [{ organization: 'acme', role: 'full-access' }] });
      const unknown = await acme.post('/Users', { schemas: [CORE_USER], userName: 'acme.odd@example.com', emails: [{ value: 'acme.odd@example.com', primary: true }], [`${IDBRIDGE}:role`]: 'administrator' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.detail).toContain('full-access, standard-user');
      await updateOrganization(t.deps.ctx, testOperator, 'acme', { policy: {} });
    });

    it('keeps the role it gave: a PATCH or PUT may repeat it but not change it', async () => {
      const user = (await acme.post('/Users', { schemas: [CORE_USER], userName: 'acme.fixed@example.com', emails: [{ value: 'acme.fixed@example.com', primary: true }] })).body;
      const same = await acme.patch(`/Users/${user.id}`, [{ op: 'replace', path: `${IDBRIDGE}:role`, value: 'standard-user' }, { op: 'replace', path: 'title', value: 'Clerk' }]);
      expect(same.status).toBe(200);
      const changed = await acme.put(`/Users/${user.id}`, { schemas: [CORE_USER], userName: 'acme.fixed@example.com', emails: [{ value: 'acme.fixed@example.com', primary: true }], [IDBRIDGE]: { role: 'full-access' } });
      expect(changed.status).toBe(400);
      expect(changed.body.scimType).toBe('mutability');
      expect((await acme.get(`/Users/${user.id}`)).body.title).toBe('Clerk');
    });

    it('only tokens limited to an organization may name a role', async () => {
      const refused = await sso.post('/Users', { schemas: [CORE_USER], userName: 'sso.role@acme.test', [IDBRIDGE]: { role: 'standard-user' } });
      expect(refused.status).toBe(400);
      expect(refused.body.scimType).toBe('invalidValue');
    });

    it("sees only its organization's users: others answer 404 and are not listed", async () => {
      const outsider = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'globex.only@example.com', emails: [{ value: 'globex.only@example.com' }] }, memberships: [{ organization: 'globex', role: 'standard-user' }] });
      expect((await acme.get(`/Users/${outsider.id}`)).status).toBe(404);
      expect((await acme.patch(`/Users/${outsider.id}`, [{ op: 'replace', path: 'active', value: false }])).status).toBe(404);
      expect((await acme.delete(`/Users/${outsider.id}`)).status).toBe(404);
      const listed = await acme.get('/Users?count=200');
      expect(listed.body.Resources.map((u: { userName: string }) => u.userName)).not.toContain('globex.only@example.com');
      expect(listed.body.Resources.every((u: Record<string, { memberships: Array<{ organization: string }> }>) => u[IDBRIDGE]!.memberships.every((m) => m.organization === 'acme'))).toBe(true);
      expect((await globex.get(`/Users/${outsider.id}`)).status).toBe(200);
      expect((await getAccount(t.deps.ctx, testOperator, outsider.id)).status).toBe('PROVISIONED');
    });

    it('DELETE takes a user out of its organization only when the user belongs to another one too; otherwise deletes it', async () => {
      const shared = await createAccount(t.deps.ctx, testOperator, {
        directory: 'local',
        attributes: { userName: 'shared@example.com', emails: [{ value: 'shared@example.com' }] },
        memberships: [{ organization: 'acme', role: 'standard-user' }, { organization: 'globex', role: 'full-access' }],
      });
      const sharedView = (await acme.get(`/Users/${shared.id}`)).body;
      expect(sharedView[IDBRIDGE].memberships).toEqual([{ organization: 'acme', organizationName: 'Acme Corp', role: 'standard-user', roleLabel: 'Standard User' }]);
      expect((await acme.delete(`/Users/${shared.id}`)).status).toBe(204);
      expect((await acme.get(`/Users/${shared.id}`)).status).toBe(404);
      expect((await getAccount(t.deps.ctx, testOperator, shared.id)).memberships.map((m) => `${m.organization.slug}:${m.role}`)).toEqual(['globex:full-access']);

      const own = (await acme.post('/Users', { schemas: [CORE_USER], userName: 'acme.leaver@example.com', emails: [{ value: 'acme.leaver@example.com', primary: true }] })).body;
      expect((await acme.delete(`/Users/${own.id}`)).status).toBe(204);
      await expect(getAccount(t.deps.ctx, testOperator, own.id)).rejects.toMatchObject({ kind: 'not_found' });
    });

    it('cannot use groups, which every organization of the directory shares', async () => {
      const refused = await acme.post('/Groups', { schemas: [CORE_GROUP], displayName: 'Acme staff' });
      expect(refused.status).toBe(403);
      expect((await acme.get('/Groups')).status).toBe(403);
    });
  });

  it('records the token as the actor of every change, and when it was last used', async () => {
    const before = (await listScimTokens(t.deps.ctx, testOperator, { directory: 'okta-acme' }))[0]!;
    const created = (await sso.post('/Users', { schemas: [CORE_USER], userName: 'audited@acme.test' })).body;
    await sso.patch(`/Users/${created.id}`, [{ op: 'replace', path: 'active', value: false }]);
    await sso.delete(`/Users/${created.id}`);
    const events = (await listAuditEvents(t.deps.ctx, testOperator, { userId: created.id })).events;
    expect(events.map((e) => e.action).sort()).toEqual(['user.created', 'user.deactivated', 'user.deleted']);
    for (const event of events) expect(event.actor).toEqual({ type: 'scim_token', id: before.id, label: 'scim token "okta-acme-all"' });
    expect(events.every((e) => e.requestId && e.ip)).toBe(true);
    expect((await listScimTokens(t.deps.ctx, testOperator, { directory: 'okta-acme' }))[0]!.lastUsedAt).toBe(t.deps.clock.now().toISOString());
  });
});
