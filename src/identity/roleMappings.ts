import { z } from 'zod';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Group } from '../db/models/Group.js';
import type { OrganizationKind } from '../db/models/Organization.js';
import type { RoleMapping, RoleMappingMatch } from '../db/models/RoleMapping.js';
import { recordAudit } from './audit.js';
import { chunk } from './chunks.js';
import type { DomainContext } from './context.js';
import { authorize } from './policy/index.js';
import type { Principal } from './principal.js';
import { findDirectory, isLinked } from './directories.js';
import { conflict, invalid, notFound } from './errors.js';
import { emitMembershipChanges, membershipChanges, readMembershipRows, type MembershipTracker } from './membershipEvents.js';
import { findOrganization } from './organizations.js';
import { normalise, parseInput } from './validation.js';
import { forgetScimTokenRights } from './verifiedScimTokens.js';

export interface RoleMappingView {
  id: string;
  directory: { id: string; name: string };
  match: { type: RoleMappingMatch; value: string };
  organization: { id: string; slug: string; name: string };
  role: string;
  createdAt: string;
  updatedAt: string;
}

const inputSchema = z.object({
  directory: z.string().min(1),
  matchType: z.enum(['displayName', 'externalId', 'pattern'], { message: 'must be displayName, externalId or pattern' }),
  matchValue: z.string().trim().min(1, 'must not be empty').max(255),
  organization: z.string().min(1),
  role: z.string().min(1),
});

export type RoleMappingInput = z.input<typeof inputSchema>;

/** Whether a mapping chooses a group: displayName ignoring case, externalId exactly, or a `*` pattern on displayName. */
export function mappingMatches(mapping: Pick<RoleMapping, 'matchType' | 'matchValue'>, group: Pick<Group, 'displayName' | 'externalId'>): boolean {
  switch (mapping.matchType) {
    case 'displayName':
      return normalise(group.displayName) === normalise(mapping.matchValue);
    case 'externalId':
      return group.externalId !== null && group.externalId === mapping.matchValue;
    case 'pattern': {
      const source = mapping.matchValue.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
      return new RegExp(`^${source}$`, 'i').test(group.displayName);
    }
  }
}

function sourceKey(mappingId: string, groupId: string): string {
  return `${mappingId}:${groupId}`;
}

/** What a mapping gives: its role in its organization. */
export type MappingGrant = Pick<RoleMapping, 'id' | 'organizationId' | 'role'>;
/** A mapping as a group's changes read it: what it gives (and where, for the events), and how it chooses groups. */
export type GroupMapping = MappingGrant & Pick<RoleMapping, 'matchType' | 'matchValue'> & { organizationSlug: string; organizationKind: OrganizationKind };
/** What mappings choose groups by. */
export type MappedGroup = Pick<Group, 'id' | 'directoryId' | 'displayName' | 'externalId'>;

const MEMBERSHIP_COLUMNS = 'id, user_id, organization_id, role, source_key, role_mapping_id, group_id, created_at, updated_at';
/** Rows per INSERT: 9 parameters each stay well under SQLite's limit of 32,766. */
const GRANT_ROWS = 2000;

/**
 * Gives `userIds` the role of each mapping, as memberships sourced from the group (existing ones are kept): the rows
 * of every mapping and user in one plain INSERT per 2,000.
 */
export async function grantForMembers(ctx: DomainContext, t: Transaction, mappings: readonly MappingGrant[], groupId: string, userIds: readonly string[]): Promise<void> {
  const now = ctx.clock.now();
  const rows = mappings.flatMap((mapping) =>
    userIds.map((userId) => [ctx.random.uuid(), userId, mapping.organizationId, mapping.role, sourceKey(mapping.id, groupId), mapping.id, groupId, now, now]),
  );
  for (const part of chunk(rows, GRANT_ROWS)) {
    const values = part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    await ctx.db.execute(`INSERT INTO memberships (${MEMBERSHIP_COLUMNS}) VALUES ${values} ON CONFLICT DO NOTHING`, part.flat(), t);
  }
}

/** Removes what a group gave to `userIds`; direct memberships and other groups' memberships stay. */
export async function revokeForMembers(ctx: DomainContext, t: Transaction, groupId: string, userIds: readonly string[]): Promise<void> {
  for (const part of chunk(userIds, 900)) {
    await ctx.db.execute(`DELETE FROM memberships WHERE group_id = ? AND user_id IN (${part.map(() => '?').join(', ')})`, [groupId, ...part], t);
  }
}

/** Every mapping of a directory, with its organization's slug and kind (a directory has few). */
export async function directoryMappings(ctx: DomainContext, directoryId: string): Promise<GroupMapping[]> {
  return ctx.db.rows<GroupMapping>(
    `SELECT r.id AS id, r.organization_id AS "organizationId", r.role AS role, r.match_type AS "matchType", r.match_value AS "matchValue",
       o.slug AS "organizationSlug", o.kind AS "organizationKind"
     FROM role_mappings r JOIN organizations o ON o.id = r.organization_id WHERE r.directory_id = ?`,
    [directoryId],
  );
}

