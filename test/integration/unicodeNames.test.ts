import { QueryTypes } from 'sequelize';
import { migrations } from '../../migrations/index.js';
import { migrateDown, migrateUp } from '../../src/db/migrator.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { listAccounts } from '../../src/identity/accounts/read.js';
import { createDirectory } from '../../src/identity/directories.js';
import { FOLDED_USER_ATTRIBUTES } from '../../src/identity/folding.js';
import { createGroup } from '../../src/identity/groups.js';
import { searchGroups } from '../../src/identity/search/searchGroups.js';
import { searchUsers } from '../../src/identity/search/searchUsers.js';
import type { Condition } from '../../src/identity/search/condition.js';
import { normalise } from '../../src/identity/validation.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

const page = { startIndex: 1, count: 50 };

describe('names compared after Unicode compatibility normalisation and case folding (the same on both databases)', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'unicode-idp' });
  });
  afterAll(() => deps.close());

  it('folds compatibility forms and case the way the issue lists them', () => {
    expect(normalise('ａｄｍｉｎ')).toBe('admin');
    expect(normalise('ﬀ')).toBe('ff');
    expect(normalise('STRASSE')).toBe(normalise('straße'));
    expect(normalise('ΟΔΟΣ')).toBe(normalise('οδος'));
    expect(normalise('Ñandú')).toBe('ñandú');
    expect(normalise('Ñandú'.normalize('NFD'))).toBe('ñandú');
  });

  it.each([
    ['admin@look.test', 'ａｄｍｉｎ@look.test'],
    ['ff@look.test', 'ﬀ@look.test'],
    ['strasse@look.test', 'STRAẞE@look.test'],
    ['ÑANDÚ@look.test', 'ñandú@look.test'],
  ])('refuses "%s" and "%s" as two users of one directory', async (first, second) => {
    await aUser(deps.ctx, { directory: 'unicode-idp', userName: first });
    await expect(aUser(deps.ctx, { directory: 'unicode-idp', userName: second })).rejects.toMatchObject({ code: 'user.username_taken' });
    const found = await searchUsers(deps.ctx, { where: { test: { field: 'userName', op: 'eq', value: second } }, page });
    expect(found.items.map((u) => u.userName)).toEqual([first]);
  });

  it('refuses a name whose normalised form outgrows its column (ﷺ expands to 18 characters), on both databases alike', async () => {
    await expect(aUser(deps.ctx, { directory: 'unicode-idp', userName: `${'ﷺ'.repeat(20)}@x.test` })).rejects.toMatchObject({ code: 'user.invalid', message: expect.stringContaining('once normalised') });
  });

  it('refuses two group names that fold alike', async () => {
    await createGroup(deps.ctx, testOperator, { directory: 'unicode-idp', displayName: 'Ｏｐｓ Team' });
    await expect(createGroup(deps.ctx, testOperator, { directory: 'unicode-idp', displayName: 'OPS TEAM' })).rejects.toMatchObject({ code: 'group.name_taken' });
  });

  describe('case-insensitive filters on texts without a normalised column', () => {
    let userId: string;
    const value = (attribute: string) => `Ñandú Álvaro ${attribute}`;
    beforeAll(async () => {
      const user = await createAccount(deps.ctx, testOperator, {
        directory: 'unicode-idp',
        attributes: {
          userName: 'alvaro@fold.test',
          displayName: value('displayName'),
          name: { formatted: value('formattedName'), givenName: 'Álvaro', familyName: value('familyName'), middleName: value('middleName'), honorificPrefix: value('honorificPrefix'), honorificSuffix: value('honorificSuffix') },
          nickName: value('nickName'), profileUrl: value('profileUrl'), title: value('title'), userType: value('userType'),
          preferredLanguage: 'ÉS', locale: 'ÉS', timezone: value('timezone'),
          emails: [{ value: 'alvaro@fold.test', type: 'BÜRO', display: 'Ñandú Mail', primary: true }],
          phoneNumbers: [{ value: 'Ñ-100', type: 'BÜRO', display: 'Ñandú Phone', primary: true }],
          enterprise: { employeeNumber: value('employeeNumber'), costCenter: value('costCenter'), organization: value('enterpriseOrganization'), division: value('division'), department: value('department'), manager: { value: value('managerId'), displayName: value('managerDisplayName') } },
        },
      });
      userId = user.id;
    });

    const found = async (where: Condition) => (await searchUsers(deps.ctx, { where, page })).items.map((u) => u.id);
    const stored: Record<string, string> = { givenName: 'Álvaro', preferredLanguage: 'ÉS', locale: 'ÉS', phone: 'Ñ-100' };

    it.each(FOLDED_USER_ATTRIBUTES.map((attribute) => [attribute]))('finds %s with eq and co whatever the case of a non-ASCII letter', async (attribute) => {
      const text = stored[attribute] ?? value(attribute);
      // managerId respects case unless asked (the SCIM filter asks: manager.value is not case-exact).
      const ignoreCase = attribute === 'managerId' ? { ignoreCase: true } : {};
      expect(await found({ test: { field: attribute, op: 'eq', value: text.toLowerCase(), ...ignoreCase } })).toEqual([userId]);
      expect(await found({ test: { field: attribute, op: 'eq', value: text.toUpperCase(), ...ignoreCase } })).toEqual([userId]);
      expect(await found({ test: { field: attribute, op: 'co', value: text.slice(0, 2).toLowerCase(), ...ignoreCase } })).toContain(userId);
      expect(await found({ not: { test: { field: attribute, op: 'eq', value: text.toLowerCase(), ...ignoreCase } } })).not.toContain(userId);
    });

    it('finds emails and phone numbers by type and display, ignoring case', async () => {
      expect(await found({ some: { collection: 'emails', where: { test: { field: 'type', op: 'eq', value: 'büro' } } } })).toEqual([userId]);
      expect(await found({ some: { collection: 'emails', where: { test: { field: 'display', op: 'sw', value: 'ñandú' } } } })).toEqual([userId]);
      expect(await found({ some: { collection: 'phoneNumbers', where: { test: { field: 'value', op: 'eq', value: 'ñ-100' } } } })).toEqual([userId]);
      expect(await found({ some: { collection: 'phoneNumbers', where: { test: { field: 'display', op: 'ew', value: 'PHONE' } } } })).toEqual([userId]);
    });

    it('keeps the folded forms current when the user changes', async () => {
      await deps.services.accounts.update(testOperator, userId, { title: 'Ébéniste' });
      expect(await found({ test: { field: 'title', op: 'eq', value: 'ÉBÉNISTE' } })).toEqual([userId]);
      expect(await found({ test: { field: 'title', op: 'eq', value: value('title') } })).toEqual([]);
    });

    it('finds Álvaro from the administration search typed "álv" or "ÁLV"', async () => {
      for (const search of ['álv', 'ÁLV', 'Álv']) expect((await listAccounts(deps.ctx, testOperator, { search, status: 'all' })).users.map((u) => u.id)).toEqual([userId]);
    });

    it('finds a group by a member whose display name differs in case', async () => {
      const group = await createGroup(deps.ctx, testOperator, { directory: 'unicode-idp', displayName: 'Ñandú Crew', members: [userId] });
      const groups = await searchGroups(deps.ctx, testOperator, { where: { some: { collection: 'members', where: { test: { field: 'display', op: 'co', value: 'ÑANDÚ ÁLVARO' } } } }, page, members: false });
      expect(groups.items.map((g) => g.id)).toEqual([group.id]);
      const byName = await searchGroups(deps.ctx, testOperator, { where: { test: { field: 'displayName', op: 'eq', value: 'ñandú crew' } }, page, members: false });
      expect(byName.items.map((g) => g.id)).toEqual([group.id]);
    });
  });
});

