import { deleteAccount } from '../../src/identity/accounts/remove.js';
import { migrateDown, migrateUp } from '../../src/db/migrator.js';
import { createDirectory, deleteDirectory } from '../../src/identity/directories.js';
import { searchUsers } from '../../src/identity/search/searchUsers.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';
import { seedUsers } from '../helpers/scim.js';

/** The users of each directory are counted by triggers (an unfiltered SCIM list's total), on both databases. */
describe('directory user counts', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  const kept = async () =>
    Object.fromEntries((await deps.db.rows<{ id: string; n: number | string }>('SELECT directory_id AS id, users AS n FROM directory_user_counts')).map((r) => [r.id, Number(r.n)]));
  const counted = async () =>
    Object.fromEntries((await deps.db.rows<{ id: string; n: number | string }>('SELECT directory_id AS id, COUNT(*) AS n FROM users GROUP BY directory_id')).map((r) => [r.id, Number(r.n)]));
  const total = async (directoryId: string) => (await searchUsers(deps.ctx, { scope: { directoryId }, page: { startIndex: 1, count: 1 } })).total;

  it('follow every create and delete, bulk inserts included, and go with their directory', async () => {
    const a = await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'counted-a' });
    const b = await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'counted-b' });
    const first = await aUser(deps.ctx, { directory: 'counted-a' });
    await aUser(deps.ctx, { directory: 'counted-a' });
    const inB = await aUser(deps.ctx, { directory: 'counted-b' });
    await seedUsers(deps, a.id, 5, 'bulk');
    await deleteAccount(deps.ctx, testOperator, first.id);
    expect(await kept()).toEqual(await counted());
    expect([await total(a.id), await total(b.id)]).toEqual([6, 1]);

    await deleteAccount(deps.ctx, testOperator, inB.id);
    await deleteDirectory(deps.ctx, testOperator, 'counted-b');
    expect(await kept()).toEqual(await counted());
    expect(await total(b.id)).toBe(0);
  });

  it('give a filtered list, or one limited to organizations, its own count', async () => {
    const c = await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'counted-c' });
    await aUser(deps.ctx, { directory: 'counted-c', userName: 'one@c.test' });
    await aUser(deps.ctx, { directory: 'counted-c', userName: 'two@c.test' });
    const filtered = await searchUsers(deps.ctx, { scope: { directoryId: c.id }, where: { test: { field: 'userName', op: 'sw', value: 'one' } }, page: { startIndex: 1, count: 1 } });
    expect(filtered.total).toBe(1);
    const limited = await searchUsers(deps.ctx, { scope: { directoryId: c.id, organizationIds: [] }, page: { startIndex: 1, count: 1 } });
    expect(limited.total).toBe(0);
  });

  it('are filled in for users that existed before the migration', async () => {
    await migrateDown(deps.db, { to: '20261202100000-count-directory-users' });
    const d = await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'counted-d' });
    await seedUsers(deps, d.id, 3, 'before');
    await migrateUp(deps.db);
    expect(await kept()).toEqual(await counted());
    expect(await total(d.id)).toBe(3);
  });
});
