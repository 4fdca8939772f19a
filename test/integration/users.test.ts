import { listAuditEvents } from '../../src/identity/audit.js';
import { createDirectory } from '../../src/identity/directories.js';
import { addDirectMembership, removeDirectMembership } from '../../src/identity/memberships.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { deactivateUser, lockUser, reactivateUser, setUserActive, unlockUser } from '../../src/identity/userLifecycle.js';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../src/identity/users.js';
import { openTestDeps, testActor, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('users', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testActor, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(deps.ctx, testActor, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createDirectory(deps.ctx, testActor, { kind: 'sso', name: 'entra', organizations: ['acme'] });
  });
  afterAll(() => deps.close());

  describe('createUser', () => {
    it('creates a local user PROVISIONED and an SSO user ACTIVE, with SCIM core and enterprise attributes', async () => {
      const local = await createUser(deps.ctx, testActor, {
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
      expect((await reactivateUser(deps.ctx, testActor, user.id)).status).toBe('ACTIVE');
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
      const updated = await updateUser(deps.ctx, testActor, user.id, { title: 'Manager', name: { givenName: 'New', familyName: 'Name' } });
      expect(updated).toMatchObject({ title: 'Manager', name: { givenName: 'New', familyName: 'Name' }, userName: user.userName, version: 2 });
      expect(new Date(updated.updatedAt).getTime()).toBeGreaterThan(new Date(user.updatedAt).getTime());
      const { events } = await listAuditEvents(deps.ctx, { userId: user.id, action: 'user.updated' });
      expect(events[0]?.details).toMatchObject({ before: { title: null, givenName: user.name.givenName }, after: { title: 'Manager', givenName: 'New' } });
    });

    it('clears an attribute with null and replaces emails as a whole', async () => {
      const user = await aUser(deps.ctx, { attributes: { userName: 'lists@example.com', title: 'T', emails: [{ value: 'a@example.com' }, { value: 'b@example.com' }] } });
      const updated = await updateUser(deps.ctx, testActor, user.id, { title: null, emails: [{ value: 'c@example.com', primary: true }] });
      expect(updated.title).toBeNull();
      expect(updated.emails).toEqual([{ value: 'c@example.com', type: null, primary: true, display: null }]);
      expect(updated.email).toBe('c@example.com');
    });

    it('refuses a stale version (If-Match) and keeps the newer data', async () => {
      const user = await aUser(deps.ctx);
      await updateUser(deps.ctx, testActor, user.id, { title: 'First' }, { expectedVersion: 1 });
      await expect(updateUser(deps.ctx, testActor, user.id, { title: 'Second' }, { expectedVersion: 1 })).rejects.toMatchObject({ kind: 'precondition_failed' });
      expect((await getUser(deps.ctx, user.id)).title).toBe('First');
    });

    it('refuses a rename onto a taken userName', async () => {
      const a = await aUser(deps.ctx);
      const b = await aUser(deps.ctx);
      await expect(updateUser(deps.ctx, testActor, b.id, { userName: a.userName.toUpperCase() })).rejects.toMatchObject({ code: 'user.username_taken' });
    });
  });

  describe('scope', () => {
    it('answers "not found" for a user outside the caller\'s directory or organizations', async () => {
      const entra = await deps.db.models.Directory.findOne({ where: { name: 'entra' } });
      const inAcme = await aUser(deps.ctx, { memberships: [{ organization: 'acme', role: 'standard-user' }] });
      const inRiver = await aUser(deps.ctx, { memberships: [{ organization: 'river', role: 'viewer' }] });
      const acme = await deps.db.models.Organization.findOne({ where: { slug: 'acme' } });
      await expect(getUser(deps.ctx, inAcme.id, { organizationIds: [acme!.id] })).resolves.toMatchObject({ id: inAcme.id });
      await expect(getUser(deps.ctx, inRiver.id, { organizationIds: [acme!.id] })).rejects.toMatchObject({ kind: 'not_found', code: 'user.not_found' });
      await expect(getUser(deps.ctx, inAcme.id, { directoryId: entra!.id })).rejects.toMatchObject({ kind: 'not_found' });
      await expect(updateUser(deps.ctx, testActor, inRiver.id, { title: 'x' }, { scope: { organizationIds: [acme!.id] } })).rejects.toMatchObject({ kind: 'not_found' });
    });
  });

  describe('status changes', () => {
    it('deactivates, reactivates without loss, locks and unlocks, auditing each', async () => {
      const user = await aUser(deps.ctx, { directory: 'entra' });
      expect((await deactivateUser(deps.ctx, testActor, user.id)).status).toBe('INACTIVE');
      expect((await reactivateUser(deps.ctx, testActor, user.id)).status).toBe('ACTIVE');
      expect((await lockUser(deps.ctx, testActor, user.id)).status).toBe('LOCKED_BY_ADMIN');
      await expect(lockUser(deps.ctx, testActor, user.id)).rejects.toMatchObject({ code: 'user.transition_refused', message: 'The user is locked by an administrator; unlock the user first.' });
      expect((await unlockUser(deps.ctx, testActor, user.id)).status).toBe('ACTIVE');
      const { events } = await listAuditEvents(deps.ctx, { userId: user.id });
      expect(events.map((e) => e.action).reverse()).toEqual(['user.created', 'user.deactivated', 'user.reactivated', 'user.locked', 'user.unlocked']);
      expect(events[0]?.details).toMatchObject({ before: { status: 'LOCKED_BY_ADMIN' }, after: { status: 'ACTIVE' } });
    });

    it('treats SCIM active=true on an active user as nothing to do', async () => {
      const user = await aUser(deps.ctx, { directory: 'entra' });
      const same = await setUserActive(deps.ctx, testActor, user.id, true);
      expect(same.version).toBe(user.version);
      expect((await setUserActive(deps.ctx, testActor, user.id, false)).status).toBe('INACTIVE');
    });
  });

  describe('memberships', () => {
    it('lets a direct role and a group role coexist and shows each source', async () => {
      const user = await aUser(deps.ctx, { memberships: [{ organization: 'river', role: 'viewer' }] });
      const changed = await addDirectMembership(deps.ctx, testActor, { userId: user.id, organization: 'river', role: 'operator' });
      expect(changed.memberships).toEqual([expect.objectContaining({ role: 'operator', sources: [{ type: 'direct', role: 'operator' }] })]);
      const removed = await removeDirectMembership(deps.ctx, testActor, { userId: user.id, organization: 'river' });
      expect(removed.memberships).toEqual([]);
      await expect(removeDirectMembership(deps.ctx, testActor, { userId: user.id, organization: 'river' })).rejects.toMatchObject({ kind: 'not_found' });
    });
  });

  describe('deleteUser', () => {
    it('removes the user for good, with memberships, and audits what it was', async () => {
      const user = await aUser(deps.ctx, { memberships: [{ organization: 'acme', role: 'full-access' }] });
      await deleteUser(deps.ctx, testActor, user.id);
      await expect(getUser(deps.ctx, user.id)).rejects.toMatchObject({ kind: 'not_found' });
      expect(await deps.db.models.Membership.count({ where: { userId: user.id } })).toBe(0);
      expect(await deps.db.models.UserEmail.count({ where: { userId: user.id } })).toBe(0);
      const { events } = await listAuditEvents(deps.ctx, { userId: user.id, action: 'user.deleted' });
      expect(events[0]?.details).toMatchObject({ before: { userName: user.userName, memberships: [{ organization: 'acme', role: 'full-access' }] } });
    });
  });

  describe('listUsers', () => {
    it('filters by organization and status and counts the total', async () => {
      const org = await createOrganization(deps.ctx, testActor, { kind: 'customer', name: 'Listed', slug: 'listed' });
      const a = await aUser(deps.ctx, { memberships: [{ organization: 'listed', role: 'standard-user' }] });
      const b = await aUser(deps.ctx, { directory: 'entra', memberships: [{ organization: 'listed', role: 'full-access' }] });
      await aUser(deps.ctx);
      const all = await listUsers(deps.ctx, { organizationId: org.id });
      expect(all.total).toBe(2);
      expect(all.users.map((u) => u.id).sort()).toEqual([a.id, b.id].sort());
      const active = await listUsers(deps.ctx, { organizationId: org.id, status: 'ACTIVE' });
      expect(active.users.map((u) => u.id)).toEqual([b.id]);
      expect(active.users[0]?.memberships).toEqual([{ organization: 'listed', role: 'full-access' }]);
    });
  });
});
