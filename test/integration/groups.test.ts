import { grantMembership } from '../../src/identity/accounts/memberships.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { changeGroup } from '../../src/identity/groupChanges.js';
import { createGroup, deleteGroup, getGroup } from '../../src/identity/groups.js';
import { createRoleMapping, deleteRoleMapping, updateRoleMapping } from '../../src/identity/roleMappings.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('groups and role mappings', () => {
  let deps: TestDeps;
  let users: string[];

  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Unlinked', slug: 'unlinked' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['river', 'acme'] });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'other' });
    users = [];
    for (let i = 0; i < 4; i++) users.push((await aUser(deps.ctx, { directory: 'okta' })).id);
  });
  afterAll(() => deps.close());

  const rolesOf = async (userId: string) => (await getAccount(deps.ctx, testOperator, userId)).memberships.map((m) => `${m.organization.slug}:${m.role}`);
  const addMembers = async (groupId: string, userIds: string[]) => ({ added: (await changeGroup(deps.ctx, testOperator, groupId, [{ type: 'addMembers', userIds }])).added });
  const removeMembers = (groupId: string, userIds: string[]) => changeGroup(deps.ctx, testOperator, groupId, [{ type: 'removeMembers', userIds }]);
  const replaceMembers = async (groupId: string, userIds: string[]) => {
    const { added, removed } = await changeGroup(deps.ctx, testOperator, groupId, [{ type: 'replaceMembers', userIds }]);
    return { added, removed };
  };
  const rename = (groupId: string, displayName: string, options: { expectedVersion?: number } = {}) => changeGroup(deps.ctx, testOperator, groupId, [{ type: 'attributes', displayName }], options);

  it('creates a group with members, and adding an existing member changes nothing', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Water Operators', externalId: 'ext-1', members: [users[0]!, users[1]!] });
    expect(group.members?.map((m) => m.value).sort()).toEqual([users[0], users[1]].sort());
    expect(await addMembers(group.id, [users[0]!, users[0]!])).toEqual({ added: 0 });
    expect((await getGroup(deps.ctx, testOperator, group.id)).members).toHaveLength(2);
  });

  it('refuses members from another directory, names them, and adds none', async () => {
    const stranger = await aUser(deps.ctx, { directory: 'other' });
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Strict' });
    await expect(addMembers(group.id, [users[2]!, stranger.id])).rejects.toMatchObject({ code: 'group.unknown_members', message: expect.stringContaining(stranger.id) });
    expect((await getGroup(deps.ctx, testOperator, group.id)).members).toEqual([]);
  });

  it('keeps group names unique per directory ignoring case', async () => {
    await expect(createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'WATER OPERATORS' })).rejects.toMatchObject({ code: 'group.name_taken' });
  });

  it('gives members the mapped role at once, and takes it away when they leave the group', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'River Admins', members: [users[0]!] });
    const mapping = await createRoleMapping(deps.ctx, testOperator, { directory: 'okta', matchType: 'displayName', matchValue: 'river admins', organization: 'river', role: 'administrator' });
    expect(await rolesOf(users[0]!)).toEqual(['river:administrator']);
    await addMembers(group.id, [users[1]!]);
    expect(await rolesOf(users[1]!)).toEqual(['river:administrator']);
    await removeMembers(group.id, [users[0]!]);
    expect(await rolesOf(users[0]!)).toEqual([]);
    await deleteRoleMapping(deps.ctx, testOperator, mapping.id);
    expect(await rolesOf(users[1]!)).toEqual([]);
  });

  it('takes the highest role when a direct role and group roles meet, and shows every source', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Acme Admins', members: [users[2]!] });
    await grantMembership(deps.ctx, testOperator, users[2]!, { organization: 'acme', role: 'standard-user' });
    await createRoleMapping(deps.ctx, testOperator, { directory: 'okta', matchType: 'pattern', matchValue: 'acme *', organization: 'acme', role: 'full-access' });
    const view = await getAccount(deps.ctx, testOperator, users[2]!);
    expect(view.memberships).toEqual([
      expect.objectContaining({
        organization: expect.objectContaining({ slug: 'acme' }),
        role: 'full-access',
        canManageUsers: true,
        sources: expect.arrayContaining([{ type: 'direct', role: 'standard-user' }, expect.objectContaining({ type: 'group', role: 'full-access', group: { id: group.id, displayName: 'Acme Admins' } })]),
      }),
    ]);
    await deleteGroup(deps.ctx, testOperator, group.id);
    expect(await rolesOf(users[2]!)).toEqual(['acme:standard-user']);
  });

  it('re-evaluates mappings when a group is renamed', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Temp', members: [users[3]!] });
    await createRoleMapping(deps.ctx, testOperator, { directory: 'okta', matchType: 'displayName', matchValue: 'River Viewers', organization: 'river', role: 'viewer' });
    expect(await rolesOf(users[3]!)).toEqual([]);
    await rename(group.id, 'River Viewers');
    expect(await rolesOf(users[3]!)).toEqual(['river:viewer']);
    await rename(group.id, 'Not Mapped');
    expect(await rolesOf(users[3]!)).toEqual([]);
  });

  it('re-evaluates members when a mapping changes role', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Ops', externalId: 'ops-ext', members: [users[3]!] });
    const mapping = await createRoleMapping(deps.ctx, testOperator, { directory: 'okta', matchType: 'externalId', matchValue: 'ops-ext', organization: 'river', role: 'viewer' });
    await updateRoleMapping(deps.ctx, testOperator, mapping.id, { role: 'operator' });
    expect(await rolesOf(users[3]!)).toEqual(['river:operator']);
    await deleteGroup(deps.ctx, testOperator, group.id);
  });

  it('refuses a mapping into an organization the directory is not linked to, or to an unknown role', async () => {
    await expect(createRoleMapping(deps.ctx, testOperator, { directory: 'okta', matchType: 'displayName', matchValue: 'X', organization: 'unlinked', role: 'full-access' })).rejects.toMatchObject({ code: 'role_mapping.not_linked' });
    await expect(createRoleMapping(deps.ctx, testOperator, { directory: 'okta', matchType: 'displayName', matchValue: 'X', organization: 'acme', role: 'viewer' })).rejects.toMatchObject({ code: 'role.unknown' });
  });

  it('replaces members with exactly the given set, and rolls back entirely on a bad id', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Replace Me', members: [users[0]!, users[1]!] });
    expect(await replaceMembers(group.id, [users[1]!, users[2]!])).toEqual({ added: 1, removed: 1 });
    expect((await getGroup(deps.ctx, testOperator, group.id)).members?.map((m) => m.value).sort()).toEqual([users[1], users[2]].sort());
    await expect(replaceMembers(group.id, [users[0]!, 'no-such-user'])).rejects.toMatchObject({ code: 'group.unknown_members' });
    expect((await getGroup(deps.ctx, testOperator, group.id)).members?.map((m) => m.value).sort()).toEqual([users[1], users[2]].sort());
  });

  it('loses no member when two additions to one group run at the same time', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Concurrent' });
    const extra: string[] = [];
    for (let i = 0; i < 6; i++) extra.push((await aUser(deps.ctx, { directory: 'okta' })).id);
    await Promise.all(extra.map((id) => addMembers(group.id, [id])));
    expect((await getGroup(deps.ctx, testOperator, group.id)).members?.map((m) => m.value).sort()).toEqual([...extra].sort());
  });

  it('audits member changes with the ids involved', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Audited' });
    await addMembers(group.id, [users[0]!]);
    const { events } = await listAuditEvents(deps.ctx, testOperator, { action: 'group.members_added' });
    expect(events[0]).toMatchObject({ target: { type: 'group', id: group.id }, details: { members: { count: 1, ids: [users[0]] } } });
  });

  it('refuses a stale version on a group change', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'okta', displayName: 'Versioned' });
    await rename(group.id, 'Versioned 2', { expectedVersion: group.version });
    await expect(rename(group.id, 'Versioned 3', { expectedVersion: group.version })).rejects.toMatchObject({ kind: 'precondition_failed' });
  });
});
