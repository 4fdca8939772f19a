import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { MAX_USER_ATTRIBUTE_VALUES } from '../../src/scim/mapping/userIn.js';
import { MAX_JSON_DEPTH, MAX_OTHER_BODY_BYTES } from '../../src/scim/middleware/body.js';
import { MAX_PATCH_OPERATIONS } from '../../src/scim/patch/normalise.js';
import { CORE_USER, PATCH_OP, SCIM, SCIM_JSON, filterQuery, openScimApp, type ScimClient, type ScimTestApp } from '../helpers/scim.js';

/**
 * Every class of hostile request that once answered 500 (or stalled a server), each answered with a SCIM 4xx and a
 * detail a client can act on, and nothing written. Runs on SQLite and PostgreSQL alike (npm run test:pg).
 */
describe('hostile SCIM requests get a clear 4xx and change nothing', () => {
  let t: ScimTestApp;
  let client: ScimClient;
  let userId: string;
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const raw = (method: 'post' | 'put' | 'patch', path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    let req = request(t.app)[method](`${SCIM}${path}`).set('Authorization', `Bearer ${client.token}`).set('Content-Type', SCIM_JSON);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    // superagent would write a Buffer sent as JSON as {"type":"Buffer",…}: send its bytes as they are.
    return req.serialize((bytes: unknown) => bytes as string).send(body);
  };
  const userCount = async () => (await client.get('/Users?count=0')).body.totalResults as number;
  /** The status and SCIM error of an answer, and that it is a SCIM error at all. */
  const refusal = (response: request.Response) => {
    expect(response.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    expect(typeof response.body.detail).toBe('string');
    return { status: response.status, scimType: response.body.scimType as string | undefined, detail: response.body.detail as string };
  };

  beforeAll(async () => {
    t = await openScimApp();
    client = await t.client();
    userId = (await client.createUser('hostile.target@example.com', { displayName: 'Target' })).id;
  });
  afterAll(() => t.close());

  describe('JSON nested 10,000 levels deep', () => {
    it.each([
      ['POST /Users', 'post', '/Users', `{"schemas":["${CORE_USER}"],"userName":"deep@x.test","addresses":${nested(10_000)}}`],
      ['PATCH /Users/{id}', 'patch', '/Users/{id}', `{"schemas":["${PATCH_OP}"],"Operations":[{"op":"add","path":"addresses","value":${nested(10_000)}}]}`],
      ['POST /Users/.search', 'post', '/Users/.search', `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"attributes":${nested(10_000)}}`],
    ] as const)('%s answers 400 naming the depth limit', async (_name, method, path, body) => {
      const before = await userCount();
      const answer = refusal(await raw(method, path.replace('{id}', userId), body));
      expect(answer).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
      expect(answer.detail).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);
      expect(await userCount()).toBe(before);
    });

    it('accepts a body right at the depth limit (the limit refuses nothing a client needs)', async () => {
      const patch = await raw('patch', `/Users/${userId}`, JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'name', value: { givenName: 'Deep', familyName: 'Enough' } }] }));
      expect(patch.status).toBe(200);
    });
  });

  describe('Content-Encoding', () => {
    const body = JSON.stringify({ schemas: [CORE_USER], userName: 'encoded@x.test' });
    it.each([
      ['gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['br', brotliCompressSync(body)],
    ] as const)('decodes a %s body', async (encoding, bytes) => {
      const created = await raw('post', '/Users', bytes, { 'Content-Encoding': encoding });
      expect([created.status, created.body.detail]).toEqual([201, undefined]);
      await client.delete(`/Users/${created.body.id}`);
    });

    it.each(['gzip', 'deflate', 'br'])('answers 400 for a %s body that does not decode', async (encoding) => {
      const before = await userCount();
      const answer = refusal(await raw('post', '/Users', Buffer.from('this is not compressed at all'), { 'Content-Encoding': encoding }));
      expect(answer).toMatchObject({ status: 400, scimType: 'invalidSyntax' });
      expect(answer.detail).toContain(`does not decode as its Content-Encoding (${encoding})`);
      expect(await userCount()).toBe(before);
    });

    it('answers 415 for an encoding it does not speak, and 413 for a small body that inflates past the limit', async () => {
      expect(refusal(await raw('post', '/Users', Buffer.from(body), { 'Content-Encoding': 'compress' })).status).toBe(415);
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(1024 * 1024);
      const answer = refusal(await raw('post', '/Users', bomb, { 'Content-Encoding': 'gzip' }));
      expect(answer.status).toBe(413);
      expect(answer.detail).toContain('once decoded');
    });
  });

  describe('NUL bytes', () => {
    it('answers 404 for a NUL in a resource id, on /Users and /Groups alike', async () => {
      for (const path of ['/Users/a%00b', '/Groups/a%00b', `/Users/${userId}%00`]) {
        const answer = refusal(await client.get(path));
        expect(answer.status).toBe(404);
        expect(answer.detail).toMatch(/control characters/);
      }
      expect(refusal(await client.patch('/Users/a%00b', [{ op: 'replace', path: 'title', value: 'x' }])).status).toBe(404);
    });

    it('refuses a userName holding NUL (both databases alike) and stores nothing', async () => {
      const before = await userCount();
      const answer = refusal(await client.post('/Users', { schemas: [CORE_USER], userName: 'nul\u0000user@x.test' }));
      expect(answer).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(answer.detail).toMatch(/NUL/);
      expect(await userCount()).toBe(before);
      const patch = refusal(await client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'displayName', value: 'a\u0000b' }]));
      expect(patch.status).toBe(400);
      expect((await client.get(`/Users/${userId}`)).body.displayName).toBe('Target');
    });

    it('refuses a filter or a query value holding NUL', async () => {
      expect(refusal(await client.get(`/Users?${filterQuery('userName eq "a\u0000b"')}`)).status).toBe(400);
      expect(refusal(await client.get('/Users?attributes=user%00Name')).status).toBe(400);
    });
  });

  describe('PATCH operations', () => {
    it('answers 400 for "Operations": [null] and for operations that are not objects', async () => {
      for (const operations of [[null], [1], ['replace'], [[]]]) {
        const answer = refusal(await raw('patch', `/Users/${userId}`, JSON.stringify({ schemas: [PATCH_OP], Operations: operations })));
        expect(answer).toMatchObject({ status: 400 });
        expect(answer.detail).toMatch(/operation/i);
      }
    });

    it('treats replace with a null value as removing the attribute, and refuses add with null', async () => {
      await client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'title', value: 'Engineer' }]);
      const replaced = await client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'title', value: null }]);
      expect(replaced.status).toBe(200);
      expect(replaced.body.title).toBeUndefined();
      const added = refusal(await client.patch(`/Users/${userId}`, [{ op: 'add', path: 'title', value: null }]));
      expect(added.status).toBe(400);
    });

    it(`refuses more than ${MAX_PATCH_OPERATIONS} operations quickly, naming the limit, and applies none of them`, async () => {
      // 10,000 operations fit in a user's 1 MiB body; 100,000 (4.4 MB) are refused by size, before being parsed.
      expect(refusal(await client.patch(`/Users/${userId}`, Array.from({ length: 100_000 }, () => ({ op: 'replace', path: 'displayName', value: 'x' })))).status).toBe(413);
      const operations = Array.from({ length: 10_000 }, (_, i) => ({ op: 'replace', path: 'displayName', value: `Name ${i}` }));
      const started = performance.now();
      const answer = refusal(await client.patch(`/Users/${userId}`, operations));
      expect(answer).toMatchObject({ status: 400, scimType: 'tooMany' });
      expect(answer.detail).toContain(`at most ${MAX_PATCH_OPERATIONS} operations`);
      // Refused before any operation is looked at: well under a second even on a busy machine (it took 42 s).
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await client.get(`/Users/${userId}`)).body.displayName).toBe('Target');
    });

    it(`applies ${MAX_PATCH_OPERATIONS} operations, the limit`, async () => {
      const operations = Array.from({ length: MAX_PATCH_OPERATIONS }, (_, i) => ({ op: 'replace', path: 'nickName', value: `Nick ${i}` }));
      const answer = await client.patch(`/Users/${userId}`, operations);
      expect(answer.status).toBe(200);
      expect(answer.body.nickName).toBe(`Nick ${MAX_PATCH_OPERATIONS - 1}`);
    });
  });

  describe('multi-valued attributes', () => {
    const address = { type: 'work', streetAddress: '1 Main Street', locality: 'Springfield' };

    it(`refuses a user with more than ${MAX_USER_ATTRIBUTE_VALUES} values of one attribute before validating them (9,000 addresses took seconds)`, async () => {
      const before = await userCount();
      const answer = refusal(await client.post('/Users', { schemas: [CORE_USER], userName: 'many.addresses@x.test', addresses: Array.from({ length: 9000 }, () => address) }));
      expect(answer).toMatchObject({ status: 400, detail: `"addresses" has 9000 values; a user attribute holds at most ${MAX_USER_ATTRIBUTE_VALUES}.` });
      expect(await userCount()).toBe(before);
    });

    it('refuses a list inside a list (once stored as an empty object)', async () => {
      const answer = refusal(await client.post('/Users', { schemas: [CORE_USER], userName: 'nested.list@x.test', addresses: [[[[]]]] }));
      expect(answer).toMatchObject({ status: 400, scimType: 'invalidValue' });
      expect(refusal(await client.patch(`/Users/${userId}`, [{ op: 'add', path: 'addresses', value: [[address]] }])).status).toBe(400);
    });

    it(`refuses a user PATCH carrying more than ${MAX_USER_ATTRIBUTE_VALUES} values in all (each operation re-validates the growing user)`, async () => {
      const operations = Array.from({ length: MAX_USER_ATTRIBUTE_VALUES + 1 }, () => ({ op: 'add', path: 'addresses', value: [address] }));
      const answer = refusal(await client.patch(`/Users/${userId}`, operations));
      expect(answer.status).toBe(400);
      expect(answer.detail).toContain(`at most ${MAX_USER_ATTRIBUTE_VALUES}`);
      expect((await client.get(`/Users/${userId}`)).body.addresses).toBeUndefined();
    });
  });

  describe('body size', () => {
    it(`limits a user's body to ${MAX_OTHER_BODY_BYTES} bytes and a group's to SCIM_MAX_BODY_BYTES`, async () => {
      const padding = 'x'.repeat(MAX_OTHER_BODY_BYTES);
      const user = refusal(await client.post('/Users', { schemas: [CORE_USER], userName: 'padded@x.test', nickName: padding }));
      expect(user).toMatchObject({ status: 413, detail: expect.stringContaining("only a group's body may be larger") });
      // The same size is fine for a group (refused by validation, not by size).
      const group = await client.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: padding });
      expect(group.status).toBe(400);
      expect(group.body.detail).not.toMatch(/larger than/);
    });
  });

  describe('paging and filters', () => {
    it('answers an empty page for a very large startIndex in a .search body, and clamps count', async () => {
      const search = await client.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], startIndex: 1e300, count: 1e300 });
      expect(search.status).toBe(200);
      expect(search.body).toMatchObject({ Resources: [], startIndex: 2_147_483_647 });
      const query = await client.get('/Users?startIndex=99999999999999999999&count=99999999999999999999');
      expect(query.status).toBe(200);
      expect(query.body.Resources ?? []).toEqual([]);
    });

    const notDeep = (levels: number) => `${'not('.repeat(levels)}userName eq "x"${')'.repeat(levels)}`;

    it('refuses a filter 1,000 levels of not( deep with 400 (it is over the length limit before the depth one)', async () => {
      for (const answer of [await client.get(`/Users?${filterQuery(notDeep(1000))}`), await client.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: notDeep(1000) })]) {
        expect(refusal(answer)).toMatchObject({ status: 400, scimType: 'invalidFilter', detail: expect.stringMatching(/longer than 4096 characters/) });
      }
    });

    it('refuses a filter nested deeper than 16 levels, naming the limit, and answers one at 16 (`not (` is one level)', async () => {
      expect(refusal(await client.get(`/Users?${filterQuery(notDeep(17))}`))).toMatchObject({ status: 400, scimType: 'invalidFilter', detail: expect.stringMatching(/16 levels/) });
      const atLimit = await client.get(`/Users?${filterQuery(notDeep(16))}`);
      expect(atLimit.status).toBe(200);
    });
  });

  describe('If-Match', () => {
    it.each([',,,', ' ', 'not-a-tag'])('answers 400 or 412 for If-Match %j, never "no condition"', async (value) => {
      const answer = await client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'title', value: 'Conditional' }]).set('If-Match', value);
      expect([400, 412]).toContain(answer.status);
      expect((await client.get(`/Users/${userId}`)).body.title).not.toBe('Conditional');
    });
  });

  describe('look-alike names', () => {
    it('answers 409 for a userName that is an existing one in fullwidth letters or with a ligature', async () => {
      await client.createUser('admin@lookalike.test');
      for (const userName of ['ａｄｍｉｎ@lookalike.test', 'ADMIN@LOOKALIKE.TEST']) {
        const answer = refusal(await client.post('/Users', { schemas: [CORE_USER], userName }));
        expect(answer).toMatchObject({ status: 409, scimType: 'uniqueness' });
      }
      await client.createUser('office@lookalike.test');
      expect((await client.post('/Users', { schemas: [CORE_USER], userName: 'oﬃce@lookalike.test' })).status).toBe(409);
      const found = await client.get(`/Users?${filterQuery('userName eq "ａｄｍｉｎ@lookalike.test"')}`);
      expect(found.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['admin@lookalike.test']);
    });

    it('finds displayName "Ñandú" from "ñandú" and "ÑANDÚ"', async () => {
      const user = await client.createUser('nandu@x.test', { displayName: 'Ñandú' });
      for (const value of ['ñandú', 'ÑANDÚ', 'Ñandú']) {
        const found = await client.get(`/Users?${filterQuery(`displayName eq "${value}"`)}`);
        expect(found.body.Resources.map((u: { id: string }) => u.id)).toEqual([user.id]);
      }
      const starts = await client.get(`/Users?${filterQuery('name.givenName sw "te" and displayName co "ANDÚ"')}`);
      expect(starts.body.totalResults).toBe(1);
    });
  });
});

describe('every other route refuses control characters in its address', () => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await openScimApp();
  });
  afterAll(() => t.close());

  it.each(['/api/admin/v1/users/a%00b', '/api/admin/v1/users?search=a%00', '/sign-in?next=%00', '/admin/users/a%07b'])('answers 400 for %s', async (path) => {
    const answer = await request(t.app).get(path);
    expect(answer.status).toBe(400);
  });
});
