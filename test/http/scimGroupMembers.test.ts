import { CORE_GROUP, openScimApp, seedUsers, type ScimClient, type ScimTestApp } from '../helpers/scim.js';

/**
 * PATCH /Groups/{id} on members, as Entra and Okta send it: adds that name members already in the group, ids no user
 * of the directory has, several operations in one PATCH, and more ids than one SQL `IN (…)` list holds.
 */
describe('SCIM PATCH of group members', () => {
  let t: ScimTestApp;
  let client: ScimClient;
  let users: string[];
  let sequence = 0;

  beforeAll(async () => {
    t = await openScimApp();
    client = await t.client();
    users = await seedUsers(t.deps, client.directoryId, 1000, 'member');
  });
  afterAll(() => t.close());

  const newGroup = async (members: string[]) => {
    const response = await client.post('/Groups', { schemas: [CORE_GROUP], displayName: `Members ${(sequence += 1)}`, members: members.map((value) => ({ value })) });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  };
  const read = async (id: string) => {
    const response = await client.get(`/Groups/${id}`);
    return { etag: response.headers.etag, displayName: response.body.displayName as string, members: (response.body.members as Array<{ value: string }>).map((m) => m.value).sort() };
  };
  const add = (ids: string[]) => ({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) });
  const auditOf = async (groupId: string) =>
    (await t.deps.db.models.AuditEvent.findAll({ where: { targetId: groupId }, order: [['id', 'ASC']] })).map((e) => ({ action: e.action, details: e.details }));

  it('adds only the users not yet members, moves the version once, and audits what it added', async () => {
    const [a, b, c, d] = users as [string, string, string, string];
    const group = await newGroup([a, b]);
    const before = await read(group.id);
    expect((await client.patch(`/Groups/${group.id}`, [add([b, c, c, d])])).status).toBe(204);
    const after = await read(group.id);
    expect(after.members).toEqual([a, b, c, d].sort());
    expect(after.etag).not.toBe(before.etag);
    expect((await auditOf(group.id)).at(-1)).toEqual({ action: 'group.members_added', details: { members: { count: 2, ids: [c, d] } } });

    // Only members already in the group: nothing changes, not even the version, and nothing is audited.
    expect((await client.patch(`/Groups/${group.id}`, [add([a, d])])).status).toBe(204);
    expect(await read(group.id)).toEqual(after);
    expect(await auditOf(group.id)).toHaveLength(2);
  });

  it('refuses ids no user of the directory has with a 400 naming them, and writes nothing of the PATCH', async () => {
    const [a, b, c] = users.slice(10) as [string, string, string];
    const stranger = (await (await t.client()).createUser('stranger@other.example')).id;
    const group = await newGroup([a, b]);
    const before = await read(group.id);
    const response = await client.patch(`/Groups/${group.id}`, [
      { op: 'replace', path: 'displayName', value: 'Renamed by a refused PATCH' },
      { op: 'remove', path: `members[value eq "${a}"]` },
      add([c, 'no-such-user', stranger]),
    ]);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect(response.body.detail).toContain('"no-such-user"');
    expect(response.body.detail).toContain(stranger);
    expect(await read(group.id)).toEqual(before);
    expect(await auditOf(group.id)).toHaveLength(1);
  });

  it('applies the adds and removes of one PATCH in order, in both removal styles', async () => {
    const [a, b, c, d, e] = users.slice(20) as [string, string, string, string, string];
    const group = await newGroup([a, b, c]);
    const response = await client.patch(`/Groups/${group.id}`, [
      add([d, e]),
      { op: 'remove', path: `members[value eq "${a}"]` },
      // Entra's shape: "Remove" with the members as a value list.
      { op: 'Remove', path: 'members', value: [{ value: e }, { value: b }] },
      // Removed, then added again: the last word wins.
      add([a]),
      { op: 'remove', path: `members[value eq "${d}" or value eq "${c}"]` },
    ]);
    expect(response.status).toBe(204);
    expect((await read(group.id)).members).toEqual([a].sort());
    expect((await auditOf(group.id)).map((event) => event.action)).toEqual([
      'group.created',
      'group.members_added',
      'group.members_removed',
      'group.members_removed',
      'group.members_added',
      'group.members_removed',
    ]);
  });

  it('adds and removes more ids than one query lists at a time (900)', async () => {
    const group = await newGroup(users.slice(0, 50));
    expect((await client.patch(`/Groups/${group.id}`, [add(users)])).status).toBe(204);
    expect((await read(group.id)).members).toEqual([...users].sort());
    expect((await auditOf(group.id)).at(-1)?.details).toMatchObject({ members: { count: 950, truncated: true } });
    const leaving = users.slice(25, 975);
    expect((await client.patch(`/Groups/${group.id}`, [{ op: 'Remove', path: 'members', value: leaving.map((value) => ({ value })) }])).status).toBe(204);
    expect((await read(group.id)).members).toEqual([...users.slice(0, 25), ...users.slice(975)].sort());
  });
});
