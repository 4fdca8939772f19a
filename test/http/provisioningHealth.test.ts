import request from 'supertest';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/deps.js';
import { createLogger } from '../../src/lib/logger.js';
import { parseEncryptionKey } from '../../src/lib/crypto.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { createServiceToken } from '../../src/identity/serviceTokens.js';
import { MINUTE, HOUR } from '../../src/lib/clock.js';
import { csrfOf, openTestApp, textOf, type TestApp } from '../helpers/app.js';
import { enrolTotp, totpCode } from '../helpers/accounts.js';
import { platformAdmin } from '../helpers/admins.js';
import { testOperator } from '../helpers/db.js';
import { TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from '../helpers/settings.js';
import { CORE_USER, ScimClient } from '../helpers/scim.js';

const API = '/api/admin/v1';

describe('provisioning health of an SSO directory', () => {
  let t: TestApp;
  let scim: ScimClient;
  let platformToken: string;
  let organizationToken: string;

  beforeAll(async () => {
    t = await openTestApp();
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    const directory = await createDirectory(ctx, testOperator, { kind: 'sso', name: 'entra', organizations: ['acme'] });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    scim = new ScimClient(t.app, (await createScimToken(ctx, testOperator, { directory: 'entra' })).token, directory.id);
    platformToken = (await createServiceToken(ctx, testOperator, { name: 'monitoring' })).token;
    // Stands for an administrator of Acme: organization administrators do not see directories.
    organizationToken = (await createServiceToken(ctx, testOperator, { name: 'acme automation', organization: 'acme' })).token;
  });
  afterAll(() => t.close());

  const health = async (directory = 'entra', token = platformToken) => request(t.app).get(`${API}/directories/${directory}/provisioning-health`).set('Authorization', `Bearer ${token}`);

  it('shows a directory whose IdP never called: no requests, no errors, no warning while its token is new', async () => {
    const answer = await health();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ directory: { name: 'entra', kind: 'sso' }, lastRequestAt: null, requests: { total: 0, failed: 0, byKind: [] }, recentErrors: [], expectedCycleMinutes: 40, warning: null });
  });

  it('counts the requests by answer and keeps the errors as the IdP received them, without the query\'s values', async () => {
    const ana = await scim.createUser('ana@acme.test');
    expect((await scim.get(`/Users/${ana.id}`)).status).toBe(200);
    const duplicate = await scim.post('/Users', { schemas: [CORE_USER], userName: 'ANA@acme.test', emails: [{ value: 'ana@acme.test', primary: true }] });
    expect(duplicate.status).toBe(409);
    t.deps.clock.advance(1000);
    const invalid = await scim.patch(`/Users/${ana.id}`, [{ op: 'replace', path: 'active', value: 'perhaps' }]);
    expect([invalid.status, invalid.body.scimType]).toEqual([400, 'invalidValue']);
    t.deps.clock.advance(1000);
    const badFilter = await scim.get(`/Users?filter=${encodeURIComponent('userName eq "ana@acme.test" and')}&count=5`);
    expect([badFilter.status, badFilter.body.scimType]).toEqual([400, 'invalidFilter']);
    // The general path (not the hot path): an unknown group.
    const unknown = await scim.get('/Groups/no-such-group');
    expect(unknown.status).toBe(404);
    // A token nobody issued names no directory: not counted.
    expect((await request(t.app).get('/scim/v2/Users').set('Authorization', 'Bearer idbscim_unknown')).status).toBe(401);

    // Requests are counted in memory: nothing was written while they were answered.
    expect(await t.deps.db.rows('SELECT directory_id FROM scim_request_counts')).toEqual([]);

    const answer = await health();
    expect(answer.body.lastRequestAt).toBe(t.deps.clock.now().toISOString());
    expect(answer.body.requests).toEqual({
      total: 6,
      failed: 4,
      byKind: [
        { kind: '2xx', status: null, scimType: null, count: 2 },
        { kind: '4xx', status: 400, scimType: 'invalidFilter', count: 1 },
        { kind: '4xx', status: 400, scimType: 'invalidValue', count: 1 },
        { kind: '4xx', status: 404, scimType: null, count: 1 },
        { kind: '4xx', status: 409, scimType: 'uniqueness', count: 1 },
      ],
    });
    expect(answer.body.recentErrors).toEqual([
      { at: expect.any(String), method: 'GET', path: '/scim/v2/Groups/no-such-group', status: 404, scimType: null, detail: unknown.body.detail },
      { at: expect.any(String), method: 'GET', path: '/scim/v2/Users?filter&count', status: 400, scimType: 'invalidFilter', detail: badFilter.body.detail },
      { at: expect.any(String), method: 'PATCH', path: `/scim/v2/Users/${ana.id}`, status: 400, scimType: 'invalidValue', detail: invalid.body.detail },
      { at: expect.any(String), method: 'POST', path: '/scim/v2/Users', status: 409, scimType: 'uniqueness', detail: duplicate.body.detail },
    ]);
    expect(duplicate.body.detail).toEqual(expect.any(String));
    expect(JSON.stringify(answer.body.recentErrors)).not.toContain('ana@acme.test" and');
    // Another directory's health is its own.
    expect((await health('okta')).body.requests.total).toBe(0);
  });

  it('adds up what each instance counted, once that instance has written it (every scim.healthFlushSeconds)', async () => {
    const directory = await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'adfs', organizations: ['acme'] });
    const token = (await createScimToken(t.deps.ctx, testOperator, { directory: 'adfs' })).token;
    // A second instance on the same database, with its own memory.
    const other = buildDeps(t.deps.settings, { clock: t.deps.clock, logger: createLogger({ level: 'silent' }), secrets: { sessionSecret: TEST_SESSION_SECRET, dataEncryptionKey: parseEncryptionKey(TEST_ENCRYPTION_KEY), generated: false } });
    try {
      const here = new ScimClient(t.app, token, directory.id);
      const there = new ScimClient(createApp(other), token, directory.id);
      await here.createUser('one@adfs.test');
      await there.createUser('two@adfs.test');
      expect((await there.post('/Users', { schemas: [CORE_USER], userName: 'two@adfs.test' })).status).toBe(409);
      expect((await health('adfs')).body.requests.total).toBe(1);
      await other.services.provisioningHealth.flush();
      const added = (await health('adfs')).body;
      expect(added.requests).toMatchObject({ total: 3, failed: 1 });
      expect(added.recentErrors).toEqual([expect.objectContaining({ status: 409, scimType: 'uniqueness' })]);
    } finally {
      await other.close();
    }
  });

  it('warns once the IdP has been quiet longer than its usual cycle, and not after it calls again', async () => {
    expect((await health()).body.warning).toBeNull();
    t.deps.clock.advance(39 * MINUTE);
    expect((await health()).body.warning).toBeNull();
    t.deps.clock.advance(2 * MINUTE);
    const quiet = await health();
    expect(quiet.body.warning).toMatchObject({ code: 'scim.no_recent_requests', quietMinutes: 41 });
    expect(quiet.body.warning.message).toContain('41 minutes');
    // A directory without a SCIM token has no cycle to miss.
    expect((await health('okta')).body.warning).toBeNull();

    expect((await scim.get('/Users?count=1')).status).toBe(200);
    const again = await health();
    expect(again.body.warning).toBeNull();
    expect(again.body.lastRequestAt).toBe(t.deps.clock.now().toISOString());
    expect(again.body.requests.total).toBe(7);
    // A day later the counts of then have left the 24 hours; the errors stay until newer ones replace them.
    t.deps.clock.advance(26 * HOUR);
    const dayLater = await health();
    expect(dayLater.body.requests.total).toBe(0);
    expect(dayLater.body.recentErrors).toHaveLength(4);
  });

  it('is for platform administrators: an organization\'s administrator and a SCIM token see nothing', async () => {
    const refused = await health('entra', organizationToken);
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'policy.platform_only']);
    expect((await health('entra', scim.token)).status).toBe(401);
    expect((await health('nowhere')).status).toBe(404);
  });

  it('is a section of the directory\'s page in the console, with the warning and the errors', async () => {
    const admin = await platformAdmin(t.deps.ctx);
    const { secret } = await enrolTotp(t.deps.ctx, admin.id);
    const agent = t.agent();
    const page = await agent.get('/sign-in');
    await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier: admin.email, password: 'glacier tuba orchid 1987' });
    t.deps.clock.advance(30_000);
    const totp = await agent.get('/sign-in/totp');
    expect((await agent.post('/sign-in/totp').type('form').send({ _csrf: csrfOf(totp.text), code: totpCode(secret, t.deps.clock.now()) })).status).toBe(303);

    // The IdP has been quiet since the day before (the test above).
    const directoryPage = await agent.get('/admin/directories/entra');
    expect(directoryPage.status).toBe(200);
    const text = textOf(directoryPage.text);
    expect(text).toContain('Provisioning health');
    expect(text).toMatch(/No SCIM request for \d+ minutes, though the identity provider usually calls every 40 minutes/);
    expect(text).toContain('409 uniqueness');
    expect(text).toContain('PATCH /scim/v2/Users/');
  });
});