/** The mappings of a directory that choose `group` (matched here, not in SQL). */
export function mappingsMatching(mappings: readonly GroupMapping[], group: Pick<MappedGroup, 'displayName' | 'externalId'>): GroupMapping[] {
  return mappings.filter((mapping) => mappingMatches(mapping, group));
}

/** The mappings that choose `group`. */
export async function mappingsForGroup(ctx: DomainContext, group: MappedGroup): Promise<GroupMapping[]> {
  return mappingsMatching(await directoryMappings(ctx, group.directoryId), group);
}

/** What grantForMembers writes, told to a tracker of the memberships (membershipEvents.ts). */
export function trackGrants(tracker: MembershipTracker, mappings: readonly GroupMapping[], group: Pick<MappedGroup, 'id' | 'displayName'>, userIds: readonly string[]): void {
  for (const mapping of mappings) {
    for (const userId of userIds) {
      tracker.grant({
        userId,
        organizationId: mapping.organizationId,
        organizationSlug: mapping.organizationSlug,
        organizationKind: mapping.organizationKind,
        role: mapping.role,
        sourceKey: sourceKey(mapping.id, group.id),
        groupId: group.id,
        groupName: group.displayName,
      });
    }
  }
}

export async function memberIds(ctx: DomainContext, t: Transaction, groupId: string): Promise<string[]> {
  const rows = await ctx.db.models.GroupMember.findAll({ where: { groupId }, attributes: ['userId'], raw: true, transaction: t });
  return rows.map((row) => row.userId);
}

/**
 * Recomputes everything a group gives (after a rename or an externalId change): `mappings` are those that choose it
 * now; the tracker, when given, learns what changed for its members.
 */
export async function reapplyGroup(ctx: DomainContext, t: Transaction, group: MappedGroup, options: { mappings?: readonly GroupMapping[]; tracker?: MembershipTracker } = {}): Promise<void> {
  const { tracker } = options;
  const members = tracker ? await memberIds(ctx, t, group.id) : undefined;
  if (tracker) await tracker.load(members!);
  await ctx.db.models.Membership.destroy({ where: { groupId: group.id }, transaction: t });
  tracker?.revokeGroup(group.id);
  const mappings = options.mappings ?? (await mappingsForGroup(ctx, group));
  if (mappings.length === 0) return;
  const userIds = members ?? (await memberIds(ctx, t, group.id));
  await grantForMembers(ctx, t, mappings, group.id, userIds);
  if (tracker) trackGrants(tracker, mappings, group, userIds);
}

/**
 * Runs a change of mappings and emits the membership events it causes: the memberships of the organizations
 * concerned are read before and after (a change of mappings is rare; it may touch every member of their groups).
 */
async function withMembershipEvents<T>(ctx: DomainContext, t: Transaction, principal: Principal, organizationIds: readonly string[], change: () => Promise<T>): Promise<T> {
  const ids = [...new Set(organizationIds)];
  const before = await readMembershipRows(ctx, { organizationIds: ids });
  const result = await change();
  const after = await readMembershipRows(ctx, { organizationIds: ids });
  emitMembershipChanges(ctx, t, principal.actor, membershipChanges(ctx, before, after));
  return result;
}

/** Recomputes everything a mapping gives, over every group of its directory. */
async function reapplyMapping(ctx: DomainContext, t: Transaction, mapping: RoleMapping): Promise<number> {
  await ctx.db.models.Membership.destroy({ where: { roleMappingId: mapping.id }, transaction: t });
  const groups = await ctx.db.models.Group.findAll({ where: { directoryId: mapping.directoryId }, transaction: t });
  let granted = 0;
  for (const group of groups.filter((g) => mappingMatches(mapping, g))) {
    const members = await memberIds(ctx, t, group.id);
    await grantForMembers(ctx, t, [mapping], group.id, members);
    granted += members.length;
  }
  return granted;
}

async function present(ctx: DomainContext, mapping: RoleMapping): Promise<RoleMappingView> {
  const t = ctx.db.current();
  const [directory, org] = await Promise.all([
    ctx.db.models.Directory.findByPk(mapping.directoryId, { transaction: t }),
    ctx.db.models.Organization.findByPk(mapping.organizationId, { transaction: t }),
  ]);
  return {
    id: mapping.id,
    directory: { id: mapping.directoryId, name: directory?.name ?? '' },
    match: { type: mapping.matchType, value: mapping.matchValue },
    organization: { id: mapping.organizationId, slug: org?.slug ?? '', name: org?.name ?? '' },
    role: mapping.role,
    createdAt: mapping.createdAt.toISOString(),
    updatedAt: mapping.updatedAt.toISOString(),
  };
}

