import { jest } from '@jest/globals';
import request from 'supertest';
import { createLogger } from '../../src/lib/logger.js';
import { UserResource } from '../../src/scim/resources/UserResource.js';
import { scimServer } from '../../src/scim/router.js';
import { testOperator } from '../helpers/db.js';
import { CORE_GROUP, CORE_USER, filterQuery, openScimApp, SCIM, SCIM_JSON, type ScimClient, type ScimTestApp } from '../helpers/scim.js';

/**
 * The busiest SCIM requests (GET /Users, GET /Users/{id}, POST /Users, PATCH and DELETE /Users/{id}, PATCH /Groups/{id}
 * at their canonical URLs) are answered without
 * the routing layers (src/scim/hotPath.ts), after the same steps as every other SCIM request (src/scim/pipeline.ts). Express routes ignore case, so the same request at /scim/v2/users takes the general
 * path through scimmy-routers: each case here sends both and expects the same answer.
 */
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];
const COMPARED_HEADERS = ['content-type', 'etag', 'www-authenticate', 'retry-after', ...SECURITY_HEADERS];

type Answer = request.Response;
const general = (path: string) => path.replace(/^\/Users/, '/users');

function headersOf(answer: Answer): Record<string, string | undefined> {
  return Object.fromEntries(COMPARED_HEADERS.map((name) => [name, answer.headers[name] as string | undefined]));
}

/** The parts of an answer a client reads, with what differs between two creates (ids, times, locations) blanked. */
function seen(answer: Answer, blank: string[] = []): unknown {
  const blanked = (text: string) => blank.reduce((out, value) => out.split(value).join('<blank>'), text).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, '<time>');
  const text = blanked(answer.text);
  return { status: answer.status, headers: headersOf(answer), location: answer.headers.location && blanked(answer.headers.location as string), body: text ? JSON.parse(text) : undefined };
}

