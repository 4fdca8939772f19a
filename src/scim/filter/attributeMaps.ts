import SCIMMY from 'scimmy';
import { CORE_GROUP_SCHEMA, CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, IDBRIDGE_USER_SCHEMA } from '../schemas.js';

/** A multi-valued SCIM attribute backed by a domain collection; its sub-attributes map to the collection's fields. */
export interface CollectionMap {
  collection: string;
  subs: Record<string, string>;
  /** The sub-attribute a bare comparison (`emails co "@x"`) applies to (RFC 7644: `value`). */
  primary: string;
}

/**
 * Which SCIM attributes of a resource type can be filtered and sorted, and the domain field each one is. Keys are
 * lower-case paths without the core schema URN; extension attributes keep their URN. Anything absent answers
 * 400 invalidFilter: the allowlist is the schema idbridge stores in columns.
 */
export interface AttributeMap {
  coreSchema: string;
  /** Resolves case-exactness and types from the schema (RFC 7643 characteristics), as scimmy declares them. */
  definition: () => InstanceType<typeof SCIMMY.Types.SchemaDefinition>;
  fields: Record<string, string>;
  collections: Record<string, CollectionMap>;
  /** Sort keys that are not plain fields (`emails` sorts by the primary email). */
  sortAliases: Record<string, string>;
}

const ent = (attr: string) => `${ENTERPRISE_USER_SCHEMA}:${attr}`.toLowerCase();
const own = (attr: string) => `${IDBRIDGE_USER_SCHEMA}:${attr}`.toLowerCase();
const listSubs = { value: 'value', type: 'type', primary: 'primary', display: 'display' };

export const USER_ATTRIBUTES: AttributeMap = {
  coreSchema: CORE_USER_SCHEMA,
  definition: () => SCIMMY.Schemas.User.definition,
  fields: {
    id: 'id',
    username: 'userName',
    externalid: 'externalId',
    displayname: 'displayName',
    'name.formatted': 'formattedName',
    'name.givenname': 'givenName',
    'name.familyname': 'familyName',
    'name.middlename': 'middleName',
    'name.honorificprefix': 'honorificPrefix',
    'name.honorificsuffix': 'honorificSuffix',
    nickname: 'nickName',
    profileurl: 'profileUrl',
    title: 'title',
    usertype: 'userType',
    preferredlanguage: 'preferredLanguage',
    locale: 'locale',
    timezone: 'timezone',
    active: 'active',
    'meta.created': 'createdAt',
    'meta.lastmodified': 'updatedAt',
    [ent('employeeNumber')]: 'employeeNumber',
    [ent('costCenter')]: 'costCenter',
    [ent('organization')]: 'enterpriseOrganization',
    [ent('division')]: 'division',
    [ent('department')]: 'department',
    [ent('manager.value')]: 'managerId',
    [ent('manager.displayName')]: 'managerDisplayName',
    [own('status')]: 'status',
  },
  collections: {
    emails: { collection: 'emails', subs: listSubs, primary: 'value' },
    phonenumbers: { collection: 'phoneNumbers', subs: listSubs, primary: 'value' },
    groups: { collection: 'groups', subs: { value: 'value', display: 'display' }, primary: 'value' },
    [own('memberships')]: { collection: 'memberships', subs: { organization: 'organization', role: 'role' }, primary: 'organization' },
  },
  sortAliases: { emails: 'email', 'emails.value': 'email', phonenumbers: 'phone', 'phonenumbers.value': 'phone' },
};

export const GROUP_ATTRIBUTES: AttributeMap = {
  coreSchema: CORE_GROUP_SCHEMA,
  definition: () => SCIMMY.Schemas.Group.definition,
  fields: {
    id: 'id',
    displayname: 'displayName',
    externalid: 'externalId',
    'meta.created': 'createdAt',
    'meta.lastmodified': 'updatedAt',
  },
  collections: {
    members: { collection: 'members', subs: { value: 'value', display: 'display' }, primary: 'value' },
  },
  sortAliases: {},
};
