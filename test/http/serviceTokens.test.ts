import request from 'supertest';
import { runCli } from '../../src/cli/run.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

const API = '/api/admin/v1';

describe('admin API with a service token', () => {
  let t: TestApp;
  let acmeUserId: string;
  let globexUserId: string;
  let root: Awaited<ReturnType<typeof platformAdmin>>;

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(`${API}${url}`).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object = {}) => request(t.app).post(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    delete: (url: string) => request(t.app).delete(`${API}${url}`).set('Authorization', `Bearer ${token}`),
  });

  /** The operator at the command line, on the application's database. */
  const cli = async (...argv: string[]) => {
    const outcome = await runCli([...argv, '--json'], t.deps.env);
    if (outcome.code !== 0) throw new Error(outcome.stderr);
    return JSON.parse(outcome.stdout as string);
  };

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Globex', slug: 'globex' });
    acmeUserId = (await aUser(ctx, { userName: 'worker@acme.test', memberships: [{ organization: 'acme', role: 'standard-user' }] })).id;
    globexUserId = (await aUser(ctx, { userName: 'worker@globex.test', memberships: [{ organization: 'globex', role: 'standard-user' }] })).id;
    root = await platformAdmin(ctx);
  });
  afterAll(() => t.close());

  it('takes a token made with the CLI as a Bearer token, and audits what it does as the service token', async () => {
    const created = await cli('admin-token', 'create', '--name', 'terraform');
    const users = await as(created.token).get('/users?status=all');
    expect(users.status).toBe(200);
    expect(users.body.users.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([acmeUserId, globexUserId]));
    expect(users.body.users.map((u: { id: string }) => u.id)).not.toContain(root.id);

    expect((await as(created.token).post(`/users/${acmeUserId}/lock`)).body.status).toBe('LOCKED_BY_ADMIN');
    const audit = await as(root.token).get(`/audit-events?actor=${created.id}`);
    expect(audit.status).toBe(200);
    expect(audit.body.events).toEqual([expect.objectContaining({ action: 'user.locked', userId: acmeUserId, actor: { type: 'service_token', id: created.id, label: 'service token "terraform"' } })]);
    const creation = await as(root.token).get('/audit-events?action=service_token.created');
    expect(creation.body.events[0]).toMatchObject({ target: { type: 'service_token', id: created.id }, actor: { type: 'operator' } });
    expect((await cli('admin-token', 'list')).tokens[0]).toMatchObject({ id: created.id, lastUsedAt: expect.any(String) });
  });

  it('answers 401 to a revoked token, as to any unknown one', async () => {
    const created = await cli('admin-token', 'create', '--name', 'revoked soon');
    expect((await as(created.token).get('/users')).status).toBe(200);
    await cli('admin-token', 'revoke', '--id', created.id);
    const refused = await as(created.token).get('/users');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('auth.invalid_token');
    expect((await as('idbsvc_nope').get('/users')).status).toBe(401);
  });

  it('limits an organization\'s token to that organization, and answers 401 once the organization is deleted', async () => {
    const created = await cli('admin-token', 'create', '--name', 'acme ci', '--org', 'acme');
    const api = as(created.token);
    expect((await api.get(`/users/${acmeUserId}`)).status).toBe(200);
    expect((await api.get(`/users/${globexUserId}`)).status).toBe(404);
    const platform = await api.get('/directories');
    expect(platform.status).toBe(403);
    expect(platform.body.error.code).toBe('policy.platform_only');
    expect((await api.get('/service-tokens')).body.error.code).toBe('policy.platform_only');

    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Gone Soon', slug: 'gone-soon' });
    const doomed = await cli('admin-token', 'create', '--name', 'gone soon ci', '--org', 'gone-soon');
    expect((await as(doomed.token).get('/users')).status).toBe(200);
    expect((await as(root.token).delete('/organizations/gone-soon')).status).toBe(204);
    expect((await as(doomed.token).get('/users')).status).toBe(401);
  });

  it('lets platform administrators list, create and revoke service tokens at /service-tokens, and no one else', async () => {
    const created = await as(root.token).post('/service-tokens', { name: 'ci job', organization: 'globex', expiresInDays: 7 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'ci job', organization: { slug: 'globex' }, token: expect.stringMatching(/^idbsvc_/) });
    expect((await as(created.body.token).get(`/users/${globexUserId}`)).status).toBe(200);
    const listed = await as(root.token).get('/service-tokens');
    expect(listed.body.tokens.find((x: { id: string }) => x.id === created.body.id)).toMatchObject({ state: 'active', createdBy: expect.stringContaining('API token') });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.token);
    expect((await as(root.token).delete(`/service-tokens/${created.body.id}`)).body.state).toBe('revoked');
    expect((await as(created.body.token).get('/users')).status).toBe(401);

    const acmeAdmin = await organizationAdmin(t.deps.ctx, t.mailbox, t.deliver, 'acme', 'full-access');
    const refused = await as(acmeAdmin.token).post('/service-tokens', { name: 'mine' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('policy.platform_only');
    expect((await as(root.token).post('/service-tokens', { name: '' })).body.error).toMatchObject({ code: 'service_token.invalid', field: 'name' });
  });

  it('gives a service token no API tokens of its own', async () => {
    const created = await cli('admin-token', 'create', '--name', 'no personal tokens');
    expect((await as(created.token).get('/api-tokens')).status).toBe(404);
    expect((await as(created.token).post('/api-tokens', { name: 'x' })).status).toBe(404);
    // Nor may it mint a successor that would outlive its revocation.
    const minted = await as(created.token).post('/service-tokens', { name: 'successor' });
    expect([minted.status, minted.body.error.code]).toEqual([403, 'policy.service_token_cannot_manage']);
    expect((await as(created.token).get('/service-tokens')).status).toBe(403);
  });
});
