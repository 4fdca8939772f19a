import { CORE_GROUP, CORE_USER, openScimApp, type ScimClient, type ScimTestApp } from '../helpers/scim.js';

describe('SCIM under concurrent requests', () => {
  let t: ScimTestApp;
  let client: ScimClient;
  beforeAll(async () => {
    t = await openScimApp();
    client = await t.client();
  });
  afterAll(() => t.close());

  it('two (or five) concurrent creates of one userName give exactly one user; the others answer 409 uniqueness', async () => {
    const responses = await Promise.all(
      ['race@example.com', 'RACE@example.com', 'Race@Example.com', 'race@EXAMPLE.com', 'race@example.COM'].map((userName) => client.post('/Users', { schemas: [CORE_USER], userName })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    for (const refused of responses.filter((r) => r.status === 409)) expect(refused.body).toMatchObject({ status: '409', scimType: 'uniqueness' });
    const found = await client.get(`/Users?filter=${encodeURIComponent('userName eq "race@example.com"')}`);
    expect(found.body.totalResults).toBe(1);
  });

  it('concurrent member PATCHes on one group lose no member, and a repeated add adds nothing twice', async () => {
    const users = [];
    for (let i = 0; i < 12; i++) users.push(await client.createUser(`concurrent${i}@example.com`));
    const group = (await client.post('/Groups', { schemas: [CORE_GROUP], displayName: 'Busy group' })).body;
    const responses = await Promise.all(
      users.flatMap((u) => [
        client.patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: u.id }] }]),
        client.patch(`/Groups/${group.id}`, [{ op: 'Add', path: 'members', value: [{ value: u.id, $ref: null }] }]),
      ]),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 204));
    const after = await client.get(`/Groups/${group.id}`);
    expect(after.body.members.map((m: { value: string }) => m.value).sort()).toEqual(users.map((u) => u.id).sort());
    // Each change that added someone moved the version once; the repeated adds changed nothing.
    expect(after.headers.etag).toBe(`W/"${1 + users.length}"`);
  });

  it('concurrent adds and removes on one group apply every one of them', async () => {
    const stay = await client.createUser('stay@example.com');
    const leaving = [];
    for (let i = 0; i < 6; i++) leaving.push(await client.createUser(`leaving${i}@example.com`));
    const joining = [];
    for (let i = 0; i < 6; i++) joining.push(await client.createUser(`joining${i}@example.com`));
    const group = (await client.post('/Groups', { schemas: [CORE_GROUP], displayName: 'Churn', members: [stay, ...leaving].map((u) => ({ value: u.id })) })).body;
    const responses = await Promise.all([
      ...leaving.map((u) => client.patch(`/Groups/${group.id}`, [{ op: 'remove', path: `members[value eq "${u.id}"]` }])),
      ...joining.map((u) => client.patch(`/Groups/${group.id}`, [{ op: 'add', path: 'members', value: [{ value: u.id }] }])),
    ]);
    expect(responses.every((r) => r.status === 204)).toBe(true);
    const members = (await client.get(`/Groups/${group.id}`)).body.members.map((m: { value: string }) => m.value).sort();
    expect(members).toEqual([stay, ...joining].map((u) => u.id).sort());
  });

  it('concurrent PATCHes of one user without If-Match are all applied (none overwrites another)', async () => {
    const user = await client.createUser('patched@example.com');
    const fields = ['title', 'nickName', 'displayName', 'userType', 'locale', 'timezone'];
    const responses = await Promise.all(fields.map((field) => client.patch(`/Users/${user.id}`, [{ op: 'replace', path: field, value: `${field}-value` }])));
    expect(responses.map((r) => r.status)).toEqual(fields.map(() => 200));
    const after = (await client.get(`/Users/${user.id}`)).body;
    for (const field of fields) expect(after[field]).toBe(`${field}-value`);
  });
});