async function resolve(ctx: DomainContext, data: z.output<typeof inputSchema>) {
  const directory = await findDirectory(ctx, data.directory);
  const org = await findOrganization(ctx, data.organization);
  if (!(await isLinked(ctx, directory.id, org.id))) {
    throw invalid('role_mapping.not_linked', `Directory "${directory.name}" may not grant roles in "${org.slug}"; link them first (directory link).`, 'organization');
  }
  ctx.catalog.require(org.kind, data.role);
  return { directory, org };
}

/** Maps groups of a directory to a role in an organization; their members get it at once. */
export async function createRoleMapping(ctx: DomainContext, principal: Principal, input: RoleMappingInput): Promise<RoleMappingView> {
  await authorize(ctx, principal, 'role_mapping.manage', { type: 'platform' });
  const data = parseInput(inputSchema, input, 'role_mapping.invalid');
  return ctx.db.tx(async (t) => {
    const { directory, org } = await resolve(ctx, data);
    const now = ctx.clock.now();
    let mapping: RoleMapping;
    try {
      mapping = await ctx.db.models.RoleMapping.create(
        { id: ctx.random.uuid(), directoryId: directory.id, matchType: data.matchType, matchValue: data.matchValue, organizationId: org.id, role: data.role, createdAt: now, updatedAt: now },
        { transaction: t },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw conflict('role_mapping.exists', 'A mapping of these groups to this organization already exists; change its role instead.');
      throw error;
    }
    const granted = await withMembershipEvents(ctx, t, principal, [org.id], () => reapplyMapping(ctx, t, mapping));
    const view = await present(ctx, mapping);
    forgetScimTokenRights(ctx, t);
    await recordAudit(ctx, t, principal.actor, { action: 'role_mapping.created', targetType: 'role_mapping', targetId: mapping.id, directoryId: directory.id, organizationId: org.id, details: { after: view, membershipsGranted: granted } });
    return view;
  });
}

export async function updateRoleMapping(ctx: DomainContext, principal: Principal, id: string, input: Partial<Omit<RoleMappingInput, 'directory'>>): Promise<RoleMappingView> {
  await authorize(ctx, principal, 'role_mapping.manage', { type: 'platform' });
  return ctx.db.tx(async (t) => {
    const mapping = await ctx.db.models.RoleMapping.findByPk(id, { transaction: t });
    if (!mapping) throw notFound('role_mapping');
    const before = await present(ctx, mapping);
    const data = parseInput(
      inputSchema,
      { directory: mapping.directoryId, matchType: input.matchType ?? mapping.matchType, matchValue: input.matchValue ?? mapping.matchValue, organization: input.organization ?? mapping.organizationId, role: input.role ?? mapping.role },
      'role_mapping.invalid',
    );
    const { org } = await resolve(ctx, data);
    const granted = await withMembershipEvents(ctx, t, principal, [mapping.organizationId, org.id], async () => {
      mapping.set({ matchType: data.matchType, matchValue: data.matchValue, organizationId: org.id, role: data.role, updatedAt: ctx.clock.now() });
      try {
        await mapping.save({ transaction: t });
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw conflict('role_mapping.exists', 'A mapping of these groups to this organization already exists.');
        throw error;
      }
      return reapplyMapping(ctx, t, mapping);
    });
    const after = await present(ctx, mapping);
    forgetScimTokenRights(ctx, t);
    await recordAudit(ctx, t, principal.actor, { action: 'role_mapping.updated', targetType: 'role_mapping', targetId: mapping.id, directoryId: mapping.directoryId, organizationId: org.id, details: { before, after, membershipsGranted: granted } });
    return after;
  });
}

export async function deleteRoleMapping(ctx: DomainContext, principal: Principal, id: string): Promise<void> {
  await authorize(ctx, principal, 'role_mapping.manage', { type: 'platform' });
  await ctx.db.tx(async (t) => {
    const mapping = await ctx.db.models.RoleMapping.findByPk(id, { transaction: t });
    if (!mapping) throw notFound('role_mapping');
    const before = await present(ctx, mapping);
    const removed = await withMembershipEvents(ctx, t, principal, [mapping.organizationId], async () => {
      const count = await ctx.db.models.Membership.destroy({ where: { roleMappingId: mapping.id }, transaction: t });
      await mapping.destroy({ transaction: t });
      return count;
    });
    forgetScimTokenRights(ctx, t);
    await recordAudit(ctx, t, principal.actor, { action: 'role_mapping.deleted', targetType: 'role_mapping', targetId: mapping.id, directoryId: mapping.directoryId, organizationId: mapping.organizationId, details: { before, membershipsRemoved: removed } });
  });
}

export async function listRoleMappings(ctx: DomainContext, principal: Principal, filter: { directory?: string } = {}): Promise<RoleMappingView[]> {
  await authorize(ctx, principal, 'role_mapping.read', { type: 'platform' });
  const where = filter.directory ? { directoryId: (await findDirectory(ctx, filter.directory)).id } : {};
  const rows = await ctx.db.models.RoleMapping.findAll({ where, order: [['createdAt', 'ASC'], ['id', 'ASC']] });
  return Promise.all(rows.map((row) => present(ctx, row)));
}
