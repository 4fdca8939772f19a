import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createGroup } from '../../src/identity/groups.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createRoleMapping } from '../../src/identity/roleMappings.js';
import { searchUsers } from '../../src/identity/search/searchUsers.js';
import { viewUser } from '../../src/identity/userView.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';

/** A user's view is read in one query (its lists, memberships and groups as JSON columns) on both databases. */
describe('the user view', () => {
  let deps: TestDeps;
  let full: string;
  let bare: string;
  let groups: { ops: string; zeta: string };
  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: 'lake' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'entra', organizations: ['acme', 'lake'] });
    await createRoleMapping(deps.ctx, testOperator, { directory: 'entra', matchType: 'pattern', matchValue: 'Water-*', organization: 'lake', role: 'operator' });
    full = (
      await createAccount(deps.ctx, testOperator, {
        directory: 'entra',
        attributes: {
          userName: 'full@x.test',
          emails: [{ value: 'home@x.test', type: 'home' }, { value: 'full@x.test', type: 'work', primary: true, display: 'Work' }],
          phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }, { value: '+1 555 0101', type: 'work' }],
        },
        memberships: [{ organization: 'acme', role: 'standard-user' }],
      })
    ).id;
    deps.clock.advance(1000);
    bare = (await createAccount(deps.ctx, testOperator, { directory: 'entra', attributes: { userName: 'bare@x.test' } })).id;
    groups = {
      zeta: (await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Zeta Team', members: [full] })).id,
      ops: (await createGroup(deps.ctx, testOperator, { directory: 'entra', displayName: 'Water-Ops', members: [full] })).id,
    };
  });
  afterAll(() => deps.close());

  it('holds the emails and phone numbers in their order, the memberships by organization with their sources, and the groups by name', async () => {
    const view = await getAccount(deps.ctx, testOperator, full);
    expect(view.emails).toEqual([
      { value: 'home@x.test', type: 'home', primary: false, display: null },
      { value: 'full@x.test', type: 'work', primary: true, display: 'Work' },
    ]);
    // `primary` as sent: neither number was marked primary (the user's phone is then the first).
    expect(view.phoneNumbers.map((p) => [p.value, p.type, p.primary])).toEqual([['+1 555 0100', 'mobile', false], ['+1 555 0101', 'work', false]]);
    expect(view.memberships.map((m) => [m.organization.slug, m.organization.name, m.organization.kind, m.role, m.sources.map((s) => (s.type === 'group' ? `group:${s.group.displayName}` : s.type))])).toEqual([
      ['acme', 'Acme', 'customer', 'standard-user', ['direct']],
      ['lake', 'Lake Water', 'utility', 'operator', ['group:Water-Ops']],
    ]);
    expect(view.groups).toEqual([{ id: groups.ops, displayName: 'Water-Ops' }, { id: groups.zeta, displayName: 'Zeta Team' }]);
  });

  it('gives a user without lists, memberships or groups empty ones', async () => {
    const view = await getAccount(deps.ctx, testOperator, bare);
    expect([view.emails, view.phoneNumbers, view.memberships, view.groups]).toEqual([[], [], [], []]);
  });

  it('is the same whichever way it is read: by id, in a page, in a sorted page, or from a record already read', async () => {
    const byId = await getAccount(deps.ctx, testOperator, full);
    const scope = { directoryId: byId.directoryId };
    const page = await searchUsers(deps.ctx, { scope, page: { startIndex: 1, count: 10 } });
    const sorted = await searchUsers(deps.ctx, { scope, sort: { field: 'userName', descending: true }, page: { startIndex: 1, count: 10 } });
    const record = await deps.db.models.User.findByPk(full);
    expect(page.items.find((u) => u.id === full)).toEqual(byId);
    expect(sorted.items.find((u) => u.id === full)).toEqual(byId);
    expect(await viewUser(deps.ctx, record!)).toEqual(byId);
    expect(page.items.map((u) => u.userName)).toEqual(['full@x.test', 'bare@x.test']);
    expect(sorted.items.map((u) => u.userName)).toEqual(['full@x.test', 'bare@x.test']);
  });

  it('is what creating a user answers, though built from what was written rather than read back', async () => {
    for (const input of [
      { directory: 'entra', attributes: { userName: 'made@x.test', externalId: 'ext-9', name: { givenName: 'Made', familyName: 'New' }, title: 'Buyer', emails: [{ value: 'a@x.test', type: 'home' }, { value: 'made@x.test', type: 'work', primary: true }], phoneNumbers: [{ value: '+1 555 0199' }], enterprise: { department: 'Water', manager: { value: 'boss-id', displayName: 'Boss' } }, extra: { addresses: [{ locality: 'Reno' }] } }, memberships: [{ organization: 'acme', role: 'full-access' }] },
      // A bare user: every optional attribute absent (an SSO directory's: a local user needs an email).
      { directory: 'entra', attributes: { userName: 'plain@x.test' } },
    ]) {
      const created = await createAccount(deps.ctx, testOperator, input);
      expect(created).toEqual(await getAccount(deps.ctx, testOperator, created.id));
    }
  });
});
