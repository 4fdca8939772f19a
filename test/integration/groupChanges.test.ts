import { getAccount } from '../../src/identity/accounts/read.js';
import { createDirectory } from '../../src/identity/directories.js';
import { changeGroup } from '../../src/identity/groupChanges.js';
import { createGroup, getGroup } from '../../src/identity/groups.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createRoleMapping } from '../../src/identity/roleMappings.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aDirectory, aUser } from '../helpers/factories.js';
import { scimToken } from '../helpers/principals.js';

describe('changeGroup', () => {
  let deps: TestDeps;
  let users: string[];
  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: 'lake' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'entra', organizations: ['lake'] });
    await createRoleMapping(deps.ctx, testOperator, { directory: 'entra', matchType: 'pattern', matchValue: 'Water-*', organization: 'lake', role: 'operator' });
    users = [];
    for (let i = 0; i < 4; i++) users.push((await aUser(deps.ctx, { directory: 'entra' })).id);
  });
  afterAll(() => deps.close());

  const rolesOf = async (id: string) => (await getAccount(deps.ctx, testOperator, id)).memberships.map((m) => `${m.organization.slug}:${m.role}`);
  const membersOf = async (id: string) => ((await getGroup(deps.ctx, testOperator, id)).members ?? []).map((m) => m.value).sort();

  it('applies every step in one transaction, moves the version once, and gives the mapped roles at once', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Water-Ops', members: [users[0]!] });
    const result = await changeGroup(deps.ctx, testOperator, group.id, [
      { type: 'addMembers', userIds: [users[1]!, users[2]!, users[1]!] },
      { type: 'removeMembers', userIds: [users[0]!, users[3]!] },
      { type: 'attributes', externalId: 'obj-1' },
    ]);
    expect(result).toEqual({ changed: true, version: group.version + 1, added: 2, removed: 1 });
    expect(await membersOf(group.id)).toEqual([users[1], users[2]].sort());
    expect(await rolesOf(users[1]!)).toEqual(['lake:operator']);
    expect(await rolesOf(users[0]!)).toEqual([]);
  });

  it('changes nothing, and keeps the version, when nothing would change', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Water-Idle', members: [users[0]!] });
    const result = await changeGroup(deps.ctx, testOperator, group.id, [{ type: 'addMembers', userIds: [users[0]!] }, { type: 'removeMembers', userIds: [users[3]!] }, { type: 'attributes', displayName: 'Water-Idle' }]);
    expect(result).toEqual({ changed: false, version: group.version, added: 0, removed: 0 });
  });

  it('renaming out of a mapping takes the roles away in the same change', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Water-Field', members: [users[3]!] });
    expect(await rolesOf(users[3]!)).toEqual(['lake:operator']);
    await changeGroup(deps.ctx, testOperator, group.id, [{ type: 'attributes', displayName: 'Gas-Field' }, { type: 'addMembers', userIds: [users[2]!] }]);
    expect(await rolesOf(users[3]!)).toEqual([]);
  });

  it('rolls every step back when one fails', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Water-Atomic', members: [users[0]!] });
    await expect(
      changeGroup(deps.ctx, testOperator, group.id, [
        { type: 'attributes', displayName: 'Renamed' },
        { type: 'removeAllMembers' },
        { type: 'addMembers', userIds: ['not-a-user'] },
      ]),
    ).rejects.toMatchObject({ code: 'group.unknown_members' });
    const after = await getGroup(deps.ctx, testOperator, group.id);
    expect(after.displayName).toBe('Water-Atomic');
    expect(after.version).toBe(group.version);
    expect(await membersOf(group.id)).toEqual([users[0]]);
  });

  it('replaces members with exactly the given set, removes by condition, and refuses a stale version', async () => {
    const group = await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Water-Set', members: [users[0]!, users[1]!] });
    await changeGroup(deps.ctx, testOperator, group.id, [{ type: 'replaceMembers', userIds: [users[1]!, users[2]!] }], { expectedVersion: group.version });
    expect(await membersOf(group.id)).toEqual([users[1], users[2]].sort());
    await changeGroup(deps.ctx, testOperator, group.id, [{ type: 'removeMembersWhere', where: { test: { field: 'value', op: 'eq', value: users[2]! } } }]);
    expect(await membersOf(group.id)).toEqual([users[1]]);
    await expect(changeGroup(deps.ctx, testOperator, group.id, [{ type: 'removeAllMembers' }], { expectedVersion: group.version })).rejects.toMatchObject({ kind: 'precondition_failed' });
    const otherDirectory = await aDirectory(deps.ctx);
    await expect(changeGroup(deps.ctx, await scimToken(deps.ctx, otherDirectory.name), group.id, [{ type: 'removeAllMembers' }])).rejects.toMatchObject({ kind: 'not_found' });
  });
});
