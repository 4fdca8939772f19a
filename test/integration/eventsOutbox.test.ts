import { systemActor } from '../../src/identity/actor.js';
import { emitEvent } from '../../src/identity/events.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';

/** The events outbox: an event exists exactly when its transaction committed, with positions in commit order. */
describe('the events outbox', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  const positions = async () => (await deps.db.models.EventRecord.findAll({ order: [['position', 'ASC']] })).map((e) => [e.position, e.type, e.userId]);

  it('writes the events of a committed transaction, numbered in order, and none of one that rolled back', async () => {
    const { ctx } = deps;
    await ctx.db.tx(async (t) => {
      emitEvent(ctx, t, systemActor, { type: 'user.created', organizationIds: ['o1'], userId: 'u1', data: { userName: 'a' } });
      emitEvent(ctx, t, systemActor, { type: 'membership.added', organizationIds: ['o1'], userId: 'u1', data: { role: 'viewer' } });
    });
    await expect(
      ctx.db.tx(async (t) => {
        emitEvent(ctx, t, systemActor, { type: 'user.deleted', organizationIds: ['o1'], userId: 'u1', data: {} });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    await ctx.db.tx(async (t) => emitEvent(ctx, t, systemActor, { type: 'user.updated', organizationIds: [], userId: 'u2', data: { changed: ['title'] } }));
    expect(await positions()).toEqual([
      [1, 'user.created', 'u1'],
      [2, 'membership.added', 'u1'],
      [3, 'user.updated', 'u2'],
    ]);
  });

  it('refuses an event carrying a secret, whatever its depth', async () => {
    const { ctx } = deps;
    await expect(ctx.db.tx(async (t) => emitEvent(ctx, t, systemActor, { type: 'user.updated', organizationIds: [], data: { user: { password: 'x' } } }))).rejects.toThrow('data.user.password');
  });

  it('gives concurrent transactions contiguous positions, one per event, none repeated or skipped', async () => {
    const { ctx } = deps;
    const before = (await positions()).length;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx.db.tx(async (t) => {
          emitEvent(ctx, t, systemActor, { type: 'user.updated', organizationIds: [], userId: `c${i}`, data: {} });
          await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
        }),
      ),
    );
    const all = await positions();
    expect(all.slice(before).map((row) => row[0])).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
  });

  it('never hands out a position again, also once retention has deleted every event, and the sequence follows', async () => {
    const { ctx } = deps;
    const last = Math.max(...(await positions()).map((row) => Number(row[0])));
    await deps.db.execute('DELETE FROM events');
    await ctx.db.tx(async (t) => {
      emitEvent(ctx, t, systemActor, { type: 'user.created', organizationIds: [], userId: 'n1', data: {} });
      emitEvent(ctx, t, systemActor, { type: 'user.updated', organizationIds: [], userId: 'n1', data: {} });
    });
    expect(await positions()).toEqual([
      [last + 1, 'user.created', 'n1'],
      [last + 2, 'user.updated', 'n1'],
    ]);
    const [sequence] = await deps.db.rows<{ last: number | string }>('SELECT last_position AS last FROM event_sequence WHERE id = 1', []);
    expect(Number(sequence?.last)).toBe(last + 2);
  });

  it('writes a transaction of thousands of events (a large group change) in order, the last ones too', async () => {
    const { ctx } = deps;
    const before = (await positions()).length;
    const first = before === 0 ? 1 : Math.max(...(await positions()).map((row) => Number(row[0]))) + 1;
    await ctx.db.tx(async (t) => {
      for (let i = 0; i < 4500; i++) emitEvent(ctx, t, systemActor, { type: 'membership.added', organizationIds: ['o1'], userId: `m${i}`, data: { n: i } });
    });
    const written = (await positions()).slice(before);
    expect(written).toHaveLength(4500);
    expect(written.map((row) => row[0])).toEqual(Array.from({ length: 4500 }, (_, i) => first + i));
    expect(written.map((row) => row[2])).toEqual(Array.from({ length: 4500 }, (_, i) => `m${i}`));
  });
});
