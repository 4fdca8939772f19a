import { isUniqueViolation, jsonObjectOf, numberPlaceholders, readJsonObject, selectRows } from '../../src/db/rows.js';
import { readUsers } from '../../src/identity/userView.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('plain SQL reads on the driver (db.rows)', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('reads a user as the model instance holds it: dates, booleans, integers and JSON alike', async () => {
    const created = await aUser(deps.ctx, { attributes: { userName: 'rows@x.test', extra: { addresses: [{ locality: 'Reno' }] } } });
    const model = await deps.db.models.User.findByPk(created.id);
    const [record] = await readUsers(deps.ctx, [created.id]);
    expect(record).toBeDefined();
    // Every column but the folded copies, which only filters read (a view never needs them).
    for (const key of Object.keys(deps.db.models.User.getAttributes()) as Array<keyof typeof record & string>) {
      if ((key as string) === 'folded') continue;
      expect([key, record![key]]).toEqual([key, model!.get(key)]);
    }
    expect(record).not.toHaveProperty('folded');
    expect(record!.createdAt).toBeInstanceOf(Date);
    expect(record!.extra).toEqual({ addresses: [{ locality: 'Reno' }] });
    expect(record!.isPlatformAdmin).toBe(false);
    expect(record!.version).toBe(1);
  });

  it('compares Date parameters with stored dates as sequelize writes them', async () => {
    const user = await aUser(deps.ctx);
    const since = async (date: Date) => (await deps.db.rows<{ id: string }>('SELECT id FROM users WHERE id = ? AND created_at >= ?', [user.id, date])).length;
    expect(await since(new Date(Date.parse(user.createdAt) - 1000))).toBe(1);
    expect(await since(new Date(Date.parse(user.createdAt) + 1000))).toBe(0);
  });

  it('reads on the surrounding transaction: its own uncommitted rows, which nobody else sees yet', async () => {
    const seen: number[] = [];
    await expect(
      deps.db.tx(async () => {
        const user = await aUser(deps.ctx, { userName: 'uncommitted@x.test' });
        seen.push((await deps.db.rows('SELECT id FROM users WHERE id = ?', [user.id])).length);
        // Outside the transaction (no transaction given): the row is not there.
        seen.push((await selectRows(deps.db.sequelize, deps.db.dialect, undefined, 'SELECT id FROM users WHERE id = ?', [user.id])).length);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(seen).toEqual([1, 0]);
    expect(await deps.db.rows("SELECT id FROM users WHERE user_name = 'uncommitted@x.test'")).toEqual([]);
  });

  it('answers an error for bad SQL, every time, and goes on answering good queries', async () => {
    // node-sqlite3 never calls back on a statement whose preparation failed: such a statement must not be reused.
    for (let i = 0; i < 2; i++) await expect(deps.db.rows('SELECT no_such_column FROM users')).rejects.toThrow(/no_such_column|does not exist/);
    const user = await aUser(deps.ctx);
    expect(await deps.db.rows<{ id: string }>('SELECT id FROM users WHERE id = ?', [user.id])).toEqual([{ id: user.id }]);
  });

  it('reads correctly with more distinct queries than statements kept, and with the same query run concurrently', async () => {
    const users = await Promise.all([0, 1, 2].map((i) => aUser(deps.ctx, { userName: `many${i}@x.test` })));
    const distinct = Array.from({ length: 300 }, (_, i) => deps.db.rows<{ id: string; n: number | string }>(`SELECT id, ${i} AS n FROM users WHERE id = ?`, [users[i % 3]!.id]));
    const answers = await Promise.all(distinct);
    answers.forEach((rows, i) => expect(rows.map((r) => [r.id, Number(r.n)])).toEqual([[users[i % 3]!.id, i]]));
    const same = await Promise.all(users.map((u) => deps.db.rows<{ userName: string }>('SELECT user_name AS "userName" FROM users WHERE id = ?', [u.id])));
    expect(same.map((rows) => rows[0]!.userName)).toEqual(['many0@x.test', 'many1@x.test', 'many2@x.test']);
  });

  it('closes a database whose connections hold prepared statements', async () => {
    const other = await openTestDeps();
    const user = await aUser(other.ctx);
    await other.db.rows('SELECT id FROM users WHERE id = ?', [user.id]);
    await other.db.tx(() => other.db.rows('SELECT id FROM users WHERE id = ?', [user.id]));
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('writes whole rows in plain SQL as the model would: defaults, booleans, dates and JSON, read back alike', async () => {
    const now = new Date('2026-03-04T05:06:07.089Z');
    const [directory] = await deps.db.rows<{ id: string }>("SELECT id FROM directories WHERE name = 'local'");
    const record = { id: deps.ctx.random.uuid(), directoryId: directory!.id, userName: 'Plain@x.test', userNameNormalized: 'plain@x.test', extra: { roles: [{ value: 'a' }] }, status: 'ACTIVE', isPlatformAdmin: true, createdAt: now, updatedAt: now };
    await deps.db.tx(() => deps.db.insert(deps.db.models.User, [record]));
    const model = await deps.db.models.User.findByPk(record.id);
    expect(model?.get({ plain: true })).toMatchObject({ ...record, externalId: null, sdkAccess: false, version: 1, lastSignInAt: null });
    expect(await deps.db.tx(() => deps.db.execute('UPDATE users SET title = ? WHERE id = ? OR id = ?', ['Boss', record.id, 'nobody']))).toBe(1);
  });

  it('tells a unique constraint refusing a write from other errors, on both databases', async () => {
    await aUser(deps.ctx, { userName: 'unique@x.test' });
    const other = await aUser(deps.ctx, { userName: 'other@x.test' });
    const refused = await deps.db.tx(() => deps.db.execute('UPDATE users SET user_name_normalized = ? WHERE id = ?', ['unique@x.test', other.id])).then(() => undefined, (error: unknown) => error);
    expect(isUniqueViolation(refused)).toBe(true);
    const syntax = await deps.db.execute('UPDATE nowhere SET x = 1').then(() => undefined, (error: unknown) => error);
    expect(syntax).toBeDefined();
    expect(isUniqueViolation(syntax)).toBe(false);
  });

  it('builds JSON objects of more pairs than one database call takes', async () => {
    const pairs = Array.from({ length: 60 }, (_, i) => `'k${i}', ${i}`);
    const [row] = await deps.db.rows(`SELECT ${jsonObjectOf(deps.db.dialect, pairs)} AS o`);
    expect(readJsonObject(row!.o)).toEqual(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i])));
  });

  it('numbers placeholders for PostgreSQL, leaving question marks inside literals alone', () => {
    expect(numberPlaceholders("SELECT a FROM t WHERE b = ? AND c = 'why?' AND d IN (?, ?) AND e = 'it''s ?'")).toBe(
      "SELECT a FROM t WHERE b = $1 AND c = 'why?' AND d IN ($2, $3) AND e = 'it''s ?'",
    );
  });
});
