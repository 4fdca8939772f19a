import { invalid } from '../errors.js';
import type { FieldSpec, TableSpec } from './compile.js';

const text = (column: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ column, type: 'string', caseExact: false, ...extra });

/**
 * What can be searched and sorted about users, in the domain's field names. Case rules follow the user model:
 * userName and email addresses ignore case (through their normalised, indexed columns); ids do not.
 */
export const USER_TABLE: TableSpec = {
  fields: {
    id: text('users.id', { caseExact: true, notNull: true }),
    userName: text('users.user_name', { normalized: 'users.user_name_normalized', notNull: true }),
    externalId: text('users.external_id', { caseExact: true }),
    displayName: text('users.display_name'),
    formattedName: text('users.formatted_name'),
    givenName: text('users.given_name'),
    familyName: text('users.family_name'),
    middleName: text('users.middle_name'),
    honorificPrefix: text('users.honorific_prefix'),
    honorificSuffix: text('users.honorific_suffix'),
    nickName: text('users.nick_name'),
    profileUrl: text('users.profile_url'),
    title: text('users.title'),
    userType: text('users.user_type'),
    preferredLanguage: text('users.preferred_language'),
    locale: text('users.locale'),
    timezone: text('users.timezone'),
    email: text('users.email', { normalized: 'users.email_normalized' }),
    phone: text('users.phone'),
    employeeNumber: text('users.employee_number'),
    costCenter: text('users.cost_center'),
    enterpriseOrganization: text('users.enterprise_organization'),
    division: text('users.division'),
    department: text('users.department'),
    managerId: text('users.manager_id', { caseExact: true }),
    managerDisplayName: text('users.manager_display_name'),
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
        value: text('e.value', { normalized: 'e.value_normalized', notNull: true }),
        type: text('e.type'),
        primary: { column: 'e."primary"', type: 'boolean', caseExact: true, notNull: true },
        display: text('e.display'),
      },
    },
    phoneNumbers: {
      outer: 'users.id',
      select: 'SELECT p.user_id FROM user_phone_numbers p',
      fields: {
        value: text('p.value', { notNull: true }),
        type: text('p.type'),
        primary: { column: 'p."primary"', type: 'boolean', caseExact: true, notNull: true },
        display: text('p.display'),
      },
    },
    groups: {
      outer: 'users.id',
      select: 'SELECT gm.user_id FROM group_members gm JOIN groups g ON g.id = gm.group_id',
      fields: {
        value: text('gm.group_id', { caseExact: true, notNull: true }),
        display: text('g.display_name', { normalized: 'g.display_name_normalized', notNull: true }),
      },
    },
    memberships: {
      outer: 'users.id',
      select: 'SELECT m.user_id FROM memberships m JOIN organizations o ON o.id = m.organization_id',
      fields: {
        organization: text('o.slug', { notNull: true }),
        role: text('m.role', { caseExact: true, notNull: true }),
      },
    },
  },
};

export const GROUP_TABLE: TableSpec = {
  fields: {
    id: text('groups.id', { caseExact: true, notNull: true }),
    displayName: text('groups.display_name', { normalized: 'groups.display_name_normalized', notNull: true }),
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
        display: text('COALESCE(u.display_name, u.user_name)', { notNull: true }),
      },
    },
  },
};
