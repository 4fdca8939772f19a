import request from 'supertest';
import { createAccount } from '../../src/identity/accounts/create.js';
import { deactivateAccount } from '../../src/identity/accounts/status.js';
import { updateAccount } from '../../src/identity/accounts/update.js';
import type { EventView } from '../../src/identity/events.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createServiceToken } from '../../src/identity/serviceTokens.js';
import { backgroundJobs } from '../../src/jobs/scheduler.js';
import { DAY } from '../../src/lib/clock.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';

const API = '/api/admin/v1';

interface Page {
  events: EventView[];
  next_cursor: string | null;
  has_more: boolean;
}

/** GET /api/admin/v1/events: the change feed, over HTTP, as a portal reads it with a service token. */
describe('the change feed (GET /api/admin/v1/events)', () => {
  let t: TestApp;
  let platform: string;
  let acmeAdmin: string;
  const orgId: Record<string, string> = {};
  let n = 0;

  const feed = (token: string, query: Record<string, string | number> = {}) =>
    request(t.app)
      .get(`${API}/events`)
      .query(query)
      .set('Authorization', `Bearer ${token}`);

  /** A user of `organization` created, then changed: three events (created, membership added, updated). */
  const userIn = async (organization: string) => {
    n += 1;
    const userName = `person${n}@${organization}.test`;
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName, emails: [{ value: userName }] }, memberships: [{ organization, role: 'standard-user' }] });
    await updateAccount(t.deps.ctx, testOperator, user.id, { title: `Title ${n}` });
    return user.id;
  };

  /** Every event the feed gives `token`, page by page (`between` runs after each page). */
  const readAll = async (token: string, query: Record<string, string | number>, between: () => Promise<unknown> = async () => undefined) => {
    const seen: EventView[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 200; pages++) {
      const answer = await feed(token, { ...query, ...(cursor ? { after: cursor } : {}) });
      expect(answer.status).toBe(200);
      const page = answer.body as Page;
      seen.push(...page.events);
      if (!page.has_more && page.events.length === 0) return seen;
      expect(page.next_cursor).toEqual(expect.any(String));
      cursor = page.next_cursor!;
      await between();
    }
    throw new Error('the feed never ended');
  };

  beforeAll(async () => {
    t = await openTestApp();
    const { ctx } = t.deps;
    for (const slug of ['acme', 'globex']) orgId[slug] = (await createOrganization(ctx, testOperator, { kind: 'customer', name: slug, slug })).id;
    platform = (await createServiceToken(ctx, testOperator, { name: 'portal sync' })).token;
    acmeAdmin = (await createServiceToken(ctx, testOperator, { name: 'acme portal', organization: 'acme' })).token;
    for (let i = 0; i < 3; i++) {
      await userIn('acme');
      await userIn('globex');
    }
  });
  afterAll(() => t.close());

  it('gives the events in commit order, each as a portal needs it', async () => {
    const page = (await feed(platform)).body as Page;
    const positions = page.events.map((e) => e.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).toBe(positions.length);
    expect(page.events.slice(0, 3).map((e) => e.type)).toEqual(['user.created', 'membership.added', 'user.updated']);
    expect(page.events[2]).toEqual({
      id: expect.any(String),
      position: positions[2],
      type: 'user.updated',
      occurredAt: expect.any(String),
      organizationIds: [orgId.acme],
      userId: page.events[0]!.userId,
      groupId: null,
      directoryId: expect.any(String),
      actor: { kind: 'administrator', id: null },
      data: expect.objectContaining({ changed: ['title'], title: 'Title 1', memberships: [{ organization: { id: orgId.acme, slug: 'acme' }, role: 'standard-user' }] }),
    });
  });

  it('pages with the cursor without gaps or repeats while new events arrive', async () => {
    const writes: Array<Promise<unknown>> = [];
    // After each page, another change commits, and two more run while the next page is read.
    const seen = await readAll(platform, { limit: 4 }, async () => {
      if (writes.length < 12) writes.push(userIn(writes.length % 2 ? 'acme' : 'globex'), userIn('globex'), userIn('acme'));
      await writes[writes.length - 3];
    });
    await Promise.all(writes);
    const rest = await readAll(platform, { after: encodeAfter(seen), limit: 1000 });
    const all = [...seen, ...rest];
    const stored = await t.deps.db.models.EventRecord.findAll({ attributes: ['id', 'position'], order: [['position', 'ASC']] });
    expect(all.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(all.map((e) => e.position)).toEqual(stored.map((_, i) => i + 1));
  });

  /** The cursor after the last event read (the feed's own, as the last page gave it). */
  function encodeAfter(seen: EventView[]): string {
    return Buffer.from(`p${seen[seen.length - 1]!.position}`).toString('base64url');
  }

  it('filters by type, and refuses a type it does not know, naming it', async () => {
    const user = await userIn('acme');
    await deactivateAccount(t.deps.ctx, testOperator, user);
    const page = (await feed(platform, { types: 'user.deactivated,membership.added', limit: 1000 })).body as Page;
    expect(new Set(page.events.map((e) => e.type))).toEqual(new Set(['user.deactivated', 'membership.added']));
    expect(page.events.filter((e) => e.type === 'user.deactivated').map((e) => e.userId)).toEqual([user]);

    const unknown = await feed(platform, { types: 'user.deactivated,user.vanished' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'events.unknown_type', field: 'types' });
    expect(unknown.body.error.message).toContain('"user.vanished"');
  });

  it('filters by organization, given by slug or id', async () => {
    for (const organization of ['globex', orgId.globex!]) {
      const events = await readAll(platform, { organization, limit: 50 });
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((e) => e.organizationIds.includes(orgId.globex!))).toBe(true);
    }
  });

  it('shows an organization administrator the events of its organizations only; another organization is not found', async () => {
    const everything = await readAll(platform, { limit: 1000 });
    const ofAcme = everything.filter((e) => e.organizationIds.includes(orgId.acme!));
    expect(ofAcme.length).toBeLessThan(everything.length);
    expect((await readAll(acmeAdmin, { limit: 7 })).map((e) => e.id)).toEqual(ofAcme.map((e) => e.id));
    expect((await readAll(acmeAdmin, { organization: 'acme', limit: 1000 })).map((e) => e.id)).toEqual(ofAcme.map((e) => e.id));
    const other = await feed(acmeAdmin, { organization: 'globex' });
    expect(other.status).toBe(404);
    expect(other.body.events).toBeUndefined();
  });

  it('refuses a cursor it did not give, and a limit out of range', async () => {
    for (const after of ['nonsense', Buffer.from('p-1').toString('base64url'), Buffer.from('x12').toString('base64url'), '%%%']) {
      const answer = await feed(platform, { after });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'events.invalid_cursor', field: 'after' });
    }
    for (const limit of [0, 1001]) expect((await feed(platform, { limit })).status).toBe(400);
    expect((await feed(platform, { limit: 1000 })).status).toBe(200);
  });

  it('keeps events for the retention days, then the hourly job deletes them', async () => {
    const before = await readAll(platform, { limit: 1000 });
    t.deps.clock.advance(31 * DAY);
    const fresh = await userIn('acme');
    const sweep = backgroundJobs(t.deps).find((job) => job.name === 'event-retention-sweep')!;
    expect(sweep.everyMs).toBe(DAY / 24);
    expect(await sweep.run()).toBe(before.length);
    const after = await readAll(platform, { limit: 1000 });
    expect(after.map((e) => e.type)).toEqual(['user.created', 'membership.added', 'user.updated']);
    expect(after.every((e) => e.userId === fresh)).toBe(true);
    // A cursor from before the sweep still reads on from where it was.
    const resumed = (await feed(platform, { after: encodeAfter(before) })).body as Page;
    expect(resumed.events.map((e) => e.id)).toEqual(after.map((e) => e.id));
  });
});

