import type { Membership } from '../db/models/Membership.js';
import type { Organization, OrganizationKind } from '../db/models/Organization.js';
import type { User } from '../db/models/User.js';
import type { UserEmail } from '../db/models/UserEmail.js';
import type { UserPhoneNumber } from '../db/models/UserPhoneNumber.js';
import type { DomainContext } from './context.js';
import type { UserStatus } from './statusMachine.js';

export type MembershipSourceView =
  | { type: 'direct'; role: string }
  | { type: 'group'; role: string; group: { id: string; displayName: string }; roleMappingId: string };

/** A user's place in one organization: the effective role (the highest of its sources) and where each came from. */
export interface MembershipView {
  organization: { id: string; slug: string; name: string; kind: OrganizationKind };
  role: string;
  roleLabel: string;
  canManageUsers: boolean;
  sources: MembershipSourceView[];
}

export interface UserView {
  id: string;
  directoryId: string;
  userName: string;
  externalId: string | null;
  name: { formatted: string | null; givenName: string | null; familyName: string | null; middleName: string | null; honorificPrefix: string | null; honorificSuffix: string | null };
  displayName: string | null;
  nickName: string | null;
  profileUrl: string | null;
  title: string | null;
  userType: string | null;
  preferredLanguage: string | null;
  locale: string | null;
  timezone: string | null;
  email: string | null;
  emails: Array<{ value: string; type: string | null; primary: boolean; display: string | null }>;
  phoneNumbers: Array<{ value: string; type: string | null; primary: boolean; display: string | null }>;
  enterprise: {
    employeeNumber: string | null;
    costCenter: string | null;
    organization: string | null;
    division: string | null;
    department: string | null;
    manager: { value: string; displayName: string | null } | null;
  };
  extra: Record<string, unknown>;
  status: UserStatus;
  active: boolean;
  sdkAccess: boolean;
  isPlatformAdmin: boolean;
  lastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  memberships: MembershipView[];
}

type MembershipRow = Membership & { organization?: Organization; group?: { id: string; displayName: string } | null };

/** The memberships of several users at once, grouped by organization with the effective role. */
export async function loadMemberships(ctx: DomainContext, userIds: readonly string[]): Promise<Map<string, MembershipView[]>> {
  const result = new Map<string, MembershipView[]>();
  if (userIds.length === 0) return result;
  const { Membership, Organization, Group } = ctx.db.models;
  const rows = (await Membership.findAll({
    where: { userId: [...userIds] },
    include: [
      { model: Organization, as: 'organization' },
      { model: Group, as: 'group', attributes: ['id', 'displayName'] },
    ],
    order: [['createdAt', 'ASC'], ['id', 'ASC']],
    transaction: ctx.db.current(),
  })) as MembershipRow[];

  const byUserOrg = new Map<string, { org: Organization; rows: MembershipRow[]; userId: string }>();
  for (const row of rows) {
    if (!row.organization) continue;
    const key = `${row.userId}|${row.organizationId}`;
    const entry = byUserOrg.get(key) ?? { org: row.organization, rows: [], userId: row.userId };
    entry.rows.push(row);
    byUserOrg.set(key, entry);
  }
  for (const { org, rows: orgRows, userId } of byUserOrg.values()) {
    const effective = ctx.catalog.highest(org.kind, orgRows.map((r) => r.role));
    const view: MembershipView = {
      organization: { id: org.id, slug: org.slug, name: org.name, kind: org.kind },
      role: effective?.key ?? orgRows[0]!.role,
      roleLabel: effective?.label ?? orgRows[0]!.role,
      canManageUsers: effective?.canManageUsers ?? false,
      sources: orgRows.map((r): MembershipSourceView =>
        r.roleMappingId && r.group
          ? { type: 'group', role: r.role, group: { id: r.group.id, displayName: r.group.displayName }, roleMappingId: r.roleMappingId }
          : { type: 'direct', role: r.role },
      ),
    };
    const list = result.get(userId) ?? [];
    list.push(view);
    result.set(userId, list);
  }
  for (const list of result.values()) list.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
  return result;
}

export function presentUser(user: User, emails: readonly UserEmail[], phones: readonly UserPhoneNumber[], memberships: MembershipView[]): UserView {
  return {
    id: user.id,
    directoryId: user.directoryId,
    userName: user.userName,
    externalId: user.externalId,
    name: {
      formatted: user.formattedName,
      givenName: user.givenName,
      familyName: user.familyName,
      middleName: user.middleName,
      honorificPrefix: user.honorificPrefix,
      honorificSuffix: user.honorificSuffix,
    },
    displayName: user.displayName,
    nickName: user.nickName,
    profileUrl: user.profileUrl,
    title: user.title,
    userType: user.userType,
    preferredLanguage: user.preferredLanguage,
    locale: user.locale,
    timezone: user.timezone,
    email: user.email,
    emails: [...emails].sort((a, b) => a.position - b.position).map((e) => ({ value: e.value, type: e.type, primary: e.primary, display: e.display })),
    phoneNumbers: [...phones].sort((a, b) => a.position - b.position).map((p) => ({ value: p.value, type: p.type, primary: p.primary, display: p.display })),
    enterprise: {
      employeeNumber: user.employeeNumber,
      costCenter: user.costCenter,
      organization: user.enterpriseOrganization,
      division: user.division,
      department: user.department,
      manager: user.managerId ? { value: user.managerId, displayName: user.managerDisplayName } : null,
    },
    extra: user.extra ?? {},
    status: user.status,
    active: user.status !== 'INACTIVE',
    sdkAccess: user.sdkAccess,
    isPlatformAdmin: user.isPlatformAdmin,
    lastSignInAt: user.lastSignInAt ? user.lastSignInAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    version: user.version,
    memberships,
  };
}

/** The full view of one user model: emails, phone numbers and memberships loaded. */
export async function viewUser(ctx: DomainContext, user: User): Promise<UserView> {
  const t = ctx.db.current();
  const [emails, phones, memberships] = await Promise.all([
    ctx.db.models.UserEmail.findAll({ where: { userId: user.id }, transaction: t }),
    ctx.db.models.UserPhoneNumber.findAll({ where: { userId: user.id }, transaction: t }),
    loadMemberships(ctx, [user.id]),
  ]);
  return presentUser(user, emails, phones, memberships.get(user.id) ?? []);
}
