import path from 'node:path';
import request from 'supertest';
import { runCli } from '../../src/cli/run.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { grantMembership } from '../../src/identity/accounts/memberships.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { activeLocalUser, GOOD_PASSWORD } from '../helpers/accounts.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, textOf, type Agent, type TestApp } from '../helpers/app.js';
import { scaled } from '../helpers/machine.js';
import { testOperator } from '../helpers/db.js';
import { CORE_USER, filterQuery, IDBRIDGE, PATCH_OP, SCIM, SCIM_JSON } from '../helpers/scim.js';

const API = '/api/admin/v1';
const ATTACKER_PASSWORD = 'attacker chose this 4711';

/**
 * The policy sampled through every edge (SCIM, the admin API, the console, the CLI), on whichever database the suite
 * runs: the table itself is test/integration/permissions.test.ts. First, the account takeover a review found: a SCIM
 * token of the local directory used to reach platform administrators.
 */
describe('authorization at the edges', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>>;
  let riverAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  let supervisor: Awaited<ReturnType<typeof organizationAdmin>>;
  let peer: Awaited<ReturnType<typeof organizationAdmin>>;
  let viewer: Awaited<ReturnType<typeof activeLocalUser>>;
  let scimToken: string;

  const scim = (method: 'get' | 'post' | 'put' | 'patch' | 'delete', at: string, body?: unknown) => {
    const test = request(t.app)[method](`${SCIM}${at}`).set('Authorization', `Bearer ${scimToken}`);
    return body === undefined ? test : test.set('Content-Type', SCIM_JSON).send(JSON.stringify(body));
  };
  const api = (token: string) => ({
    get: (at: string) => request(t.app).get(`${API}${at}`).set('Authorization', `Bearer ${token}`),
    post: (at: string, body: unknown = {}) => request(t.app).post(`${API}${at}`).set('Authorization', `Bearer ${token}`).send(body as object),
    put: (at: string, body: unknown = {}) => request(t.app).put(`${API}${at}`).set('Authorization', `Bearer ${token}`).send(body as object),
  });

  async function signIn(identifier: string, password: string): Promise<{ agent: Agent; status: number; location: string | undefined }> {
    const agent = t.agent();
    const page = await agent.get('/sign-in');
    const response = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier, password });
    return { agent, status: response.status, location: response.headers.location as string | undefined };
  }

  beforeAll(async () => {
    t = await openTestApp({ roles: { catalogFile: path.resolve('test/fixtures/roles-two-managers.json') } });
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: 'lake' });
    root = await platformAdmin(ctx, 'root@platform.example');
    // A platform administrator who is also a member of an organization (the console lists them there).
    await grantMembership(ctx, testOperator, root.id, { organization: 'river', role: 'viewer' });
    riverAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'administrator');
    supervisor = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'supervisor');
    peer = await organizationAdmin(ctx, t.mailbox, t.deliver, 'river', 'supervisor');
    viewer = await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    scimToken = (await createScimToken(ctx, testOperator, { directory: 'local', organization: 'river', name: 'river hr' })).token;
    // Five accounts signed in with argon2 and TOTP: some 10 s alone, more on a busy machine.
  }, scaled(60_000));
  afterAll(() => t.close());

  describe('the takeover chain', () => {
    it('cannot start: no token of the whole local directory can be made, by the CLI or the admin API', async () => {
      const cli = await runCli(['scim-token', 'create', '--directory', 'local', '--json'], t.deps.env);
      expect(cli.code).toBe(1);
      expect(JSON.parse(cli.stderr as string)).toMatchObject({ error: { code: 'scim_token.organization_required' } });
      const viaApi = await api(root.token).post('/directories/local/scim-tokens', { name: 'everything' });
      expect([viaApi.status, viaApi.body.error?.code]).toEqual([400, 'scim_token.organization_required']);
    });

    it('with a local token, the platform administrator is not found, not changed, and cannot be signed in as', async () => {
      expect((await scim('get', `/Users/${root.id}`)).status).toBe(404);
      const lookup = await scim('get', `/Users?${filterQuery(`userName eq "${root.email}"`)}`);
      expect([lookup.status, lookup.body.totalResults]).toEqual([200, 0]);
      const listed = await scim('get', '/Users?count=200');
      expect(listed.body.Resources.map((u: { id: string }) => u.id)).not.toContain(root.id);
      expect((await scim('patch', `/Users/${root.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: ATTACKER_PASSWORD }] })).status).toBe(404);
      expect((await scim('patch', `/Users/${root.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(404);
      expect((await scim('put', `/Users/${root.id}`, { schemas: [CORE_USER], userName: root.email, password: ATTACKER_PASSWORD })).status).toBe(404);
      expect((await scim('delete', `/Users/${root.id}`)).status).toBe(404);

      expect((await signIn(root.email, ATTACKER_PASSWORD)).status).toBe(401);
      const owner = await signIn(root.email, GOOD_PASSWORD);
      expect(owner.status).toBe(303);
      expect(owner.location).not.toBe('/sign-in');
      expect((await getAccount(t.deps.ctx, testOperator, root.id)).status).toBe('ACTIVE');
    });
  });

  describe('SCIM', () => {
    it('changes users below its rights, not an administrator above them', async () => {
      const patch = (id: string, operations: unknown[]) => scim('patch', `/Users/${id}`, { schemas: [PATCH_OP], Operations: operations });
      expect((await patch(viewer.id, [{ op: 'replace', path: 'title', value: 'Clerk' }])).status).toBe(200);
      const above = await patch(riverAdmin.id, [{ op: 'replace', path: 'title', value: 'Taken' }]);
      expect([above.status, above.body.detail]).toEqual([403, expect.stringContaining('beyond your own rights')]);
      const password = await patch(riverAdmin.id, [{ op: 'replace', path: 'password', value: ATTACKER_PASSWORD }]);
      expect(password.status).toBe(403);
      expect((await scim('get', `/Users/${riverAdmin.id}`)).body.title).toBeUndefined();
    });

    it('does not replace the password of a user who has signed in with their own', async () => {
      const refused = await scim('patch', `/Users/${viewer.id}`, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'password', value: ATTACKER_PASSWORD }] });
      expect([refused.status, refused.body.scimType, refused.body.detail]).toEqual([400, 'invalidValue', expect.stringContaining('signed in with a password of their own')]);
      expect((await signIn(viewer.email, viewer.password)).status).toBe(303);
    });

    it('creates users in its organization, never with a role above its limit', async () => {
      const created = await scim('post', '/Users', { schemas: [CORE_USER], userName: 'new.clerk@river.test', emails: [{ value: 'new.clerk@river.test', primary: true }] });
      expect(created.body[IDBRIDGE]).toMatchObject({ role: 'viewer' });
      const above = await scim('post', '/Users', { schemas: [CORE_USER, IDBRIDGE], userName: 'new.boss@river.test', emails: [{ value: 'new.boss@river.test', primary: true }], [IDBRIDGE]: { role: 'supervisor' } });
      expect([above.status, above.body.scimType]).toEqual([400, 'invalidValue']);
    });
  });

  describe('the admin API', () => {
    it('lets an organization administrator act below its role, and refuses what is above it or platform-level', async () => {
      const as = api(supervisor.token);
      expect((await as.post(`/users/${viewer.id}/password-reset`)).status).toBe(200);
      const lock = await as.post(`/users/${riverAdmin.id}/lock`);
      expect([lock.status, lock.body.error.code]).toEqual([403, 'policy.target_above']);
      const reset = await as.post(`/users/${peer.id}/password-reset`);
      expect([reset.status, reset.body.error.code]).toEqual([403, 'policy.credentials_protected']);
      const email = await request(t.app).patch(`${API}/users/${peer.id}`).set('Authorization', `Bearer ${supervisor.token}`).send({ email: 'taken.over@river.test' });
      expect([email.status, email.body.error.code]).toEqual([403, 'policy.credentials_protected']);
      const escalate = await as.put(`/users/${viewer.id}/memberships/river`, { role: 'administrator' });
      expect([escalate.status, escalate.body.error.code]).toEqual([403, 'admin.role_above_own']);
      const organization = await as.post('/organizations', { kind: 'customer', name: 'X', slug: 'x' });
      expect([organization.status, organization.body.error.code]).toEqual([403, 'policy.platform_only']);
      expect((await as.get(`/users/${root.id}`)).status).toBe(404);
      expect((await as.get('/organizations/lake')).status).toBe(404);
    });
  });

  describe('the console', () => {
    it('shows an organization administrator only the actions the policy allows it, and refuses the others', async () => {
      const { agent } = await signIn(supervisor.email, supervisor.password);
      expect((await agent.get(`/admin/users/${root.id}`)).status).toBe(404);
      expect((await agent.get('/admin/directories')).status).toBe(403);
      const adminPage = await agent.get(`/admin/users/${riverAdmin.id}`);
      expect(adminPage.status).toBe(200);
      expect(adminPage.text).not.toContain(`/admin/users/${riverAdmin.id}/actions/lock`);
      const viewerPage = await agent.get(`/admin/users/${viewer.id}`);
      expect(viewerPage.text).toContain(`/admin/users/${viewer.id}/actions/lock`);
      const refused = await agent.post(`/admin/users/${riverAdmin.id}/actions/lock`).type('form').send({ _csrf: csrfOf(viewerPage.text) });
      expect(refused.status).toBe(403);
      expect(textOf(refused.text)).toContain('beyond your own rights');
      expect((await getAccount(t.deps.ctx, testOperator, riverAdmin.id)).status).toBe('ACTIVE');
    });
  });

  describe('the CLI', () => {
    it('acts as the operator, at platform level, and the audit trail says so', async () => {
      const listed = await runCli(['user', 'list', '--status', 'ACTIVE', '--limit', '1000', '--json'], t.deps.env);
      expect(JSON.parse(listed.stdout as string).users.map((u: { id: string }) => u.id)).toContain(root.id);
      const created = await runCli(['org', 'create', '--kind', 'customer', '--name', 'Made By CLI', '--slug', 'made-by-cli', '--json'], t.deps.env);
      expect(created.code).toBe(0);
      const { events } = await listAuditEvents(t.deps.ctx, testOperator, { action: 'organization.created', organizationId: 'made-by-cli' });
      expect(events[0]?.actor).toMatchObject({ type: 'operator', label: expect.stringMatching(/^cli \(.+\)$/) });
    });
  });
});
