import { listAuditEvents } from '../../src/identity/auditLog.js';
import { createDirectory, deleteDirectory, linkOrganization, listDirectories, unlinkOrganization } from '../../src/identity/directories.js';
import { createOrganization, deleteOrganization, getOrganization, listOrganizations, updateOrganization } from '../../src/identity/organizations.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('organizations', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('creates an organization with policy overrides and records who did it', async () => {
    const org = await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river-water', policy: { mfaRequired: true, passwordResetTtlHours: 48 } });
    expect(org).toMatchObject({ kind: 'utility', name: 'River Water', slug: 'river-water', policy: { mfaRequired: true, passwordResetTtlHours: 48 } });
    const { events } = await listAuditEvents(deps.ctx, testOperator, { organizationId: org.id });
    expect(events[0]).toMatchObject({ action: 'organization.created', actor: { type: 'operator', label: 'test' } });
  });

  it('refuses a second organization with the same slug and keeps the first', async () => {
    await expect(createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Other', slug: 'river-water' })).rejects.toMatchObject({ code: 'organization.slug_taken', kind: 'conflict' });
    expect((await getOrganization(deps.ctx, testOperator, 'river-water')).name).toBe('River Water');
  });

  it('explains what is wrong with bad input', async () => {
    await expect(createOrganization(deps.ctx, testOperator, { kind: 'bank' as 'utility', name: 'X', slug: 'x' })).rejects.toMatchObject({ field: 'kind', message: 'kind: must be "utility" or "customer"' });
    await expect(createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'X', slug: 'Has Spaces' })).rejects.toMatchObject({ field: 'slug' });
    await expect(createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'X', slug: 'x', policy: { mfaRequired: 'yes' as unknown as boolean } })).rejects.toMatchObject({ field: 'policy.mfaRequired' });
  });

  it('updates the name and policy, auditing before and after', async () => {
    const updated = await updateOrganization(deps.ctx, testOperator, 'river-water', { name: 'River Water Co.', policy: { mfaRequired: false } });
    expect(updated).toMatchObject({ name: 'River Water Co.', policy: { mfaRequired: false } });
    const { events } = await listAuditEvents(deps.ctx, testOperator, { action: 'organization.updated' });
    expect(events[0]?.details).toMatchObject({ before: { name: 'River Water' }, after: { name: 'River Water Co.' } });
  });

  it('deletes an organization with its memberships but keeps the users', async () => {
    const org = await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Gone', slug: 'gone' });
    const user = await aUser(deps.ctx, { memberships: [{ organization: 'gone', role: 'full-access' }] });
    await deleteOrganization(deps.ctx, testOperator, org.id);
    expect((await listOrganizations(deps.ctx, testOperator)).map((o) => o.slug)).not.toContain('gone');
    expect(await deps.db.models.User.findByPk(user.id)).not.toBeNull();
    expect(await deps.db.models.Membership.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe('directories', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'Lake Power', slug: 'lake-power' });
  });
  afterAll(() => deps.close());

  it('creates an SSO directory linked to organizations', async () => {
    const directory = await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'okta-acme', organizations: ['acme'] });
    expect(directory).toMatchObject({ kind: 'sso', name: 'okta-acme', organizations: [{ slug: 'acme' }] });
  });

  it('refuses a second local directory and a duplicate name', async () => {
    await expect(createDirectory(deps.ctx, testOperator, { kind: 'local', name: 'local-2' })).rejects.toMatchObject({ code: 'directory.local_exists' });
    await expect(createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'okta-acme' })).rejects.toMatchObject({ code: 'directory.name_taken' });
    expect((await listDirectories(deps.ctx, testOperator)).map((d) => d.name)).toEqual(['local', 'okta-acme']);
  });

  it('links and unlinks organizations', async () => {
    expect((await linkOrganization(deps.ctx, testOperator, { directory: 'okta-acme', organization: 'lake-power' })).organizations.map((o) => o.slug)).toEqual(['acme', 'lake-power']);
    expect((await linkOrganization(deps.ctx, testOperator, { directory: 'okta-acme', organization: 'lake-power' })).organizations).toHaveLength(2);
    expect((await unlinkOrganization(deps.ctx, testOperator, { directory: 'okta-acme', organization: 'lake-power' })).organizations.map((o) => o.slug)).toEqual(['acme']);
    await expect(unlinkOrganization(deps.ctx, testOperator, { directory: 'okta-acme', organization: 'lake-power' })).rejects.toMatchObject({ code: 'directory.not_linked' });
  });

  it('refuses to delete the local directory or a directory that still has users', async () => {
    await expect(deleteDirectory(deps.ctx, testOperator, 'local')).rejects.toMatchObject({ code: 'directory.local_required' });
    await aUser(deps.ctx, { directory: 'okta-acme' });
    await expect(deleteDirectory(deps.ctx, testOperator, 'okta-acme')).rejects.toMatchObject({ code: 'directory.has_users' });
  });
});
