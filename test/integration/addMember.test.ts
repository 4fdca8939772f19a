import path from 'node:path';
import { addMemberByEmail, MEMBER_LOOKUP_LIMIT } from '../../src/identity/accounts/addMember.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { createPlatformAdmin } from '../../src/identity/accounts/platformAdmins.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { loadAdminPrincipal, type AdminPrincipal } from '../../src/identity/principal.js';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { GOOD_PASSWORD } from '../helpers/accounts.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';
import { organizationAdministrator, scimToken } from '../helpers/principals.js';
import { fixtureKey } from '../helpers/samlIdp.js';

/**
 * Adding an existing person to an organization by their address (the bill-management product's "Add user"), at the
 * domain level: the policy of membership.grant (never above the administrator's own role), local users only, the
 * notification through the outbox and a real SMTP server, and the audit of every lookup.
 */
describe('addMemberByEmail', () => {
  let t: TestApp;
  let supervisor: AdminPrincipal;
  let platform: AdminPrincipal;
  const ids: Record<string, string> = {};

  const local = async (email: string, memberships: Array<{ organization: string; role: string }>, options: { activate?: boolean; language?: 'en' | 'es' } = {}) =>
    (
      await createAccount(t.deps.ctx, testOperator, {
        directory: 'local',
        attributes: { userName: email, name: { givenName: email.split('.')[0]!, familyName: 'Tester' }, emails: [{ value: email, primary: true }], ...(options.language ? { preferredLanguage: options.language } : {}) },
        memberships,
        ...(options.activate === false ? {} : { password: GOOD_PASSWORD }),
      })
    ).id;

  const lookups = async (email: string) =>
    (await listAuditEvents(t.deps.ctx, testOperator, { action: 'membership.lookup_by_email', limit: 1000 })).events.filter((e) => (e.details as { email?: string } | null)?.email === email);

  beforeAll(async () => {
    t = await openTestApp({ roles: { catalogFile: path.resolve('test/fixtures/roles-labelled.json') } });
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: 'lake' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    await configureSaml(ctx, testOperator, 'okta', { entityId: 'https://idp.acme.test', ssoUrl: 'https://idp.acme.test/sso', certificates: [fixtureKey('idp').cert], domains: ['acme-sso.test'] });
    ids.sam = await local('sam.rivera@lake.test', [{ organization: 'lake', role: 'supervisor' }], { language: 'es' });
    ids.pat = await local('pat.new@lake.test', [{ organization: 'lake', role: 'viewer' }], { activate: false });
    ids.ana = await local('ana.peer@lake.test', [{ organization: 'lake', role: 'viewer' }]);
    ids.sso = (await createAccount(ctx, testOperator, { directory: 'okta', attributes: { userName: 'carla@acme-sso.test', emails: [{ value: 'carla@acme-sso.test' }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] })).id;
    const root = await createPlatformAdmin(ctx, testOperator, { email: 'root@platform.test', name: 'Root' });
    ids.root = root.user.id;
    await t.deps.db.models.User.update({ status: 'ACTIVE' }, { where: { id: root.user.id } });
    platform = (await loadAdminPrincipal(ctx, root.user.id))!;
    supervisor = await organizationAdministrator(ctx, { river: 'supervisor' }, 'river-supervisor');
    await t.deliver();
    t.mailbox.clear();
  });
  afterAll(() => t?.close());

  it('adds a local user of another organization with the catalog default role, and emails them in their language', async () => {
    const result = await addMemberByEmail(t.deps.ctx, supervisor, { email: ' Sam.Rivera@LAKE.test ', organization: 'river' });
    expect(result).toMatchObject({ outcome: 'added', notified: true, role: 'viewer', organization: { slug: 'river', name: 'River Water' } });
    const user = await getAccount(t.deps.ctx, testOperator, ids.sam!);
    expect(user.memberships.map((m) => [m.organization.slug, m.role]).sort()).toEqual([['lake', 'supervisor'], ['river', 'viewer']]);
    // Now in the administrator's sight.
    expect((await getAccount(t.deps.ctx, supervisor, ids.sam!)).id).toBe(ids.sam);

    await t.deliver();
    const mail = t.mailbox.last('sam.rivera@lake.test');
    expect(mail.subject).toBe('Ahora tiene acceso a River Water');
    expect(mail.text).toContain('con el rol Lector');
    expect(mail.text).toContain('/sign-in');

    const added = (await listAuditEvents(t.deps.ctx, testOperator, { userId: ids.sam!, action: 'membership.added' })).events;
    expect(added[0]).toMatchObject({ actor: { id: 'river-supervisor' }, details: { organization: 'river', after: { role: 'viewer' }, foundByEmail: true } });
  });

  it('changes nothing for someone already in the organization', async () => {
    t.mailbox.clear();
    const result = await addMemberByEmail(t.deps.ctx, supervisor, { email: 'sam.rivera@lake.test', organization: 'river', role: 'supervisor' });
    expect(result).toMatchObject({ outcome: 'already_member' });
    expect((await getAccount(t.deps.ctx, testOperator, ids.sam!)).memberships.find((m) => m.organization.slug === 'river')?.role).toBe('viewer');
    await t.deliver();
    expect(t.mailbox.to('sam.rivera@lake.test')).toHaveLength(0);
    expect((await lookups('sam.rivera@lake.test')).map((e) => (e.details as { outcome: string }).outcome)).toEqual(['already_member']);
  });

  it('refuses a role above the administrator\'s own before looking the address up', async () => {
    await expect(addMemberByEmail(t.deps.ctx, supervisor, { email: 'ana.peer@lake.test', organization: 'river', role: 'administrator' })).rejects.toMatchObject({ code: 'admin.role_above_own' });
    expect((await getAccount(t.deps.ctx, testOperator, ids.ana!)).memberships.map((m) => m.organization.slug)).toEqual(['lake']);
    expect(await lookups('ana.peer@lake.test')).toEqual([]);
    // Its own role is fine.
    expect(await addMemberByEmail(t.deps.ctx, supervisor, { email: 'ana.peer@lake.test', organization: 'river', role: 'supervisor' })).toMatchObject({ outcome: 'added', role: 'supervisor' });
  });

  it('lets a platform administrator give any role, and emails no one whose account is not active yet', async () => {
    t.mailbox.clear();
    const result = await addMemberByEmail(t.deps.ctx, platform, { email: 'pat.new@lake.test', organization: 'river', role: 'administrator' });
    expect(result).toMatchObject({ outcome: 'added', notified: false, role: 'administrator' });
    expect((await getAccount(t.deps.ctx, testOperator, ids.pat!)).memberships.find((m) => m.organization.slug === 'river')?.role).toBe('administrator');
    await t.deliver();
    expect(t.mailbox.to('pat.new@lake.test')).toHaveLength(0);
  });

  it('answers that no account uses an unknown address, and records the lookup', async () => {
    const result = await addMemberByEmail(t.deps.ctx, supervisor, { email: 'nobody@lake.test', organization: 'river' });
    expect(result).toEqual({ outcome: 'no_account', email: 'nobody@lake.test', organization: { slug: 'river', name: 'River Water', kind: 'utility' }, role: 'viewer' });
    const [event] = await lookups('nobody@lake.test');
    expect(event).toMatchObject({ actor: { id: 'river-supervisor' }, organizationId: expect.any(String), userId: null, details: { organization: 'river', outcome: 'no_account' } });
    // The organization's administrators see it in its audit log.
    expect((await listAuditEvents(t.deps.ctx, supervisor, { action: 'membership.lookup_by_email' })).events.some((e) => e.id === event!.id)).toBe(true);
  });

  it('refuses an address that signs in through an SSO directory, whether or not someone has it', async () => {
    for (const email of ['carla@acme-sso.test', 'unknown@acme-sso.test']) {
      await expect(addMemberByEmail(t.deps.ctx, platform, { email, organization: 'river' })).rejects.toMatchObject({ code: 'membership.sso_address', field: 'email' });
    }
    expect((await getAccount(t.deps.ctx, testOperator, ids.sso!)).memberships.map((m) => m.organization.slug)).toEqual(['acme']);
  });

  it('keeps a platform administrator out of reach below platform level, on record', async () => {
    await expect(addMemberByEmail(t.deps.ctx, supervisor, { email: 'root@platform.test', organization: 'river' })).rejects.toMatchObject({ code: 'policy.target_above' });
    expect((await getAccount(t.deps.ctx, testOperator, ids.root!)).memberships).toEqual([]);
    expect((await lookups('root@platform.test')).map((e) => (e.details as { outcome: string }).outcome)).toEqual(['refused']);
  });

  it('refuses an organization the administrator does not manage, and a SCIM token', async () => {
    await expect(addMemberByEmail(t.deps.ctx, supervisor, { email: 'ana.peer@lake.test', organization: 'lake' })).rejects.toMatchObject({ code: 'organization.not_found' });
    await expect(addMemberByEmail(t.deps.ctx, await scimToken(t.deps.ctx, 'local', 'river'), { email: 'pat.new@lake.test', organization: 'river' })).rejects.toMatchObject({ code: 'policy.denied' });
  });

  it('limits the lookups of an administrator below platform level per hour', async () => {
    const admin = await organizationAdministrator(t.deps.ctx, { river: 'administrator' }, 'busy-admin');
    for (let i = 0; i < MEMBER_LOOKUP_LIMIT.limit; i++) await addMemberByEmail(t.deps.ctx, admin, { email: `probe${i}@lake.test`, organization: 'river' });
    await expect(addMemberByEmail(t.deps.ctx, admin, { email: 'probe-last@lake.test', organization: 'river' })).rejects.toMatchObject({ kind: 'too_many', code: 'membership.lookup_limit' });
    // Others are not held up, and the next hour counts afresh.
    expect(await addMemberByEmail(t.deps.ctx, supervisor, { email: 'probe-last@lake.test', organization: 'river' })).toMatchObject({ outcome: 'no_account' });
    t.deps.clock.advance(MEMBER_LOOKUP_LIMIT.windowMs);
    expect(await addMemberByEmail(t.deps.ctx, admin, { email: 'probe-last@lake.test', organization: 'river' })).toMatchObject({ outcome: 'no_account' });
  }, scaled(60_000));
});
