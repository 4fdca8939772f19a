import { invalid } from '../errors.js';
import { foldedSql } from '../folding.js';
import type { FieldSpec, TableSpec } from './compile.js';

const text = (column: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ column, type: 'string', caseExact: false, ...extra });
/** A text compared ignoring case through its entry in the row's `folded` column (folding.ts). */
const foldedText = (column: string, foldedColumn: string, key: string, extra: Partial<FieldSpec> = {}): FieldSpec => text(column, { folded: foldedSql(foldedColumn, key), ...extra });
const userText = (column: string, key: string): FieldSpec => foldedText(column, 'users.folded', key);

/**
 * What can be searched and sorted about users, in the domain's field names. Case rules follow the user model:
 * userName and email addresses ignore case (through their normalised, indexed columns), as do the other texts
 * (through their folded forms); ids do not.
 */
export const USER_TABLE: TableSpec = {
  fields: {
    id: text('users.id', { caseExact: true, notNull: true }),
    userName: text('users.user_name', { folded: 'users.user_name_normalized', notNull: true }),
    externalId: text('users.external_id', { caseExact: true }),
    displayName: userText('users.display_name', 'displayName'),
    formattedName: userText('users.formatted_name', 'formattedName'),
    givenName: userText('users.given_name', 'givenName'),
    familyName: userText('users.family_name', 'familyName'),
    middleName: userText('users.middle_name', 'middleName'),
    honorificPrefix: userText('users.honorific_prefix', 'honorificPrefix'),
    honorificSuffix: userText('users.honorific_suffix', 'honorificSuffix'),
    nickName: userText('users.nick_name', 'nickName'),
    profileUrl: userText('users.profile_url', 'profileUrl'),
    title: userText('users.title', 'title'),
    userType: userText('users.user_type', 'userType'),
    preferredLanguage: userText('users.preferred_language', 'preferredLanguage'),
    locale: userText('users.locale', 'locale'),
    timezone: userText('users.timezone', 'timezone'),
    email: text('users.email', { folded: 'users.email_normalized' }),
    phone: userText('users.phone', 'phone'),
    employeeNumber: userText('users.employee_number', 'employeeNumber'),
    costCenter: userText('users.cost_center', 'costCenter'),
    enterpriseOrganization: userText('users.enterprise_organization', 'enterpriseOrganization'),
    division: userText('users.division', 'division'),
    department: userText('users.department', 'department'),
    // The enterprise schema's manager.value is not case-exact: a filter on it ignores case (through its folded form).
    managerId: foldedText('users.manager_id', 'users.folded', 'managerId', { caseExact: true }),
    managerDisplayName: userText('users.manager_display_name', 'managerDisplayName'),
    status: text('users.status', { caseExact: true, notNull: true }),
    active: {
      column: 'users.status',
      type: 'boolean',
      caseExact: true,
      notNull: true,
      sortable: false,
      compile: (test, params) => {
        if (test.op === 'pr') return '(1=1)';
        const value = typeof test.value === 'string' ? test.value.toLowerCase() === 'true' : test.value;
        if (typeof value !== 'boolean' || (test.op !== 'eq' && test.op !== 'ne')) {
          throw invalid('search.invalid_value', '"active" is true or false and compares with eq or ne.', 'filter');
        }
        params.push('INACTIVE');
        return value === (test.op === 'eq') ? 'users.status <> ?' : 'users.status = ?';
      },
    },
    createdAt: { column: 'users.created_at', type: 'date', caseExact: true, notNull: true },
    updatedAt: { column: 'users.updated_at', type: 'date', caseExact: true, notNull: true },
    version: { column: 'users.version', type: 'integer', caseExact: true, notNull: true },
  },
  collections: {
    emails: {
      outer: 'users.id',
      select: 'SELECT e.user_id FROM user_emails e',
      fields: {
        value: text('e.value', { folded: 'e.value_normalized', notNull: true }),
        type: foldedText('e.type', 'e.folded', 'type'),
        primary: { column: 'e."primary"', type: 'boolean', caseExact: true, notNull: true },
        display: foldedText('e.display', 'e.folded', 'display'),
      },
    },
    phoneNumbers: {
      outer: 'users.id',
      select: 'SELECT p.user_id FROM user_phone_numbers p',
      fields: {
        value: foldedText('p.value', 'p.folded', 'value', { notNull: true }),
        type: foldedText('p.type', 'p.folded', 'type'),
        primary: { column: 'p."primary"', type: 'boolean', caseExact: true, notNull: true },
        display: foldedText('p.display', 'p.folded', 'display'),
      },
    },
    groups: {
      outer: 'users.id',
      select: 'SELECT gm.user_id FROM group_members gm JOIN groups g ON g.id = gm.group_id',
      fields: {
        value: text('gm.group_id', { caseExact: true, notNull: true }),
        display: text('g.display_name', { folded: 'g.display_name_normalized', notNull: true }),
      },
    },
    memberships: {
      outer: 'users.id',
      select: 'SELECT m.user_id FROM memberships m JOIN organizations o ON o.id = m.organization_id',
      fields: {
        // Slugs are lower-case ASCII: the slug is its own folded form.
        organization: text('o.slug', { folded: 'o.slug', notNull: true }),
        role: text('m.role', { caseExact: true, notNull: true }),
      },
    },
  },
};

export const GROUP_TABLE: TableSpec = {
  fields: {
    id: text('groups.id', { caseExact: true, notNull: true }),
    displayName: text('groups.display_name', { folded: 'groups.display_name_normalized', notNull: true }),
    externalId: text('groups.external_id', { caseExact: true }),
    createdAt: { column: 'groups.created_at', type: 'date', caseExact: true, notNull: true },
    updatedAt: { column: 'groups.updated_at', type: 'date', caseExact: true, notNull: true },
    version: { column: 'groups.version', type: 'integer', caseExact: true, notNull: true },
  },
  collections: {
    members: {
      outer: 'groups.id',
      select: 'SELECT gm.group_id FROM group_members gm JOIN users u ON u.id = gm.user_id',
      fields: {
        value: text('gm.user_id', { caseExact: true, notNull: true }),
        display: text('COALESCE(u.display_name, u.user_name)', {
          notNull: true,
          folded: (dialect) => `COALESCE(${foldedSql('u.folded', 'displayName')(dialect)}, u.user_name_normalized)`,
        }),
      },
    },
  },
};
