import { CORE_GROUP, CORE_USER, openScimApp, seedUsers, type ScimTestApp } from '../helpers/scim.js';
import { scaled } from '../helpers/machine.js';

describe('SCIM limits', () => {
  describe('a 50,000-member group', () => {
    let t: ScimTestApp;
    beforeAll(async () => {
      t = await openScimApp();
    });
    afterAll(() => t.close());

    it('is accepted in one body, changed one member at a time, and read without loading its members', async () => {
      const client = await t.client();
      const ids = await seedUsers(t.deps, client.directoryId, 50_000);
      const body = { schemas: [CORE_GROUP], displayName: 'Everyone', members: ids.map((value, i) => ({ value, display: `seeded-${i}@big.test` })) };
      expect(JSON.stringify(body).length).toBeGreaterThan(3_500_000);
      const created = await client.post('/Groups', body);
      expect(created.status).toBe(201);
      expect(created.body.members).toHaveLength(50_000);
      const group = created.body.id as string;

      expect((await client.patch(`/Groups/${group}`, [{ op: 'remove', path: `members[value eq "${ids[123]}"]` }])).status).toBe(204);
      expect((await client.patch(`/Groups/${group}`, [{ op: 'add', path: 'members', value: [{ value: ids[0] }, { value: ids[123] }] }])).status).toBe(204);
      expect((await client.patch(`/Groups/${group}`, [{ op: 'Remove', path: 'members', value: [{ value: ids[49_999] }] }])).status).toBe(204);

      const queries: string[] = [];
      const hook = (_options: unknown, query: unknown) => {
        const sql = (query as { sql?: string }).sql;
        if (sql) queries.push(sql);
      };
      t.deps.db.sequelize.addHook('afterQuery', 'count-member-queries', hook);
      const light = await client.get(`/Groups/${group}?excludedAttributes=members`);
      t.deps.db.sequelize.removeHook('afterQuery', 'count-member-queries');
      expect(light.status).toBe(200);
      expect(light.body.members).toBeUndefined();
      expect(light.headers.etag).toBe('W/"4"');
      expect(queries.length).toBeGreaterThan(0);
      expect(queries.filter((sql) => sql.includes('group_members'))).toEqual([]);

      const full = await client.get(`/Groups/${group}`);
      const members = new Set(full.body.members.map((m: { value: string }) => m.value));
      expect(members.size).toBe(49_999);
      expect(members.has(ids[123])).toBe(true);
      expect(members.has(ids[49_999])).toBe(false);
      const found = await client.get(`/Groups?filter=${encodeURIComponent(`members[value eq "${ids[42]}"]`)}&excludedAttributes=members`);
      expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ id: group, displayName: 'Everyone' }] });
    }, scaled(120_000));
  });

  describe('with small limits', () => {
    let t: ScimTestApp;
    beforeAll(async () => {
      t = await openScimApp({ scim: { maxBodyBytes: 4096, maxResults: 2, rateLimitBurst: 40, rateLimitPerSecond: 20 } });
    });
    afterAll(() => t.close());

    it('answers a body over the limit with 413 and a SCIM error, and only after authentication', async () => {
      const client = await t.client();
      const big = { schemas: [CORE_USER], userName: 'big@example.com', title: 'x'.repeat(5000) };
      const refused = await client.post('/Users', big);
      expect(refused.status).toBe(413);
      expect(refused.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(refused.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '413', scimType: 'tooMany' });
      const anonymous = await (await import('supertest')).default(t.app).post('/scim/v2/Users').set('Content-Type', 'application/scim+json').send(JSON.stringify(big));
      expect(anonymous.status).toBe(401);
      expect((await client.post('/Users', { schemas: [CORE_USER], userName: 'small@example.com' })).status).toBe(201);
    });

    it('clamps count to the advertised maxResults', async () => {
      const client = await t.client();
      for (const name of ['a', 'b', 'c']) await client.createUser(`${name}@clamp.test`);
      const page = await client.get('/Users?count=50');
      expect(page.body).toMatchObject({ totalResults: 3, itemsPerPage: 2 });
      expect(page.body.Resources).toHaveLength(2);
      expect((await client.get('/Users')).body.itemsPerPage).toBe(2);
      expect((await client.get('/ServiceProviderConfig')).body.filter).toEqual({ supported: true, maxResults: 2 });
    });
  });

  describe('the per-token rate limit', () => {
    let t: ScimTestApp;
    beforeAll(async () => {
      t = await openScimApp({ scim: { rateLimitBurst: 3, rateLimitPerSecond: 1 } });
    });
    afterAll(() => t.close());

    it('answers 429 with an integer Retry-After once a token has spent its burst, and lets it in again after that time', async () => {
      const client = await t.client();
      const other = await t.client();
      for (let i = 0; i < 3; i++) expect((await client.get('/Users')).status).toBe(200);
      const limited = await client.get('/Users');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('1');
      expect(limited.headers['content-type']).toMatch(/^application\/scim\+json/);
      expect(limited.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429' });
      expect((await other.get('/Users')).status).toBe(200);
      t.deps.clock.advance(500);
      expect((await client.get('/Users')).status).toBe(429);
      t.deps.clock.advance(500);
      expect((await client.get('/Users')).status).toBe(200);
      expect((await client.get('/Users')).status).toBe(429);
    });
  });
});