describe('the SCIM hot path', () => {
  let t: ScimTestApp;
  let client: ScimClient;
  let ann: string;
  let stranger: string;
  beforeAll(async () => {
    t = await openScimApp({ server: { trustProxy: 1 } });
    client = await t.client();
    ann = (await client.createUser('ann@hot.test', { externalId: 'ext-ann', title: 'Engineer' })).id;
    await client.createUser('bob@hot.test');
    stranger = (await (await t.client()).createUser('zed@elsewhere.test')).id;
  });
  afterAll(() => t.close());

  it('serves the canonical URLs without scimmy-routers, and the others through it', async () => {
    const read = jest.spyOn(UserResource.prototype, 'read');
    const patch = jest.spyOn(UserResource.prototype, 'patch');
    try {
      await client.get(`/Users/${ann}`);
      await client.get(`/Users?${filterQuery('userName eq "ann@hot.test"')}`);
      await client.patch(`/Users/${ann}`, [{ op: 'replace', path: 'title', value: 'Engineer' }]);
      expect(read).not.toHaveBeenCalled();
      expect(patch).not.toHaveBeenCalled();
      await client.get(`/users/${ann}`);
      await client.get(`/Users/${ann}/`);
      await client.patch(`/users/${ann}`, [{ op: 'replace', path: 'title', value: 'Engineer' }]);
      expect(read).toHaveBeenCalledTimes(2);
      expect(patch).toHaveBeenCalledTimes(1);
    } finally {
      read.mockRestore();
      patch.mockRestore();
    }
  });

  const both = async (send: (path: (p: string) => string) => Promise<Answer>) => [await send((p) => p), await send(general)] as const;
  const get = (path: string) => both((at) => client.get(at(path)));

  it.each([
    ['a user', () => `/Users/${ann}`, 200],
    ['a user, some attributes', () => `/Users/${ann}?attributes=userName,emails.value`, 200],
    ['a user, attributes excluded', () => `/Users/${ann}?excludedAttributes=emails,urn:ietf:params:scim:schemas:extension:idbridge:2.0:User`, 200],
    ['a user of another directory', () => `/Users/${stranger}`, 404],
    ['an id that names nobody', () => '/Users/00000000-0000-4000-8000-000000000000', 404],
    ['a lookup by userName, in another case', () => `/Users?${filterQuery('userName eq "ANN@hot.test"')}`, 200],
    ['a lookup that finds nobody', () => `/Users?${filterQuery('userName eq "nobody@hot.test"')}&startIndex=1&count=100`, 200],
    ['a lookup of another directory\'s user', () => `/Users?${filterQuery('userName eq "zed@elsewhere.test"')}`, 200],
    ['a sorted second page', () => '/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=1', 200],
    ['a bad filter', () => `/Users?${filterQuery('userName xx "a"')}`, 400],
    ['an unknown attribute in a filter', () => `/Users?${filterQuery('shoeSize eq 9')}`, 400],
    ['a count that is not a number', () => '/Users?count=ten', 400],
    ['a repeated parameter', () => '/Users?count=1&count=2', 400],
  ])('answers %s the same way', async (_name, path, status) => {
    const [hot, other] = await get(path());
    expect(hot.status).toBe(status);
    expect(seen(hot)).toEqual(seen(other));
    expect(hot.text).not.toContain('elsewhere.test');
  });

  it('answers a missing or a wrong token the same way: 401 with WWW-Authenticate', async () => {
    for (const authorization of [undefined, 'Bearer idbscim_nope', 'Basic abc']) {
      const send = (path: string) => {
        const test = request(t.app).get(`${SCIM}${path}`);
        return authorization ? test.set('Authorization', authorization) : test;
      };
      const [hot, other] = [await send(`/Users/${ann}`), await send(general(`/Users/${ann}`))];
      expect(hot.status).toBe(401);
      expect(seen(hot)).toEqual(seen(other));
    }
  });

  it('answers a conditional GET of the current version with 304, and of an old one with the user', async () => {
    const current = (await client.get(`/Users/${ann}`)).headers.etag as string;
    for (const at of [(p: string) => p, general]) {
      expect((await client.get(at(`/Users/${ann}`)).set('If-None-Match', current)).status).toBe(304);
      const stale = await client.get(at(`/Users/${ann}`)).set('If-None-Match', 'W/"0"');
      expect([stale.status, stale.body.id]).toEqual([200, ann]);
    }
  });

  it('creates the same way: 201 with Location and ETag, and the same refusals', async () => {
    const body = (userName: string) => ({ schemas: [CORE_USER], userName, name: { givenName: 'Cy', familyName: 'Hot' }, emails: [{ value: userName, type: 'work', primary: 'True' }], active: 'True' });
    const hot = await client.post('/Users', body('cy@hot.test'));
    const other = await client.post(general('/Users'), body('dee@hot.test'));
    expect(hot.status).toBe(201);
    expect(hot.headers.location).toBe(`${hot.body.meta.location}`);
    expect(seen(hot, [hot.body.id, 'cy@hot.test'])).toEqual(seen(other, [other.body.id, 'dee@hot.test']));

    const [duplicate, duplicateOther] = await both((at) => client.post(at('/Users'), body('CY@hot.test')));
    expect(duplicate.status).toBe(409);
    expect(seen(duplicate)).toEqual(seen(duplicateOther));
    const [malformed, malformedOther] = await both((at) => request(t.app).post(`${SCIM}${at('/Users')}`).set('Authorization', `Bearer ${client.token}`).set('Content-Type', SCIM_JSON).send('{"userName": '));
    expect(malformed.status).toBe(400);
    expect(seen(malformed)).toEqual(seen(malformedOther));
    const [wrongType, wrongTypeOther] = await both((at) => request(t.app).post(`${SCIM}${at('/Users')}`).set('Authorization', `Bearer ${client.token}`).set('Content-Type', 'text/plain').send('userName=x'));
    expect(wrongType.status).toBe(415);
    expect(seen(wrongType)).toEqual(seen(wrongTypeOther));
    const [invalid, invalidOther] = await both((at) => client.post(at('/Users'), { schemas: [CORE_USER], emails: [{ value: 'no-username@hot.test' }] }));
    expect(invalid.status).toBe(400);
    expect(seen(invalid)).toEqual(seen(invalidOther));
  });

  /** Two users made alike (but their names), one for each path, so that a write can be compared on both. */
  const twins = async (name: string) => {
    const made = [];
    for (const side of ['hot', 'general']) made.push((await client.createUser(`${name}-${side}@hot.test`, { externalId: `ext-${name}-${side}`, title: 'Twin' })).id as string);
    return made as [string, string];
  };
  /** The same write to each twin, on the hot path and on the general one; the answers with the twins' names blanked. */
  const writeBoth = async (name: string, send: (path: string) => Promise<Answer>, at: (id: string) => string) => {
    const [one, other] = await twins(name);
    const hot = await send(at(one));
    const general = await send(at(other).replace(/^\/Users/, '/users').replace(/^\/Groups/, '/groups'));
    return [seen(hot, [one, `${name}-hot`]), seen(general, [other, `${name}-general`]), hot] as const;
  };

  it.each([
    ["Entra's soft delete", [{ op: 'Replace', path: 'active', value: 'False' }], 200],
    ["Okta's deactivate", [{ op: 'replace', value: { active: false } }], 200],
    ['a reactivation of an active user (nothing changes)', [{ op: 'replace', path: 'active', value: true }], 200],
    ['a change of attributes', [{ op: 'replace', value: { title: 'Lead', nickName: 'Twinny' } }, { op: 'add', path: 'name.givenName', value: 'Tess' }], 200],
    ['active with another attribute', [{ op: 'replace', value: { active: false, title: 'Gone' } }], 200],
    ['a PatchOp without operations', [], 400],
    ['an operation scimmy refuses', [{ op: 'move', path: 'active', value: false }], 400],
    ['a read-only attribute', [{ op: 'replace', path: 'groups', value: [] }], 400],
  ])('answers a user PATCH, %s, the same way', async (_name, operations, status) => {
    const [hot, general, answer] = await writeBoth(`patch${status}${(operations as unknown[]).length}${String(_name).length}`, (path) => client.patch(path, operations as unknown[]), (id) => `/Users/${id}`);
    expect(answer.status).toBe(status);
    expect(hot).toEqual(general);
  });

  it('deactivates through the hot path as the general path does: status, version, sessions and grants ended, audited', async () => {
    const [one, other] = await twins('leaver');
    const { Session, OidcPayload, AuditEvent } = t.deps.db.models;
    const later = new Date(Date.now() + 3_600_000);
    for (const userId of [one, other]) {
      await Session.create({ id: `s-${userId}`, userId, stage: 'signed_in', data: {}, createdAt: new Date(), lastSeenAt: new Date(), expiresAt: later });
      await OidcPayload.create({ model: 'Grant', id: `g-${userId}`, payload: '{}', grantId: `g-${userId}`, accountId: userId, expiresAt: later });
    }
    const hot = await client.patch(`/Users/${one}`, [{ op: 'replace', path: 'active', value: false }]);
    const general = await client.patch(`/users/${other}`, [{ op: 'replace', path: 'active', value: false }]);
    for (const [answer, userId] of [[hot, one], [general, other]] as const) {
      expect([answer.status, answer.body.active, answer.body.meta.version, answer.headers.etag]).toEqual([200, false, 'W/"2"', 'W/"2"']);
      expect(await Session.count({ where: { userId } })).toBe(0);
      expect(await OidcPayload.count({ where: { accountId: userId } })).toBe(0);
      const audited = await AuditEvent.findOne({ where: { action: 'user.deactivated', targetId: userId } });
      expect(audited?.details).toMatchObject({ before: { status: 'ACTIVE' }, after: { status: 'INACTIVE' }, sessionsEnded: 2 });
    }
  });

  it('refuses a stale If-Match on a PATCH and on a DELETE the same way, and changes nothing', async () => {
    const [one, other] = await twins('stale');
    for (const [id, at] of [[one, '/Users'], [other, '/users']] as const) {
      const patch = await client.patch(`${at}/${id}`, [{ op: 'replace', path: 'active', value: false }]).set('If-Match', 'W/"7"');
      const remove = await request(t.app).delete(`${SCIM}${at}/${id}`).set('Authorization', `Bearer ${client.token}`).set('If-Match', 'W/"7"');
      expect([patch.status, remove.status]).toEqual([412, 412]);
      expect((await client.get(`/Users/${id}`)).body.active).toBe(true);
    }
  });

  it('deletes the same way: 204 without a body, then 404; another directory\'s user is not found', async () => {
    const [one, other] = await twins('gone');
    const remove = (path: string) => request(t.app).delete(`${SCIM}${path}`).set('Authorization', `Bearer ${client.token}`);
    const [hot, general] = [await remove(`/Users/${one}`), await remove(`/users/${other}`)];
    expect(seen(hot)).toEqual(seen(general));
    expect([hot.status, hot.text]).toEqual([204, '']);
    const [again, againOther] = [await remove(`/Users/${one}`), await remove(`/users/${other}`)];
    expect(again.status).toBe(404);
    expect(seen(again)).toEqual(seen(againOther));
    const [strangerHot, strangerGeneral] = [await remove(`/Users/${stranger}`), await remove(`/users/${stranger}`)];
    expect(strangerHot.status).toBe(404);
    expect(seen(strangerHot)).toEqual(seen(strangerGeneral));
    expect((await (await t.client()).get(`/Users/${stranger}`)).status).toBe(404);
  });

  it('changes a group\'s members the same way: 204, and the same refusals', async () => {
    const [one, other] = await twins('member');
    const groupOf = async (name: string) => (await client.post('/Groups', { schemas: [CORE_GROUP], displayName: name })).body.id as string;
    const groups = [await groupOf('Hot group'), await groupOf('General group')];
    const [hot, general] = [await client.patch(`/Groups/${groups[0]}`, [{ op: 'add', path: 'members', value: [{ value: one }] }]), await client.patch(`/groups/${groups[1]}`, [{ op: 'add', path: 'members', value: [{ value: other }] }])];
    expect(seen(hot)).toEqual(seen(general));
    expect(hot.status).toBe(204);
    expect((await client.get(`/Groups/${groups[0]}`)).body.members.map((m: { value: string }) => m.value)).toEqual([one]);
    const unknown = [{ op: 'add', path: 'members', value: [{ value: '00000000-0000-4000-8000-000000000000' }] }];
    const [refused, refusedOther] = [await client.patch(`/Groups/${groups[0]}`, unknown), await client.patch(`/groups/${groups[1]}`, unknown)];
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(seen(refused)).toEqual(seen(refusedOther));
  });

  it('keeps the request id a proxy gives, and records the client address a trusted proxy forwards', async () => {
    for (const [at, userName, requestId] of [[(p: string) => p, 'eve@hot.test', 'proxy-req-1'], [general, 'fay@hot.test', 'proxy-req-2']] as const) {
      const created = await client.post(at('/Users'), { schemas: [CORE_USER], userName }).set('X-Request-Id', requestId).set('X-Forwarded-For', '203.0.113.9');
      expect([created.status, created.headers['x-request-id']]).toEqual([201, requestId]);
      const event = await t.deps.db.models.AuditEvent.findOne({ where: { action: 'user.created', targetId: created.body.id } });
      expect([event?.ip, event?.requestId]).toEqual(['203.0.113.9', requestId]);
    }
  });
});

