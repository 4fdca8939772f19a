import type { Transaction } from 'sequelize';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';
import { emitEvent, type EventType } from './events.js';
import type { StatusEvent, UserStatus } from './statusMachine.js';
import type { UserView } from './userView.js';

/**
 * User events: the user as a portal needs it after the change (never a credential), concerning the organizations the
 * user belongs to then. Commands build the data from the view they already hold, so an event costs no query.
 */

/** A user as the events carry it: identity, profile, status and the role in each organization. */
export function userEventData(view: UserView): Record<string, unknown> {
  return {
    id: view.id,
    directoryId: view.directoryId,
    userName: view.userName,
    externalId: view.externalId,
    name: view.name,
    displayName: view.displayName,
    nickName: view.nickName,
    title: view.title,
    userType: view.userType,
    preferredLanguage: view.preferredLanguage,
    locale: view.locale,
    timezone: view.timezone,
    email: view.email,
    emails: view.emails.map((e) => ({ value: e.value, type: e.type, primary: e.primary })),
    phoneNumbers: view.phoneNumbers.map((p) => ({ value: p.value, type: p.type, primary: p.primary })),
    enterprise: view.enterprise,
    status: view.status,
    active: view.active,
    sdkAccess: view.sdkAccess,
    version: view.version,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    memberships: view.memberships.map((m) => ({ organization: { id: m.organization.id, slug: m.organization.slug }, role: m.role })),
  };
}

/** Emits a user event with the user as `view` shows it; `extra` adds to the data (`changed`, `previousStatus`). */
export function emitUserEvent(ctx: DomainContext, t: Transaction, actor: Actor, type: EventType, view: UserView, extra: Record<string, unknown> = {}): void {
  emitEvent(ctx, t, actor, {
    type,
    organizationIds: view.memberships.map((m) => m.organization.id),
    userId: view.id,
    directoryId: view.directoryId,
    data: { ...userEventData(view), ...extra },
  });
}

const LOCKED: ReadonlySet<UserStatus> = new Set(['AUTO_LOCKED', 'LOCKED_BY_ADMIN']);

/**
 * The event a change of status is: activated, deactivated, reactivated, locked (by an administrator or after failed
 * sign-ins), unlocked (by an administrator, the auto-unlock time, or a completed reset); another change of status
 * (a reset sent, a password expired or renewed) is an update of `status`; no change, no event.
 */
export function statusEventType(event: StatusEvent, before: UserStatus, after: UserStatus): EventType | null {
  if (before === after) return null;
  switch (event) {
    case 'activate':
      return 'user.activated';
    case 'deactivate':
      return 'user.deactivated';
    case 'reactivate':
      return 'user.reactivated';
    case 'adminLock':
    case 'autoLock':
      return 'user.locked';
    case 'adminUnlock':
    case 'autoUnlock':
      return 'user.unlocked';
    default:
      return LOCKED.has(before) && !LOCKED.has(after) ? 'user.unlocked' : 'user.updated';
  }
}

/** The user attributes (as SCIM names them) that a change of these columns changes. */
const ATTRIBUTE_OF_COLUMN: Readonly<Record<string, string>> = {
  userName: 'userName',
  userNameNormalized: 'userName',
  externalId: 'externalId',
  displayName: 'displayName',
  formattedName: 'name.formatted',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  middleName: 'name.middleName',
  honorificPrefix: 'name.honorificPrefix',
  honorificSuffix: 'name.honorificSuffix',
  nickName: 'nickName',
  profileUrl: 'profileUrl',
  title: 'title',
  userType: 'userType',
  preferredLanguage: 'preferredLanguage',
  locale: 'locale',
  timezone: 'timezone',
  email: 'emails',
  emailNormalized: 'emails',
  phone: 'phoneNumbers',
  employeeNumber: 'enterprise.employeeNumber',
  costCenter: 'enterprise.costCenter',
  enterpriseOrganization: 'enterprise.organization',
  division: 'enterprise.division',
  department: 'enterprise.department',
  managerId: 'enterprise.manager',
  managerDisplayName: 'enterprise.manager',
  extra: 'extra',
  sdkAccess: 'sdkAccess',
};

/** The attributes a profile change changes, each once, in a stable order: `['title', 'emails']`. */
export function changedAttributes(columns: readonly string[], lists: { emails?: unknown; phoneNumbers?: unknown }): string[] {
  const names = new Set(columns.map((column) => ATTRIBUTE_OF_COLUMN[column] ?? column));
  if (lists.emails !== undefined) names.add('emails');
  if (lists.phoneNumbers !== undefined) names.add('phoneNumbers');
  return [...names];
}