describe('the migration that re-normalises names', () => {
  let deps: TestDeps;
  const FOLD = '20261206100000-fold-compatibility-and-case';
  /** FOLD and every migration after it: what going down to FOLD undoes and going up applies again. */
  const FROM_FOLD = migrations.map((m) => m.name).slice(migrations.findIndex((m) => m.name === FOLD));
  const warnings: Array<{ message: string; details: unknown }> = [];
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  const rows = <T extends object>(sql: string, replacements: unknown[] = []) => deps.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements });

  it('re-normalises and folds existing rows, and reports (without merging) names that would now collide', async () => {
    await migrateDown(deps.db, { to: FOLD });
    const [directory] = await rows<{ id: string }>("SELECT id FROM directories WHERE kind = 'local'");
    const insert = async (id: string, userName: string, previous: string, minute: number, displayName: string | null = null) => {
      const at = new Date(Date.UTC(2026, 0, 1, 0, minute));
      await deps.db.sequelize.query(
        'INSERT INTO users (id, directory_id, user_name, user_name_normalized, display_name, email, email_normalized, status, sdk_access, is_platform_admin, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        { replacements: [id, directory!.id, userName, previous, displayName, userName, previous, 'ACTIVE', false, false, 1, at, at] },
      );
      await deps.db.sequelize.query('INSERT INTO user_emails (user_id, position, value, value_normalized, type, "primary", display) VALUES (?, 0, ?, ?, ?, ?, NULL)', { replacements: [id, userName, previous, 'Büro', true] });
    };
    // As the previous normalisation (NFC, lower case) wrote them: three distinct names that fold to one.
    await insert('u-fullwidth', 'ａｄｍｉｎ@m.test', 'ａｄｍｉｎ@m.test', 1, 'Ñandú');
    await insert('u-ascii', 'Admin@m.test', 'admin@m.test', 2);
    await insert('u-ligature', 'ﬀ@m.test', 'ﬀ@m.test', 3);
    await insert('u-other', 'ÉLODIE@m.test', 'élodie@m.test', 4);
    await deps.db.sequelize.query('INSERT INTO groups (id, directory_id, display_name, display_name_normalized, version, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?), (?, ?, ?, ?, 1, ?, ?)', {
      replacements: ['g-1', directory!.id, 'Ｏｐｓ', 'ｏｐｓ', new Date(1), new Date(1), 'g-2', directory!.id, 'OPS', 'ops', new Date(2), new Date(2)],
    });

    const logger = { warn: (details: unknown, message: string) => warnings.push({ message, details }), debug() {}, info() {}, error() {} };
    expect(await migrateUp(deps.db, logger as never)).toEqual(FROM_FOLD);

    const users = await rows<{ id: string; user_name_normalized: string; email_normalized: string }>('SELECT id, user_name_normalized, email_normalized FROM users ORDER BY id');
    expect(Object.fromEntries(users.map((u) => [u.id, u.user_name_normalized]))).toEqual({
      'u-ascii': 'admin@m.test', // already in the new form: it keeps the name
      'u-fullwidth': 'ａｄｍｉｎ@m.test', // older, but collides: left as it was, and reported
      'u-ligature': 'ff@m.test',
      'u-other': 'élodie@m.test',
    });
    expect(users.find((u) => u.id === 'u-fullwidth')!.email_normalized).toBe('admin@m.test');
    const [group] = await rows<{ display_name_normalized: string }>("SELECT display_name_normalized FROM groups WHERE id = 'g-2'");
    expect(group!.display_name_normalized).toBe('ops');

    const events = await rows<{ action: string; target_id: string; details: string }>("SELECT action, target_id, details FROM audit_events WHERE action LIKE '%.name_collision' ORDER BY action");
    expect(events.map((e) => [e.action, e.target_id])).toEqual([['group.name_collision', 'g-1'], ['user.name_collision', 'u-fullwidth']]);
    expect(JSON.parse(events[1]!.details)).toMatchObject({ userName: 'ａｄｍｉｎ@m.test', collidesWith: { id: 'u-ascii', userName: 'Admin@m.test' } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/2 pair\(s\) of names/);

    // The folded forms are written: filters on displayName and an email's type find the existing rows.
    const byDisplay = await searchUsers(deps.ctx, { where: { test: { field: 'displayName', op: 'eq', value: 'ÑANDÚ' } }, page });
    expect(byDisplay.items.map((u) => u.id)).toEqual(['u-fullwidth']);
    const byType = await searchUsers(deps.ctx, { where: { some: { collection: 'emails', where: { test: { field: 'type', op: 'eq', value: 'BÜRO' } } } }, page });
    expect(byType.total).toBe(4);
  });

  it('goes down to the previous forms, and up again', async () => {
    await migrateDown(deps.db, { to: FOLD });
    const users = await rows<{ id: string; user_name_normalized: string }>('SELECT id, user_name_normalized FROM users ORDER BY id');
    expect(users.map((u) => u.user_name_normalized)).toEqual(['admin@m.test', 'ａｄｍｉｎ@m.test', 'ﬀ@m.test', 'élodie@m.test']);
    expect(await rows("SELECT id FROM audit_events WHERE action LIKE '%.name_collision'")).toEqual([]);
    expect(await migrateUp(deps.db)).toEqual(FROM_FOLD);
  });
});
