import path from 'node:path';
import { createPlatformAdmin } from '../../src/identity/accounts/platformAdmins.js';
import { getAccount, listAccounts } from '../../src/identity/accounts/read.js';
import { lockAccount } from '../../src/identity/accounts/status.js';
import { authenticateAdminApiToken, createAdminApiToken, listAdminApiTokens, revokeAdminApiToken } from '../../src/identity/apiTokens.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { listDirectories } from '../../src/identity/directories.js';
import { createOrganization, deleteOrganization } from '../../src/identity/organizations.js';
import { loadAdminPrincipal, type AdminPrincipal } from '../../src/identity/principal.js';
import { authenticateServiceToken, createServiceToken, listServiceTokens, revokeServiceToken } from '../../src/identity/serviceTokens.js';
import { DAY, MINUTE } from '../../src/lib/clock.js';
import { sha256Hex } from '../../src/lib/crypto.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('service tokens', () => {
  let deps: TestDeps;
  let river: { id: string };
  let riverUser: { id: string };
  let lakeUser: { id: string };
  let root: { id: string };

  beforeAll(async () => {
    deps = await openTestDeps({ overrides: { roles: { catalogFile: path.resolve('test/fixtures/roles-two-managers.json') } } });
    const ctx = deps.ctx;
    river = await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: 'lake' });
    riverUser = await aUser(ctx, { userName: 'river.viewer@svc.test', memberships: [{ organization: 'river', role: 'viewer' }] });
    lakeUser = await aUser(ctx, { userName: 'lake.viewer@svc.test', memberships: [{ organization: 'lake', role: 'viewer' }] });
    root = (await createPlatformAdmin(ctx, testOperator, { email: 'root@svc.test', name: 'Root' })).user;
    await deps.db.models.User.update({ status: 'ACTIVE' }, { where: { id: root.id } });
  });
  afterAll(() => deps.close());

  const authenticate = async (token: string) => (await authenticateServiceToken(deps.ctx, token)) as AdminPrincipal;

  describe('createServiceToken', () => {
    it('shows the token once, keeps its sha256 hash, expires in 90 days by default and audits the operator', async () => {
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'terraform' });
      expect(created.token).toMatch(/^idbsvc_[A-Za-z0-9_-]{43}$/);
      expect(created).toMatchObject({ name: 'terraform', organization: null, role: null, state: 'active', createdBy: 'test', hint: `…${created.token.slice(-4)}` });
      expect(new Date(created.expiresAt!).getTime() - deps.clock.now().getTime()).toBe(90 * DAY);
      const rows = await deps.db.models.ServiceToken.findAll({ where: { id: created.id }, raw: true });
      expect(JSON.stringify(rows)).not.toContain(created.token);
      expect(rows[0]?.tokenHash).toBe(sha256Hex(created.token));
      const { events } = await listAuditEvents(deps.ctx, testOperator, { action: 'service_token.created' });
      expect(events.find((e) => e.target.id === created.id)).toMatchObject({ actor: { type: 'operator', label: 'test' }, target: { type: 'service_token' }, details: { name: 'terraform', organization: null } });
    });

    it('limits a token to one organization, with the highest role of its catalog that manages users', async () => {
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'river ci', organization: 'river', expiresInDays: 0 });
      expect(created).toMatchObject({ organization: { slug: 'river' }, role: 'administrator', expiresAt: null });
      const principal = await authenticate(created.token);
      expect(principal).toMatchObject({ kind: 'org_admin', userId: null, serviceTokenId: created.id, managed: [{ slug: 'river', role: 'administrator', rank: 0 }] });
    });

    it('refuses a missing name, an expiry outside 0..730 days and an unknown organization', async () => {
      await expect(createServiceToken(deps.ctx, testOperator, { name: '  ' })).rejects.toMatchObject({ code: 'service_token.invalid', field: 'name' });
      await expect(createServiceToken(deps.ctx, testOperator, { name: 'x', expiresInDays: 731 })).rejects.toMatchObject({ code: 'service_token.invalid', field: 'expiresInDays' });
      await expect(createServiceToken(deps.ctx, testOperator, { name: 'x', organization: 'nowhere' })).rejects.toMatchObject({ code: 'organization.not_found' });
    });

    it('is for the platform only: an organization administrator and an organization\'s service token are refused', async () => {
      const riverToken = await authenticate((await createServiceToken(deps.ctx, testOperator, { name: 'river bot', organization: 'river' })).token);
      await expect(createServiceToken(deps.ctx, riverToken, { name: 'more' })).rejects.toMatchObject({ code: 'policy.platform_only' });
      await expect(listServiceTokens(deps.ctx, riverToken)).rejects.toMatchObject({ code: 'policy.platform_only' });
    });
  });

  describe('listServiceTokens and revokeServiceToken', () => {
    it('lists every token without the secret, and revokes one at once, audited', async () => {
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'to revoke', organization: 'lake' });
      const listed = await listServiceTokens(deps.ctx, testOperator);
      expect(listed.find((t) => t.id === created.id)).toMatchObject({ name: 'to revoke', organization: { slug: 'lake' }, state: 'active' });
      expect(JSON.stringify(listed)).not.toContain(created.token);
      expect(await revokeServiceToken(deps.ctx, testOperator, created.id)).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
      expect(await authenticateServiceToken(deps.ctx, created.token)).toBeNull();
      const { events } = await listAuditEvents(deps.ctx, testOperator, { action: 'service_token.revoked' });
      expect(events.find((e) => e.target.id === created.id)).toMatchObject({ actor: { type: 'operator' }, organizationId: expect.any(String) });
      await expect(revokeServiceToken(deps.ctx, testOperator, 'no-such-token')).rejects.toMatchObject({ code: 'service_token.not_found' });
    });
  });

  describe('authenticateServiceToken', () => {
    it('acts as a platform administrator that is no one\'s account, audited as itself, and records its use once a minute', async () => {
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'platform bot' });
      const principal = await authenticate(created.token);
      expect(principal).toMatchObject({ kind: 'platform_admin', userId: null, serviceTokenId: created.id, managed: [], actor: { type: 'service_token', id: created.id, label: 'service token "platform bot"' } });
      const used = (await listServiceTokens(deps.ctx, testOperator)).find((t) => t.id === created.id);
      expect(used?.lastUsedAt).toBe(deps.clock.now().toISOString());
      deps.clock.advance(30_000);
      await authenticate(created.token);
      expect((await listServiceTokens(deps.ctx, testOperator)).find((t) => t.id === created.id)?.lastUsedAt).toBe(used?.lastUsedAt);

      await lockAccount(deps.ctx, principal, riverUser.id);
      const { events } = await listAuditEvents(deps.ctx, testOperator, { actorId: created.id });
      expect(events.map((e) => [e.action, e.actor.type, e.actor.label, e.userId])).toEqual([['user.locked', 'service_token', 'service token "platform bot"', riverUser.id]]);
    });

    it('is what the admin API takes as a Bearer token, beside an administrator\'s own tokens', async () => {
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'via admin api' });
      expect(await authenticateAdminApiToken(deps.ctx, created.token)).toMatchObject({ serviceTokenId: created.id });
      const rootPrincipal = (await loadAdminPrincipal(deps.ctx, root.id))!;
      const personal = await createAdminApiToken(deps.ctx, rootPrincipal, { name: 'mine' });
      expect(await authenticateAdminApiToken(deps.ctx, personal.token)).toMatchObject({ userId: root.id });
      expect(await authenticateServiceToken(deps.ctx, personal.token)).toBeNull();
      expect(await authenticateServiceToken(deps.ctx, 'idbsvc_unknown')).toBeNull();
    });

    it('stops at expiry', async () => {
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'short', expiresInDays: 1 });
      deps.clock.advance(DAY - MINUTE);
      expect(await authenticateServiceToken(deps.ctx, created.token)).not.toBeNull();
      deps.clock.advance(MINUTE);
      expect(await authenticateServiceToken(deps.ctx, created.token)).toBeNull();
      expect((await listServiceTokens(deps.ctx, testOperator)).find((t) => t.id === created.id)?.state).toBe('expired');
    });

    it('stops, and is gone, when its organization is deleted', async () => {
      await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Short Lived', slug: 'short-lived' });
      const created = await createServiceToken(deps.ctx, testOperator, { name: 'short lived', organization: 'short-lived' });
      expect(await authenticateServiceToken(deps.ctx, created.token)).toMatchObject({ kind: 'org_admin' });
      await deleteOrganization(deps.ctx, testOperator, 'short-lived');
      expect(await authenticateServiceToken(deps.ctx, created.token)).toBeNull();
      expect((await listServiceTokens(deps.ctx, testOperator)).some((t) => t.id === created.id)).toBe(false);
    });
  });

  describe('what a service token may do (the policy)', () => {
    it('an organization\'s token sees its organization\'s users only, and no platform configuration', async () => {
      const principal = await authenticate((await createServiceToken(deps.ctx, testOperator, { name: 'river reader', organization: 'river' })).token);
      expect(await getAccount(deps.ctx, principal, riverUser.id)).toMatchObject({ id: riverUser.id });
      await expect(getAccount(deps.ctx, principal, lakeUser.id)).rejects.toMatchObject({ code: 'user.not_found' });
      await expect(listDirectories(deps.ctx, principal)).rejects.toMatchObject({ code: 'policy.platform_only' });
      expect(river.id).toBe(principal.managed[0]?.id);
    });

    it('a platform token reaches every user but the platform administrators', async () => {
      const principal = await authenticate((await createServiceToken(deps.ctx, testOperator, { name: 'platform reader' })).token);
      expect(await getAccount(deps.ctx, principal, lakeUser.id)).toMatchObject({ id: lakeUser.id });
      await expect(getAccount(deps.ctx, principal, root.id)).rejects.toMatchObject({ code: 'user.not_found' });
      await expect(lockAccount(deps.ctx, principal, root.id)).rejects.toMatchObject({ code: 'user.not_found' });
      const ids = (await listAccounts(deps.ctx, principal, { status: 'all' })).users.map((u) => u.id);
      expect(ids).toContain(lakeUser.id);
      expect(ids).not.toContain(root.id);
    });

    it('owns no API tokens and manages no administrator\'s', async () => {
      const principal = await authenticate((await createServiceToken(deps.ctx, testOperator, { name: 'no tokens' })).token);
      const personal = await createAdminApiToken(deps.ctx, (await loadAdminPrincipal(deps.ctx, root.id))!, { name: 'root laptop' });
      await expect(listAdminApiTokens(deps.ctx, principal)).rejects.toMatchObject({ code: 'api_token.not_found' });
      await expect(createAdminApiToken(deps.ctx, principal, { name: 'sneaky' })).rejects.toMatchObject({ code: 'api_token.not_found' });
      await expect(revokeAdminApiToken(deps.ctx, principal, personal.id)).rejects.toMatchObject({ code: 'api_token.not_found' });
    });
  });
});
