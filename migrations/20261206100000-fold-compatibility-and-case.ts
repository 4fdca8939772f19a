import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

/**
 * Names are compared after Unicode compatibility normalisation and full case folding (`ａｄｍｉｎ` is `admin`, `ﬀ` is
 * `ff`), and every other text compared ignoring case through its folded form kept beside the row (`folded`, JSON).
 *
 * Up adds the `folded` columns, writes them for every user, email and phone number, and re-normalises userNames,
 * emails and group names. Two names of one directory that are distinct today but one name after folding are not
 * merged: the older keeps the name (or the one already in the new form does), the other keeps its current form, and
 * each such pair is reported (an audit event `user.name_collision` or `group.name_collision`, and a warning in the
 * log) for an administrator to rename one of them. Until then the reported user signs in by email only, and a
 * provisioning client that sends the colliding name is told it is taken.
 *
 * The folding is frozen here (the domain's normalise() may change; this migration must not).
 */
const ACTOR = 'migration 20261206100000';

function fold(value: string): string {
  return value.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
}

function previousForm(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

const USER_FOLDED: Record<string, string> = {
  displayName: 'display_name', formattedName: 'formatted_name', givenName: 'given_name', familyName: 'family_name',
  middleName: 'middle_name', honorificPrefix: 'honorific_prefix', honorificSuffix: 'honorific_suffix', nickName: 'nick_name',
  profileUrl: 'profile_url', title: 'title', userType: 'user_type', preferredLanguage: 'preferred_language', locale: 'locale',
  timezone: 'timezone', phone: 'phone', employeeNumber: 'employee_number', costCenter: 'cost_center',
  enterpriseOrganization: 'enterprise_organization', division: 'division', department: 'department', managerId: 'manager_id', managerDisplayName: 'manager_display_name',
};
const EMAIL_FOLDED: Record<string, string> = { type: 'type', display: 'display' };
const PHONE_FOLDED: Record<string, string> = { value: 'value', type: 'type', display: 'display' };

function foldedOf(row: Record<string, unknown>, columns: Record<string, string>): string | null {
  const folded: Record<string, string> = {};
  for (const [key, column] of Object.entries(columns)) {
    const value = row[column];
    if (typeof value === 'string') folded[key] = fold(value);
  }
  return Object.keys(folded).length ? JSON.stringify(folded) : null;
}

type Row = Record<string, unknown> & { id: string };

/**
 * The new normalised name of each row of one directory, collisions kept apart: among rows whose names fold alike,
 * the one already in the new form (else the oldest) takes it and the others keep their current one. The current
 * forms are unique, so the kept ones clash with nothing.
 */
function settleNames(rows: Row[], nameColumn: string, normalizedColumn: string): { next: Map<string, string>; collisions: Array<{ row: Row; keeper: Row }> } {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = fold(String(row[nameColumn]));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const next = new Map<string, string>();
  const collisions: Array<{ row: Row; keeper: Row }> = [];
  for (const [key, members] of groups) {
    const keeper = members.find((row) => row[normalizedColumn] === key) ?? members[0]!;
    next.set(keeper.id, key);
    for (const row of members) {
      if (row === keeper) continue;
      next.set(row.id, String(row[normalizedColumn]));
      collisions.push({ row, keeper });
    }
  }
  return { next, collisions };
}

async function select<T extends object>(sequelize: Sequelize, t: Transaction, sql: string, replacements: unknown[] = []): Promise<T[]> {
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements, transaction: t });
}

async function run(sequelize: Sequelize, t: Transaction, sql: string, replacements: unknown[]): Promise<void> {
  await sequelize.query(sql, { replacements, transaction: t });
}