/** A page looks through a bounded window of positions: a narrow filter answers short or empty pages that still move on. */
describe('the change feed with a narrow filter', () => {
  let t: TestApp;
  let token: string;
  let globexUser: string;

  beforeAll(async () => {
    t = await openTestApp({ events: { feedScanPositions: 100 } });
    const { ctx } = t.deps;
    for (const slug of ['acme', 'globex']) await createOrganization(ctx, testOperator, { kind: 'customer', name: slug, slug });
    token = (await createServiceToken(ctx, testOperator, { name: 'portal sync' })).token;
    // 150 events of acme (user created, membership added), then the two of one globex user.
    for (let i = 0; i < 75; i++) await createAccount(ctx, testOperator, { directory: 'local', attributes: { userName: `a${i}@acme.test`, emails: [{ value: `a${i}@acme.test` }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] });
    globexUser = (await createAccount(ctx, testOperator, { directory: 'local', attributes: { userName: 'g@globex.test', emails: [{ value: 'g@globex.test' }] }, memberships: [{ organization: 'globex', role: 'standard-user' }] })).id;
  });
  afterAll(() => t.close());

  const page = async (query: Record<string, string | number>) => {
    const answer = await request(t.app).get(`${API}/events`).query(query).set('Authorization', `Bearer ${token}`);
    expect(answer.status).toBe(200);
    return answer.body as Page;
  };

  it('answers an empty page past the positions it looked through, then the events, then that it has caught up', async () => {
    const first = await page({ organization: 'globex' });
    expect(first).toEqual({ events: [], next_cursor: expect.any(String), has_more: true });
    const second = await page({ organization: 'globex', after: first.next_cursor! });
    expect(second.events.map((e) => [e.type, e.userId])).toEqual([
      ['user.created', globexUser],
      ['membership.added', globexUser],
    ]);
    expect(second.has_more).toBe(false);
    // Caught up: the same cursor comes back until something new commits.
    const third = await page({ organization: 'globex', after: second.next_cursor! });
    expect(third).toEqual({ events: [], next_cursor: second.next_cursor, has_more: false });
  });

  it('ends a full page at its last event, with more to read', async () => {
    const full = await page({ limit: 10 });
    expect(full.events.map((e) => e.position)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(full.has_more).toBe(true);
    const next = await page({ limit: 10, after: full.next_cursor! });
    expect(next.events[0]!.position).toBe(11);
  });
});
