import { grantMembership, removeMembership } from '../../src/identity/accounts/memberships.js';
import { deactivateAccount, lockAccount, reactivateAccount, setAccountActive, unlockAccount } from '../../src/identity/accounts/status.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { deleteAccount } from '../../src/identity/accounts/remove.js';
import { getAccount, listAccountSummaries } from '../../src/identity/accounts/read.js';
import { updateAccount } from '../../src/identity/accounts/update.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';
import { organizationAdministrator, scimToken } from '../helpers/principals.js';

describe('users', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'entra', organizations: ['acme'] });
  });
  afterAll(() => deps.close());

  describe('createUser', () => {
    it('creates a local user PROVISIONED and an SSO user ACTIVE, with SCIM core and enterprise attributes', async () => {
      const local = await createAccount(deps.ctx, testOperator, {
        directory: 'local',
        attributes: {
          userName: 'Ada@Example.com',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: [{ value: 'ada.home@example.com', type: 'home' }, { value: 'Ada@Example.com', type: 'work', primary: true }],
          phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
          title: 'Engineer',
          preferredLanguage: 'es',
          enterprise: { employeeNumber: 'E-1', department: 'Metering', manager: { value: 'boss-id', displayName: 'Boss' } },
          sdkAccess: true,
        },
        memberships: [{ organization: 'acme', role: 'full-access' }],
      });
      expect(local).toMatchObject({
        userName: 'Ada@Example.com',
        status: 'PROVISIONED',
        active: true,
        email: 'Ada@Example.com',
        sdkAccess: true,
        preferredLanguage: 'es',
        enterprise: { employeeNumber: 'E-1', department: 'Metering', manager: { value: 'boss-id', displayName: 'Boss' } },
        memberships: [{ organization: { slug: 'acme' }, role: 'full-access', sources: [{ type: 'direct', role: 'full-access' }] }],
        version: 1,
      });
      expect(local.emails.map((e) => [e.value, e.primary])).toEqual([['ada.home@example.com', false], ['Ada@Example.com', true]]);
      const sso = await aUser(deps.ctx, { directory: 'entra' });
      expect(sso.status).toBe('ACTIVE');
    });

    it('creates a user INACTIVE when asked (SCIM active=false), remembering where to return', async () => {
      const user = await aUser(deps.ctx, { directory: 'entra', active: false });
      expect(user).toMatchObject({ status: 'INACTIVE', active: false });
      expect((await reactivateAccount(deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
    });

    it('keeps userName unique per directory ignoring case, but allows it in another directory', async () => {
      await aUser(deps.ctx, { userName: 'grace@example.com' });
      await expect(aUser(deps.ctx, { userName: 'GRACE@example.com' })).rejects.toMatchObject({ code: 'user.username_taken', kind: 'conflict', field: 'userName' });
      await expect(aUser(deps.ctx, { userName: 'Grace@Example.com', directory: 'entra' })).resolves.toMatchObject({ userName: 'Grace@Example.com' });
    });

    it('gives exactly one user when the same userName is created concurrently', async () => {
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => aUser(deps.ctx, { userName: 'race@example.com' })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(5).fill('user.username_taken'));
      expect(await deps.db.models.User.count({ where: { userNameNormalized: 'race@example.com' } })).toBe(1);
    });

    it('refuses bad input with the field at fault and writes nothing', async () => {
      const before = await deps.db.models.User.count();
      await expect(aUser(deps.ctx, { userName: 'x@example.com', attributes: { userName: 'x@example.com', emails: [{ value: 'not-an-email' }] } })).rejects.toMatchObject({ field: 'emails.0.value' });
      await expect(aUser(deps.ctx, { userName: 'y@example.com', memberships: [{ organization: 'acme', role: 'administrator' }] })).rejects.toMatchObject({ code: 'role.unknown' });
      await expect(aUser(deps.ctx, { userName: 'z'.repeat(300) })).rejects.toMatchObject({ field: 'userName' });
      expect(await deps.db.models.User.count()).toBe(before);
    });
  });

  describe('updateUser', () => {
    it('changes only what is given, bumps the version and audits before and after', async () => {
      const user = await aUser(deps.ctx);
      deps.clock.advance(60_000);
      const updated = await updateAccount(deps.ctx, testOperator, user.id, { title: 'Manager', name: { givenName: 'New', familyName: 'Name' } });
      expect(updated).toMatchObject({ title: 'Manager', name: { givenName: 'New', familyName: 'Name' }, userName: user.userName, version: 2 });
      expect(new Date(updated.updatedAt).getTime()).toBeGreaterThan(new Date(user.updatedAt).getTime());
      const { events } = await listAuditEvents(deps.ctx, testOperator, { userId: user.id, action: 'user.updated' });
      expect(events[0]?.details).toMatchObject({ before: { title: null, givenName: user.name.givenName }, after: { title: 'Manager', givenName: 'New' } });
    });

    it('clears an attribute with null and replaces emails as a whole', async () => {
      const user = await aUser(deps.ctx, { attributes: { userName: 'lists@example.com', title: 'T', emails: [{ value: 'a@example.com' }, { value: 'b@example.com' }] } });
      const updated = await updateAccount(deps.ctx, testOperator, user.id, { title: null, emails: [{ value: 'c@example.com', primary: true }] });
      expect(updated.title).toBeNull();
      expect(updated.emails).toEqual([{ value: 'c@example.com', type: null, primary: true, display: null }]);
      expect(updated.email).toBe('c@example.com');
    });

    it('refuses a stale version (If-Match) and keeps the newer data', async () => {
      const user = await aUser(deps.ctx);
      await updateAccount(deps.ctx, testOperator, user.id, { title: 'First' }, { expectedVersion: 1 });
      await expect(updateAccount(deps.ctx, testOperator, user.id, { title: 'Second' }, { expectedVersion: 1 })).rejects.toMatchObject({ kind: 'precondition_failed' });
      expect((await getAccount(deps.ctx, testOperator, user.id)).title).toBe('First');
    });

    it('refuses a rename onto a taken userName', async () => {
      const a = await aUser(deps.ctx);
      const b = await aUser(deps.ctx);
      await expect(updateAccount(deps.ctx, testOperator, b.id, { userName: a.userName.toUpperCase() })).rejects.toMatchObject({ code: 'user.username_taken' });
    });
  });

  describe('scope', () => {
    it('answers "not found" for a user outside the caller\'s directory or organizations', async () => {
      const entra = await deps.db.models.Directory.findOne({ where: { name: 'entra' } });
      const inAcme = await aUser(deps.ctx, { memberships: [{ organization: 'acme', role: 'standard-user' }] });
      const inRiver = await aUser(deps.ctx, { memberships: [{ organization: 'river', role: 'viewer' }] });
      const acmeAdmin = await organizationAdministrator(deps.ctx, { acme: 'full-access' });
      const entraToken = await scimToken(deps.ctx, entra!.name);
      await expect(getAccount(deps.ctx, acmeAdmin, inAcme.id)).resolves.toMatchObject({ id: inAcme.id });
      await expect(getAccount(deps.ctx, acmeAdmin, inRiver.id)).rejects.toMatchObject({ kind: 'not_found', code: 'user.not_found' });
      await expect(getAccount(deps.ctx, entraToken, inAcme.id)).rejects.toMatchObject({ kind: 'not_found' });
      await expect(updateAccount(deps.ctx, acmeAdmin, inRiver.id, { title: 'x' })).rejects.toMatchObject({ kind: 'not_found' });
    });
  });

  describe('status changes', () => {
    it('deactivates, reactivates without loss, locks and unlocks, auditing each', async () => {
      const user = await aUser(deps.ctx, { directory: 'entra' });
      expect((await deactivateAccount(deps.ctx, testOperator, user.id)).status).toBe('INACTIVE');
      expect((await reactivateAccount(deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
      expect((await lockAccount(deps.ctx, testOperator, user.id)).status).toBe('LOCKED_BY_ADMIN');
      await expect(lockAccount(deps.ctx, testOperator, user.id)).rejects.toMatchObject({ code: 'user.transition_refused', message: 'The user is locked by an administrator; unlock the user first.' });
      expect((await unlockAccount(deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
      const { events } = await listAuditEvents(deps.ctx, testOperator, { userId: user.id });
      expect(events.map((e) => e.action).reverse()).toEqual(['user.created', 'user.deactivated', 'user.reactivated', 'user.locked', 'user.unlocked']);
      expect(events[0]?.details).toMatchObject({ before: { status: 'LOCKED_BY_ADMIN' }, after: { status: 'ACTIVE' } });
    });

    it('treats SCIM active=true on an active user as nothing to do', async () => {
      const user = await aUser(deps.ctx, { directory: 'entra' });
      const same = await setAccountActive(deps.ctx, testOperator, user.id, true);
      expect(same.version).toBe(user.version);
      expect((await setAccountActive(deps.ctx, testOperator, user.id, false)).status).toBe('INACTIVE');
    });
  });

  describe('memberships', () => {
    it('lets a direct role and a group role coexist and shows each source', async () => {
      const user = await aUser(deps.ctx, { memberships: [{ organization: 'river', role: 'viewer' }] });
      const changed = await grantMembership(deps.ctx, testOperator, user.id, { organization: 'river', role: 'operator' });
      expect(changed.memberships).toEqual([expect.objectContaining({ role: 'operator', sources: [{ type: 'direct', role: 'operator' }] })]);
      const removed = await removeMembership(deps.ctx, testOperator, user.id, { organization: 'river' });
      expect(removed.memberships).toEqual([]);
      await expect(removeMembership(deps.ctx, testOperator, user.id, { organization: 'river' })).rejects.toMatchObject({ kind: 'not_found' });
    });
  });

  describe('deleteUser', () => {
    it('removes the user for good, with memberships, and audits what it was', async () => {
      const user = await aUser(deps.ctx, { memberships: [{ organization: 'acme', role: 'full-access' }] });
      await deleteAccount(deps.ctx, testOperator, user.id);
      await expect(getAccount(deps.ctx, testOperator, user.id)).rejects.toMatchObject({ kind: 'not_found' });
      expect(await deps.db.models.Membership.count({ where: { userId: user.id } })).toBe(0);
      expect(await deps.db.models.UserEmail.count({ where: { userId: user.id } })).toBe(0);
      const { events } = await listAuditEvents(deps.ctx, testOperator, { userId: user.id, action: 'user.deleted' });
      expect(events[0]?.details).toMatchObject({ before: { userName: user.userName, memberships: [{ organization: 'acme', role: 'full-access' }] } });
    });
  });

  describe('listUsers', () => {
    it('filters by organization and status and counts the total', async () => {
      const org = await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Listed', slug: 'listed' });
      const a = await aUser(deps.ctx, { memberships: [{ organization: 'listed', role: 'standard-user' }] });
      const b = await aUser(deps.ctx, { directory: 'entra', memberships: [{ organization: 'listed', role: 'full-access' }] });
      await aUser(deps.ctx);
      const all = await listAccountSummaries(deps.ctx, testOperator, { organizationId: org.id });
      expect(all.total).toBe(2);
      expect(all.users.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      const active = await listAccountSummaries(deps.ctx, testOperator, { organizationId: org.id, status: 'ACTIVE' });
      expect(active.users.map((u) => u.id)).toEqual([b.id]);
      expect(active.users[0]?.memberships).toEqual([{ organization: 'listed', role: 'full-access' }]);
    });
  });
});