const CHUNK = 500;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export const migration: MigrationModule = {
  async up({ context: { queryInterface, report } }) {
    const sequelize = queryInterface.sequelize;
    for (const table of ['users', 'user_emails', 'user_phone_numbers']) await sequelize.query(`ALTER TABLE ${table} ADD COLUMN folded TEXT`);
    const now = new Date();
    const collided: string[] = [];
    await sequelize.transaction(async (t) => {
      const audit = (action: string, targetType: string, row: Row, directoryId: string, details: Record<string, unknown>) =>
        run(sequelize, t, 'INSERT INTO audit_events (occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id, user_id, directory_id, details) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)', [
          now, 'system', ACTOR, action, targetType, row.id, targetType === 'user' ? row.id : null, directoryId, JSON.stringify(details),
        ]);
      const directories = await select<{ id: string }>(sequelize, t, 'SELECT id FROM directories ORDER BY id');
      for (const { id: directoryId } of directories) {
        const users = await select<Row>(sequelize, t, `SELECT id, user_name, user_name_normalized, email, email_normalized, folded, ${Object.values(USER_FOLDED).join(', ')} FROM users WHERE directory_id = ? ORDER BY created_at, id`, [directoryId]);
        const names = settleNames(users, 'user_name', 'user_name_normalized');
        for (const { row, keeper } of names.collisions) {
          collided.push(`user ${String(row.user_name)} (${row.id}) and ${String(keeper.user_name)} (${keeper.id})`);
          await audit('user.name_collision', 'user', row, directoryId, {
            userName: row.user_name, collidesWith: { id: keeper.id, userName: keeper.user_name },
            reason: 'The two userNames are one name once Unicode compatibility forms and case are folded; rename one of them.',
          });
        }
        for (const user of users) {
          const normalized = names.next.get(user.id)!;
          const email = typeof user.email === 'string' ? fold(user.email) : null;
          const folded = foldedOf(user, USER_FOLDED);
          if (normalized === user.user_name_normalized && email === user.email_normalized && folded === user.folded) continue;
          await run(sequelize, t, 'UPDATE users SET user_name_normalized = ?, email_normalized = ?, folded = ? WHERE id = ?', [normalized, email, folded, user.id]);
        }
        for (const part of chunks(users.map((u) => u.id))) {
          const marks = part.map(() => '?').join(', ');
          const emails = await select<Row & { user_id: string; position: number }>(sequelize, t, `SELECT user_id, position, value, value_normalized, type, display FROM user_emails WHERE user_id IN (${marks})`, part);
          for (const email of emails) {
            await run(sequelize, t, 'UPDATE user_emails SET value_normalized = ?, folded = ? WHERE user_id = ? AND position = ?', [fold(String(email.value)), foldedOf(email, EMAIL_FOLDED), email.user_id, email.position]);
          }
          const phones = await select<Row & { user_id: string; position: number }>(sequelize, t, `SELECT user_id, position, value, type, display FROM user_phone_numbers WHERE user_id IN (${marks})`, part);
          for (const phone of phones) await run(sequelize, t, 'UPDATE user_phone_numbers SET folded = ? WHERE user_id = ? AND position = ?', [foldedOf(phone, PHONE_FOLDED), phone.user_id, phone.position]);
        }
        const groups = await select<Row>(sequelize, t, 'SELECT id, display_name, display_name_normalized FROM groups WHERE directory_id = ? ORDER BY created_at, id', [directoryId]);
        const groupNames = settleNames(groups, 'display_name', 'display_name_normalized');
        for (const { row, keeper } of groupNames.collisions) {
          collided.push(`group ${String(row.display_name)} (${row.id}) and ${String(keeper.display_name)} (${keeper.id})`);
          await audit('group.name_collision', 'group', row, directoryId, {
            displayName: row.display_name, collidesWith: { id: keeper.id, displayName: keeper.display_name },
            reason: 'The two group names are one name once Unicode compatibility forms and case are folded; rename one of them.',
          });
        }
        for (const group of groups) {
          const normalized = groupNames.next.get(group.id)!;
          if (normalized !== group.display_name_normalized) await run(sequelize, t, 'UPDATE groups SET display_name_normalized = ? WHERE id = ?', [normalized, group.id]);
        }
      }
    });
    if (collided.length) report?.(`${collided.length} pair(s) of names are one name once folded and were left apart: rename one of each (audit events user.name_collision, group.name_collision)`, { pairs: collided });
  },
  async down({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    await sequelize.transaction(async (t) => {
      // The previous forms of distinct folded names are distinct, so writing them back clashes with nothing.
      for (const user of await select<Row>(sequelize, t, 'SELECT id, user_name, email FROM users')) {
        await run(sequelize, t, 'UPDATE users SET user_name_normalized = ?, email_normalized = ? WHERE id = ?', [previousForm(String(user.user_name)), typeof user.email === 'string' ? previousForm(user.email) : null, user.id]);
      }
      for (const email of await select<Row & { user_id: string; position: number }>(sequelize, t, 'SELECT user_id, position, value FROM user_emails')) {
        await run(sequelize, t, 'UPDATE user_emails SET value_normalized = ? WHERE user_id = ? AND position = ?', [previousForm(String(email.value)), email.user_id, email.position]);
      }
      for (const group of await select<Row>(sequelize, t, 'SELECT id, display_name FROM groups')) {
        await run(sequelize, t, 'UPDATE groups SET display_name_normalized = ? WHERE id = ?', [previousForm(String(group.display_name)), group.id]);
      }
      await run(sequelize, t, "DELETE FROM audit_events WHERE actor_label = ? AND action IN ('user.name_collision', 'group.name_collision')", [ACTOR]);
    });
    for (const table of ['users', 'user_emails', 'user_phone_numbers']) await sequelize.query(`ALTER TABLE ${table} DROP COLUMN folded`);
  },
};
