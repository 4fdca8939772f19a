import { grantMembership } from '../../src/identity/accounts/memberships.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createDirectory } from '../../src/identity/directories.js';
import { changeGroup, type GroupChange } from '../../src/identity/groupChanges.js';
import { createGroup, getGroup } from '../../src/identity/groups.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createRoleMapping } from '../../src/identity/roleMappings.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

/** The roles a group gives through mappings follow its members as they are added and removed, one by one or in sets. */
describe('role grants following group membership', () => {
  let deps: TestDeps;
  let users: string[];
  let sequence = 0;

  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'Bay Water', slug: 'bay' });
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Harbour', slug: 'harbour' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'bay-idp', organizations: ['bay', 'harbour'] });
    // Two mappings choose the "Bay-*" groups (roles in two organizations); one more chooses "Bay-Admins" only.
    await createRoleMapping(deps.ctx, testOperator, { directory: 'bay-idp', matchType: 'pattern', matchValue: 'Bay-*', organization: 'bay', role: 'viewer' });
    await createRoleMapping(deps.ctx, testOperator, { directory: 'bay-idp', matchType: 'pattern', matchValue: 'Bay-*', organization: 'harbour', role: 'standard-user' });
    await createRoleMapping(deps.ctx, testOperator, { directory: 'bay-idp', matchType: 'displayName', matchValue: 'Bay-Admins', organization: 'bay', role: 'administrator' });
    users = [];
    for (let i = 0; i < 6; i++) users.push((await aUser(deps.ctx, { directory: 'bay-idp' })).id);
  });
  afterAll(() => deps.close());

  const rolesOf = async (id: string) => (await getAccount(deps.ctx, testOperator, id)).memberships.map((m) => `${m.organization.slug}:${m.role}`).sort();
  const sourcesOf = async (id: string) =>
    (await getAccount(deps.ctx, testOperator, id)).memberships.flatMap((m) => m.sources.map((s) => `${m.organization.slug}:${s.type}:${s.role}`)).sort();
  const change = (groupId: string, ...changes: GroupChange[]) => changeGroup(deps.ctx, testOperator, groupId, changes);
  const group = async (displayName: string, members: string[] = []) => createGroup(deps.ctx, testOperator, { directory: 'bay-idp', displayName, members });
  const groupRows = async (groupId: string) => deps.db.models.Membership.count({ where: { groupId } });

  it('gives every mapped role to the members added, once, and takes them with the members removed', async () => {
    const [a, b, c] = users as [string, string, string];
    const ops = await group(`Bay-Ops-${(sequence += 1)}`, [a]);
    expect(await rolesOf(a)).toEqual(['bay:viewer', 'harbour:standard-user']);
    await change(ops.id, { type: 'addMembers', userIds: [a, b, c] });
    expect(await rolesOf(b)).toEqual(['bay:viewer', 'harbour:standard-user']);
    // Adding a member again grants nothing twice: two memberships per member.
    await change(ops.id, { type: 'addMembers', userIds: [a, b] });
    expect(await groupRows(ops.id)).toBe(6);
    await change(ops.id, { type: 'removeMembers', userIds: [b] }, { type: 'removeMembersWhere', where: { test: { field: 'value', op: 'eq', value: c } } });
    expect(await rolesOf(b)).toEqual([]);
    expect(await rolesOf(c)).toEqual([]);
    expect(await groupRows(ops.id)).toBe(2);
  });

  it('keeps a direct role and the roles other groups give when a member leaves a group', async () => {
    const d = users[3]!;
    await grantMembership(deps.ctx, testOperator, d, { organization: 'bay', role: 'operator' });
    const admins = await group('Bay-Admins', [d]);
    const field = await group(`Bay-Field-${(sequence += 1)}`, [d]);
    expect(await rolesOf(d)).toEqual(['bay:administrator', 'harbour:standard-user']);
    await change(admins.id, { type: 'removeMembers', userIds: [d] });
    expect(await sourcesOf(d)).toEqual(['bay:direct:operator', 'bay:group:viewer', 'harbour:group:standard-user']);
    await change(field.id, { type: 'removeAllMembers' });
    expect(await sourcesOf(d)).toEqual(['bay:direct:operator']);
  });

  it('in a PATCH that adds and removes, the roles follow the members it leaves', async () => {
    const [a, e, f] = [users[0]!, users[4]!, users[5]!];
    const crew = await group(`Bay-Crew-${(sequence += 1)}`, [e]);
    const result = await change(
      crew.id,
      { type: 'addMembers', userIds: [f, a] },
      { type: 'removeMembers', userIds: [e, f] },
      { type: 'addMembers', userIds: [e] },
    );
    expect(result).toMatchObject({ added: 3, removed: 2 });
    expect(((await getGroup(deps.ctx, testOperator, crew.id)).members ?? []).map((m) => m.value).sort()).toEqual([a, e].sort());
    expect(await sourcesOf(f)).toEqual([]);
    expect(await rolesOf(e)).toEqual(['bay:viewer', 'harbour:standard-user']);
    expect(await groupRows(crew.id)).toBe(4);
  });

  it('grants what the group is mapped to after a rename in the same change', async () => {
    const f = users[5]!;
    const team = await group(`Unmapped-${(sequence += 1)}`);
    await change(team.id, { type: 'attributes', displayName: `Bay-Team-${sequence}` }, { type: 'addMembers', userIds: [f] });
    expect(await rolesOf(f)).toEqual(['bay:viewer', 'harbour:standard-user']);
    await change(team.id, { type: 'addMembers', userIds: [users[0]!] }, { type: 'attributes', displayName: `Unmapped-again-${sequence}` });
    expect(await groupRows(team.id)).toBe(0);
  });

  it('refuses an unknown id without granting anything', async () => {
    const unknown = await group(`Bay-Strict-${(sequence += 1)}`);
    await expect(change(unknown.id, { type: 'addMembers', userIds: [users[5]!, 'not-a-user'] })).rejects.toMatchObject({ code: 'group.unknown_members', message: expect.stringContaining('"not-a-user"') });
    expect(await groupRows(unknown.id)).toBe(0);
    expect((await getGroup(deps.ctx, testOperator, unknown.id)).members).toEqual([]);
  });
});
