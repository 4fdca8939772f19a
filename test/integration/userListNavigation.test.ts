import { jest } from '@jest/globals';
import { createAccount } from '../../src/identity/accounts/create.js';
import { findListNeighbours } from '../../src/identity/accounts/neighbours.js';
import { accountPermissions, listAccountPermissions } from '../../src/identity/accounts/permissions.js';
import { ADMIN_SORTS, listAccounts, type AdminUserQuery } from '../../src/identity/accounts/read.js';
import { lockAccount } from '../../src/identity/accounts/status.js';
import { createOrganization } from '../../src/identity/organizations.js';
import type { Principal } from '../../src/identity/principal.js';
import { completeSignIn, signInWithPassword } from '../../src/identity/selfService/signIn.js';
import { enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { organizationAdministrator } from '../helpers/principals.js';

/**
 * The administration list as the domain answers it: a search covers every status unless one is chosen, LOCKED covers
 * both locked statuses, each row's permissions come in a fixed number of queries, and a user's previous and next in a
 * list are found from the same query, across pages.
 */
describe('the administration list (domain)', () => {
  let deps: TestDeps;
  const id: Record<string, string> = {};
  let riverAdmin: Principal;

  /** Users of River by last name, in alphabetical order; some active (a password given), one provisioned. */
  async function person(familyName: string, organization: string, role: string, options: { active?: boolean } = {}): Promise<void> {
    const email = `${familyName.toLowerCase()}@list.test`;
    const user = await createAccount(deps.ctx, testOperator, {
      directory: 'local',
      attributes: { userName: email, name: { givenName: 'Pat', familyName }, emails: [{ value: email, primary: true }] },
      memberships: [{ organization, role }],
      ...(options.active === false ? {} : { password: GOOD_PASSWORD }),
    });
    id[familyName] = user.id;
  }

  const ids = (list: { users: Array<{ id: string }> }) => list.users.map((u) => u.id);
  const names = (...familyNames: string[]) => familyNames.map((n) => id[n]);

  beforeAll(async () => {
    deps = await openTestDeps({ overrides: { lockout: { threshold: 1 } } });
    const ctx = deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await person('Adams', 'river', 'operator');
    await person('Baker', 'river', 'viewer', { active: false });
    await person('Clark', 'river', 'viewer');
    await person('Diaz', 'river', 'operator');
    await person('Evans', 'river', 'viewer');
    await person('Fischer', 'river', 'viewer');
    await person('Garcia', 'acme', 'standard-user');
    await person('Hughes', 'river', 'administrator');
    await lockAccount(ctx, testOperator, id.Clark as string);
    // One wrong password locks (threshold 1): Fischer is auto-locked.
    await signInWithPassword(ctx, { identifier: 'fischer@list.test', password: 'not the password' });
    riverAdmin = await organizationAdministrator(ctx, { river: 'administrator' });
    // Two users have signed in (at the same moment): the last sign-in sorts with ties and missing values.
    await completeSignIn(ctx, id.Adams as string, ['pwd']);
    await completeSignIn(ctx, id.Evans as string, ['pwd']);
  });
  afterAll(() => deps.close());

  describe('listAccounts: statuses', () => {
    it('lists ACTIVE users only when nothing is searched and no status is chosen', async () => {
      expect(ids(await listAccounts(deps.ctx, testOperator, {}))).toEqual(names('Adams', 'Diaz', 'Evans', 'Garcia', 'Hughes'));
    });

    it('searches every status when no status is chosen, and only the chosen one when one is', async () => {
      const found = await listAccounts(deps.ctx, testOperator, { search: 'BAKER' });
      expect(found.users.map((u) => [u.id, u.status])).toEqual([[id.Baker, 'PROVISIONED']]);
      expect(ids(await listAccounts(deps.ctx, testOperator, { search: 'list.test' }))).toHaveLength(8);
      expect(ids(await listAccounts(deps.ctx, testOperator, { search: 'baker', status: ['ACTIVE'] }))).toEqual([]);
      expect(ids(await listAccounts(deps.ctx, testOperator, { search: 'baker', status: ['PROVISIONED'] }))).toEqual([id.Baker]);
    });

    it('takes LOCKED for both locked statuses, alone or with others, and keeps the finer choices', async () => {
      const locked = await listAccounts(deps.ctx, testOperator, { status: ['LOCKED'] });
      expect(locked.users.map((u) => [u.id, u.status])).toEqual([
        [id.Clark, 'LOCKED_BY_ADMIN'],
        [id.Fischer, 'AUTO_LOCKED'],
      ]);
      expect(ids(await listAccounts(deps.ctx, testOperator, { status: ['LOCKED', 'PROVISIONED'] }))).toEqual(names('Baker', 'Clark', 'Fischer'));
      expect(ids(await listAccounts(deps.ctx, testOperator, { status: ['AUTO_LOCKED'] }))).toEqual([id.Fischer]);
      expect(ids(await listAccounts(deps.ctx, testOperator, { status: ['LOCKED_BY_ADMIN'] }))).toEqual([id.Clark]);
    });

    it('refuses an unknown status, naming the choices', async () => {
      await expect(listAccounts(deps.ctx, testOperator, { status: ['SLEEPING' as never] })).rejects.toMatchObject({ code: 'user.status_unknown', field: 'status', message: expect.stringContaining('LOCKED (both locked statuses)') });
    });
  });

  describe('listAccountPermissions', () => {
    it('gives each listed user the same permissions as its own page, in a fixed number of queries', async () => {
      await enrolTotp(deps.ctx, id.Adams as string);
      const everyone = (await listAccounts(deps.ctx, riverAdmin, { status: 'all' })).users;
      // Count every statement: plain SQL (db.rows) and sequelize's (the models).
      let queries = 0;
      const rows = deps.ctx.db.rows;
      const spy = jest.spyOn(deps.ctx.db, 'rows').mockImplementation(((sql: string, params?: readonly unknown[]) => {
        queries += 1;
        return rows(sql, params);
      }) as typeof rows);
      deps.ctx.db.sequelize.addHook('beforeQuery', 'count-queries', () => {
        queries += 1;
      });
      let listed;
      try {
        listed = await listAccountPermissions(deps.ctx, riverAdmin, everyone);
      } finally {
        spy.mockRestore();
        deps.ctx.db.sequelize.removeHook('beforeQuery', 'count-queries');
      }
      // The local directory and the authenticators: whatever the number of users (the local directory may be cached).
      expect(queries).toBeGreaterThanOrEqual(1);
      expect(queries).toBeLessThanOrEqual(2);
      expect(everyone.length).toBe(7);
      for (const user of everyone) expect(listed.get(user.id)).toEqual(await accountPermissions(deps.ctx, riverAdmin, user.id));
    });

    it('offers each user the actions its status allows and the policy gives this administrator', async () => {
      const users = (await listAccounts(deps.ctx, riverAdmin, { status: 'all' })).users;
      const of = async (name: string) => (await listAccountPermissions(deps.ctx, riverAdmin, users)).get(id[name] as string)!;
      expect(await of('Adams')).toMatchObject({ actions: ['lock', 'send_password_reset', 'reset_mfa', 'deactivate'], mayEdit: true, mayDelete: true, removableFrom: ['river'], mfaEnrolled: true });
      expect((await of('Baker')).actions).toEqual(['lock', 'resend_activation', 'deactivate']);
      expect((await of('Clark')).actions).toEqual(expect.arrayContaining(['unlock']));
      expect((await of('Fischer')).actions).toEqual(expect.arrayContaining(['unlock']));
      // Level with the administrator: no credentials, no removal above its rights.
      expect(await of('Hughes')).toMatchObject({ actions: ['lock', 'deactivate'], removableFrom: ['river'] });
    });

    it('gives nothing for a user the principal does not see', async () => {
      const garcia = (await listAccounts(deps.ctx, testOperator, { search: 'garcia' })).users;
      expect((await listAccountPermissions(deps.ctx, riverAdmin, garcia)).size).toBe(0);
    });
  });

  describe('findListNeighbours', () => {
    const around = async (principal: Principal, query: AdminUserQuery, name: string) => {
      const n = await findListNeighbours(deps.ctx, principal, query, id[name] as string);
      return { previous: n.previous?.id ?? null, next: n.next?.id ?? null, position: n.position, total: n.total, page: n.page, inList: n.inList };
    };

    it('finds the users before and after in the list order, with the place and the page', async () => {
      // ACTIVE by last name: Adams, Diaz, Evans, Garcia, Hughes.
      expect(await around(testOperator, {}, 'Diaz')).toEqual({ previous: id.Adams, next: id.Evans, position: 2, total: 5, page: 1, inList: true });
      expect(await around(testOperator, {}, 'Adams')).toMatchObject({ previous: null, next: id.Diaz, position: 1 });
      expect(await around(testOperator, {}, 'Hughes')).toMatchObject({ previous: id.Garcia, next: null, position: 5 });
      const diaz = await findListNeighbours(deps.ctx, testOperator, {}, id.Diaz as string);
      expect(diaz.previous).toMatchObject({ userName: 'adams@list.test', name: { givenName: 'Pat', familyName: 'Adams' } });
    });

    it('crosses page boundaries, each neighbour on its own page', async () => {
      const query: AdminUserQuery = { status: 'all', pageSize: 3, page: 1 };
      // Every status by last name: Adams Baker Clark | Diaz Evans Fischer | Garcia Hughes.
      const clark = await findListNeighbours(deps.ctx, testOperator, query, id.Clark as string);
      expect([clark.previous?.id, clark.previous?.page, clark.next?.id, clark.next?.page, clark.page]).toEqual([id.Baker, 1, id.Diaz, 2, 1]);
      const diaz = await findListNeighbours(deps.ctx, testOperator, { ...query, page: 2 }, id.Diaz as string);
      expect([diaz.previous?.id, diaz.previous?.page, diaz.next?.id, diaz.page]).toEqual([id.Clark, 1, id.Evans, 2]);
      expect(await around(testOperator, query, 'Garcia')).toMatchObject({ previous: id.Fischer, next: id.Hughes, position: 7, total: 8, page: 3 });
    });

    it('follows the search, the filters and the sort of the list', async () => {
      expect(await around(testOperator, { search: 'list.test', status: ['LOCKED'] }, 'Clark')).toMatchObject({ previous: null, next: id.Fischer, total: 2 });
      expect(await around(testOperator, { status: 'all', sort: 'familyName', descending: true }, 'Diaz')).toMatchObject({ previous: id.Evans, next: id.Clark });
      expect(await around(testOperator, { status: 'all', organization: 'river', role: 'operator' }, 'Adams')).toMatchObject({ previous: null, next: id.Diaz, total: 2 });
      expect(await around(testOperator, { status: 'all', sort: 'role' }, 'Hughes')).toMatchObject({ previous: null, position: 1 });
    });

    it('answers for a user that has left the list: the users around its place', async () => {
      // Clark is locked: not in the default (ACTIVE) list, between Adams and Diaz.
      expect(await around(testOperator, {}, 'Clark')).toEqual({ previous: id.Adams, next: id.Diaz, position: 2, total: 5, page: 1, inList: false });
    });

    it('stays within what the principal sees', async () => {
      // Garcia (Acme) is out of the River administrator's sight: neither a neighbour nor a user to ask about.
      expect(await around(riverAdmin, {}, 'Evans')).toMatchObject({ previous: id.Diaz, next: id.Hughes, total: 4 });
      await expect(findListNeighbours(deps.ctx, riverAdmin, {}, id.Garcia as string)).rejects.toMatchObject({ kind: 'not_found' });
    });

    it('agrees with the list\'s own order for every sort, both ways, with ties and missing values', async () => {
      // A user of no organization has no role to sort by.
      await createAccount(deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'nobody@list.test', name: { givenName: 'Pat', familyName: 'Ingram' }, emails: [{ value: 'nobody@list.test', primary: true }] }, password: GOOD_PASSWORD });
      for (const sort of ADMIN_SORTS) {
        for (const descending of [false, true]) {
          const query: AdminUserQuery = { status: 'all', sort, descending, pageSize: 500 };
          const order = ids(await listAccounts(deps.ctx, testOperator, query));
          const found = [];
          for (const userId of order) {
            const n = await findListNeighbours(deps.ctx, testOperator, query, userId as string);
            found.push([n.previous?.id ?? null, n.next?.id ?? null, n.position]);
          }
          const expected = order.map((_, i) => [order[i - 1] ?? null, order[i + 1] ?? null, i + 1]);
          expect([sort, descending, found]).toEqual([sort, descending, expected]);
        }
      }
    });

    it('refuses a query the list refuses (a one-character search)', async () => {
      await expect(findListNeighbours(deps.ctx, testOperator, { search: 'a' }, id.Adams as string)).rejects.toMatchObject({ code: 'search.too_short' });
    });
  });
});
