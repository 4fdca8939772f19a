import type { UserGroupView, UserView } from '../../identity/userView.js';
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, IDBRIDGE_USER_SCHEMA } from '../schemas.js';
import { etagOf } from './etag.js';

export type ScimJson = Record<string, unknown>;

export interface UserOutOptions {
  baseUrl: string;
  /** For a token limited to one organization: only that organization's membership is shown. */
  organizationId: string | null;
  groups: readonly UserGroupView[];
}

/** The SCIM list attributes kept as sent (not queried): they live in the user's `extra`. */
export const EXTRA_ATTRIBUTES = ['addresses', 'ims', 'photos', 'entitlements', 'roles', 'x509Certificates'] as const;

/** Drops null and undefined values: SCIM omits unassigned attributes. */
function compact<T extends Record<string, unknown>>(object: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (value !== null && value !== undefined) out[key] = value;
  return out as Partial<T>;
}

function listEntry(entry: { value: string; type: string | null; primary: boolean; display: string | null }): ScimJson {
  return compact({ value: entry.value, type: entry.type, primary: entry.primary, display: entry.display });
}

/**
 * A user as SCIM clients see it, built from the domain view through an allowlist (never a model): core attributes,
 * the enterprise extension when it holds anything, and the idbridge extension. `password` is never part of it.
 */
export function toScimUser(view: UserView, options: UserOutOptions): ScimJson {
  const location = `${options.baseUrl}/Users/${view.id}`;
  const name = compact(view.name);
  const ent = view.enterprise;
  const enterprise = compact({
    employeeNumber: ent.employeeNumber,
    costCenter: ent.costCenter,
    organization: ent.organization,
    division: ent.division,
    department: ent.department,
    manager: ent.manager ? compact({ value: ent.manager.value, displayName: ent.manager.displayName, $ref: `${options.baseUrl}/Users/${ent.manager.value}` }) : null,
  });
  const memberships = view.memberships.filter((m) => !options.organizationId || m.organization.id === options.organizationId);
  const ownRole = options.organizationId
    ? memberships.find((m) => m.organization.id === options.organizationId)?.sources.find((s) => s.type === 'direct')?.role
    : undefined;
  const hasEnterprise = Object.keys(enterprise).length > 0;
  const extra: ScimJson = {};
  for (const key of EXTRA_ATTRIBUTES) {
    const value = view.extra[key];
    if (Array.isArray(value) && value.length > 0) extra[key] = value;
  }
  return {
    schemas: [CORE_USER_SCHEMA, ...(hasEnterprise ? [ENTERPRISE_USER_SCHEMA] : []), IDBRIDGE_USER_SCHEMA],
    id: view.id,
    ...compact({
      externalId: view.externalId,
      userName: view.userName,
      name: Object.keys(name).length ? name : null,
      displayName: view.displayName,
      nickName: view.nickName,
      profileUrl: view.profileUrl,
      title: view.title,
      userType: view.userType,
      preferredLanguage: view.preferredLanguage,
      locale: view.locale,
      timezone: view.timezone,
    }),
    active: view.active,
    ...(view.emails.length ? { emails: view.emails.map(listEntry) } : {}),
    ...(view.phoneNumbers.length ? { phoneNumbers: view.phoneNumbers.map(listEntry) } : {}),
    ...extra,
    ...(options.groups.length
      ? { groups: options.groups.map((g) => ({ value: g.id, $ref: `${options.baseUrl}/Groups/${g.id}`, display: g.displayName, type: 'direct' })) }
      : {}),
    ...(hasEnterprise ? { [ENTERPRISE_USER_SCHEMA]: enterprise } : {}),
    [IDBRIDGE_USER_SCHEMA]: {
      status: view.status,
      ...(ownRole ? { role: ownRole } : {}),
      memberships: memberships.map((m) => ({ organization: m.organization.slug, organizationName: m.organization.name, role: m.role, roleLabel: m.roleLabel })),
    },
    meta: { resourceType: 'User', created: view.createdAt, lastModified: view.updatedAt, location, version: etagOf(view.version) },
  };
}