describe('the SCIM rate limit, across the hot path and the general one', () => {
  let t: ScimTestApp;
  beforeAll(async () => {
    t = await openScimApp({ scim: { rateLimitPerSecond: 1, rateLimitBurst: 3 } });
  });
  afterAll(() => t.close());

  it('counts one token\'s requests on both paths together', async () => {
    const client = await t.client();
    const statuses = [];
    for (const path of ['/Users', '/users', '/Users', '/users']) statuses.push((await client.get(path)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await client.get('/Users');
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '1']);
  });
});

describe('the steps every SCIM request runs, on the hot path and the general one alike', () => {
  let t: ScimTestApp;
  let client: ScimClient;
  const lines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    t = await openScimApp({ scim: { rateLimitPerSecond: 1, rateLimitBurst: 40 } }, { logger });
    client = await t.client();
  });
  afterAll(() => t.close());

  /** The same request at the hot path's canonical URL and at the general path's (/users). */
  const both = async (send: (path: string) => request.Test, path = '/Users') => [await send(path), await send(general(path))] as const;

  /** What each step does that a client (or an operator reading the log) would notice, checked on both paths. */
  const cases: Record<string, () => Promise<void>> = {
    'request id and security headers': async () => {
      const [hot, other] = await both((p) => client.get(p).set('X-Request-Id', 'step-case-request-1'));
      for (const answer of [hot, other]) {
        expect(answer.headers['x-request-id']).toBe('step-case-request-1');
        for (const header of SECURITY_HEADERS) expect(answer.headers[header]).toBeDefined();
      }
      expect(headersOf(hot)).toEqual(headersOf(other));
    },
    'access log': async () => {
      lines.length = 0;
      await both((p) => client.get(p));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const logged = lines.filter((l) => l.msg === 'request').map((l) => `${l.method as string} ${l.path as string} ${l.status as number}`);
      // The whole path on both paths (not the part under the SCIM mount), without the query string.
      expect(logged).toEqual([`GET ${SCIM}/Users 200`, `GET ${SCIM}/users 200`]);
      // A request the SCIM routers answer (not the hot path): the whole path too, not the rest under the mount.
      lines.length = 0;
      await client.post('/Groups', { schemas: [CORE_GROUP], displayName: `Logged ${Date.now()}` }).expect(201);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines.filter((l) => l.msg === 'request').map((l) => `${l.method as string} ${l.path as string} ${l.status as number}`)).toEqual([`POST ${SCIM}/Groups 201`]);
    },
    metrics: async () => {
      // Both paths count under the route's whole pattern (never the path as sent) and the token's directory.
      const count = async (pattern: RegExp) => {
        await new Promise((resolve) => setImmediate(resolve));
        return [...(await t.deps.metrics.scrape()).matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
      };
      const http = /^idbridge_http_requests_total\{method="GET",route="\/scim\/v2\/Users",status="200"\} (\d+)$/gm;
      const scim = /^idbridge_scim_requests_total\{directory="idp-\d+",resource_type="Users",method="GET",outcome="success"\} (\d+)$/gm;
      const before = [await count(http), await count(scim)];
      await both((p) => client.get(p));
      expect([await count(http), await count(scim)]).toEqual([before[0]! + 2, before[1]! + 2]);
    },
    'provisioning health': async () => {
      // Both paths count the answer under the token's directory: an error with the detail the client received.
      const [hot, other] = await both((p) => client.get(p), '/Users/no-such-user');
      expect([hot.status, other.status]).toEqual([404, 404]);
      const health = await t.deps.services.provisioningHealth.get(testOperator, client.directoryId);
      expect(health.recentErrors.slice(0, 2).map((e) => [e.method, e.path, e.status, e.detail])).toEqual([
        ['GET', `${SCIM}/users/no-such-user`, 404, other.body.detail],
        ['GET', `${SCIM}/Users/no-such-user`, 404, hot.body.detail],
      ]);
    },
    authenticate: async () => {
      const [hot, other] = await both((p) => request(t.app).get(`${SCIM}${p}`).set('Authorization', 'Bearer idbscim_nope'));
      expect(hot.status).toBe(401);
      expect(hot.headers['www-authenticate']).toContain('invalid_token');
      expect(seen(hot)).toEqual(seen(other));
    },
    'rate limit': async () => {
      const limited = await t.client();
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) statuses.push((await limited.get(i % 2 ? '/users' : '/Users')).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
      const [hot, other] = await both((p) => limited.get(p));
      expect([hot.status, other.status]).toEqual([429, 429]);
      expect(seen(hot)).toEqual(seen(other));
    },
    'resource path': async () => {
      // A NUL in an id: no resource can have it, on either database; a SCIM 404 with a detail, never a 500.
      const [hot, other] = await both((p) => client.get(p), '/Users/a%00b');
      expect(hot.status).toBe(404);
      expect(hot.body.detail).toMatch(/control characters/);
      expect(seen(hot)).toEqual(seen(other));
    },
    query: async () => {
      const [hot, other] = await both((p) => client.get(`${p}?startIndex=one`));
      expect(hot.status).toBe(400);
      expect(seen(hot)).toEqual(seen(other));
    },
    body: async () => {
      const [hot, other] = await both((p) => request(t.app).post(`${SCIM}${p}`).set('Authorization', `Bearer ${client.token}`).set('Content-Type', SCIM_JSON).send('{"userName": '));
      expect(hot.status).toBe(400);
      expect(seen(hot)).toEqual(seen(other));
    },
    normalise: async () => {
      // Entra sends booleans as strings ("True"): the normaliser makes them booleans before any handler reads them.
      const body = (userName: string) => ({ schemas: [CORE_USER], userName, active: 'False', emails: [{ value: userName, primary: 'True' }] });
      const hot = await client.post('/Users', body('norm.hot@step.test'));
      const other = await client.post(general('/Users'), body('norm.other@step.test'));
      expect([hot.status, hot.body.active, hot.body.emails[0].primary]).toEqual([201, false, true]);
      expect([other.status, other.body.active, other.body.emails[0].primary]).toEqual([201, false, true]);
    },
  };

  it('has a case here for each step, in the order the server declares them', () => {
    const server = scimServer({ services: t.deps.services, clock: t.deps.clock, logger: t.deps.logger, settings: t.deps.settings, accessLogger: t.deps.logger, securityHeaders: [], trustProxy: () => false });
    expect(server.steps.map((step) => step.name)).toEqual(Object.keys(cases));
  });

  it.each(Object.keys(cases))('runs the step "%s" on both paths', async (name) => {
    await cases[name]!();
  });
});
