import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization, getOrganization } from '../../src/identity/organizations.js';
import { searchUsers } from '../../src/identity/search/searchUsers.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('searchUsers (conditions compiled to SQL)', () => {
  let deps: TestDeps;
  let dir: string;
  const names = async (query: Parameters<typeof searchUsers>[1]) => (await searchUsers(deps.ctx, query)).items.map((u) => u.userName);

  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    dir = (await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'search-idp' })).id;
    await aUser(deps.ctx, { directory: 'search-idp', userName: 'Zed@x.test', attributes: { userName: 'Zed@x.test', title: 'Ünïcode Boss', externalId: 'A_1' } });
    await aUser(deps.ctx, { directory: 'search-idp', userName: 'amy@x.test', attributes: { userName: 'amy@x.test', title: '50% off', externalId: 'a_1' } });
    await aUser(deps.ctx, { directory: 'search-idp', userName: 'bob@x.test', attributes: { userName: 'bob@x.test', externalId: 'b*1' } });
    await aUser(deps.ctx, { directory: 'local', userName: 'amy@x.test' });
  });
  afterAll(() => deps.close());

  const page = { startIndex: 1, count: 10 };

  it('stays inside the scope, counts all matches and pages without overlap even when creation times tie', async () => {
    const scope = { directoryId: dir };
    const all = await searchUsers(deps.ctx, { scope, page });
    expect(all.total).toBe(3);
    const first = await names({ scope, page: { startIndex: 1, count: 2 } });
    const rest = await names({ scope, page: { startIndex: 3, count: 2 } });
    expect([...first, ...rest].sort()).toEqual(all.items.map((u) => u.userName).sort());
    expect((await searchUsers(deps.ctx, { scope, page: { startIndex: 9, count: 2 } })).items).toEqual([]);
  });

  it('keeps the sort order on a later page (its ids are chosen first, then read), and answers past the end with the total', async () => {
    const scope = { directoryId: dir };
    const sorted = await names({ scope, sort: { field: 'userName', descending: true }, page: { startIndex: 1, count: 10 } });
    expect(sorted).toEqual(['Zed@x.test', 'bob@x.test', 'amy@x.test']);
    expect(await names({ scope, sort: { field: 'userName', descending: true }, page: { startIndex: 2, count: 2 } })).toEqual(sorted.slice(1, 3));
    expect(await names({ scope, page: { startIndex: 2, count: 1 } })).toHaveLength(1);
    const past = await searchUsers(deps.ctx, { scope, where: { some: { collection: 'emails', where: { test: { field: 'type', op: 'le', value: 'z', ignoreCase: true } } } }, page: { startIndex: 2 ** 31 - 1, count: 5 } });
    expect(past).toEqual({ total: 3, items: [] }); // each has a work email
    expect(await searchUsers(deps.ctx, { scope, page: { startIndex: 2 ** 31 - 1, count: 5 } })).toEqual({ total: 3, items: [] });
  });

  it('treats missing values as false, so that NOT keeps its meaning', async () => {
    const scope = { directoryId: dir };
    expect(await names({ scope, where: { not: { test: { field: 'title', op: 'eq', value: 'x' } } }, sort: { field: 'userName' }, page })).toEqual(['amy@x.test', 'bob@x.test', 'Zed@x.test']);
    expect(await names({ scope, where: { test: { field: 'title', op: 'ne', value: '50% off' } }, sort: { field: 'userName' }, page })).toEqual(['bob@x.test', 'Zed@x.test']);
    expect(await names({ scope, where: { not: { test: { field: 'title', op: 'pr' } } }, page })).toEqual(['bob@x.test']);
  });

  it('escapes LIKE wildcards, respects case-exactness (GLOB on SQLite), and sorts missing values last', async () => {
    const scope = { directoryId: dir };
    expect(await names({ scope, where: { test: { field: 'title', op: 'co', value: '0%' } }, page })).toEqual(['amy@x.test']);
    expect(await names({ scope, where: { test: { field: 'externalId', op: 'sw', value: 'A_' } }, page })).toEqual(['Zed@x.test']);
    expect(await names({ scope, where: { test: { field: 'externalId', op: 'co', value: '*' } }, page })).toEqual(['bob@x.test']);
    expect(await names({ scope, where: { test: { field: 'externalId', op: 'co', value: '_1', ignoreCase: true } }, sort: { field: 'userName' }, page })).toEqual(['amy@x.test', 'Zed@x.test']);
    expect(await names({ scope, sort: { field: 'title' }, page })).toEqual(['amy@x.test', 'Zed@x.test', 'bob@x.test']);
    expect(await names({ scope, sort: { field: 'title', descending: true }, page })).toEqual(['Zed@x.test', 'amy@x.test', 'bob@x.test']);
  });

  it('compares userName through its normalised column, for any case', async () => {
    expect(await names({ scope: { directoryId: dir }, where: { test: { field: 'userName', op: 'eq', value: 'ZED@X.TEST' } }, page })).toEqual(['Zed@x.test']);
    expect(await names({ where: { test: { field: 'userName', op: 'eq', value: 'AMY@x.test' } }, sort: { field: 'userName' }, page })).toHaveLength(2);
  });

  it('refuses fields it does not know and operators that make no sense', async () => {
    await expect(searchUsers(deps.ctx, { where: { test: { field: 'password', op: 'eq', value: 'x' } }, page })).rejects.toMatchObject({ code: 'search.unknown_field' });
    await expect(searchUsers(deps.ctx, { where: { test: { field: 'active', op: 'gt', value: true } }, page })).rejects.toMatchObject({ code: 'search.invalid_value' });
    await expect(searchUsers(deps.ctx, { where: { test: { field: 'createdAt', op: 'co', value: '2026' } }, page })).rejects.toMatchObject({ code: 'search.invalid_operator' });
    await expect(searchUsers(deps.ctx, { sort: { field: 'emails' }, page })).rejects.toMatchObject({ code: 'search.unsortable' });
  });

  it('limits an organization-scoped search to the organization\'s users', async () => {
    const member = await aUser(deps.ctx, { directory: 'local', memberships: [{ organization: 'acme', role: 'standard-user' }] });
    const acme = (await searchUsers(deps.ctx, { scope: { organizationIds: [(await getOrganization(deps.ctx, testOperator, 'acme')).id] }, page })).items;
    expect(acme.map((u) => u.id)).toEqual([member.id]);
    expect((await searchUsers(deps.ctx, { scope: { organizationIds: [] }, page })).total).toBe(0);
  });
});
