import { z } from 'zod';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Group } from '../db/models/Group.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { groupScopeFor } from './policy/index.js';
import type { Principal } from './principal.js';
import { findDirectory } from './directories.js';
import { conflict, DomainError, invalid, notFound } from './errors.js';
import { emitGroupEvent } from './groupEvents.js';
import { emitMembershipChanges, MembershipTracker } from './membershipEvents.js';
import { grantForMembers, mappingsForGroup, memberIds, revokeForMembers, trackGrants, type GroupMapping, type MappedGroup } from './roleMappings.js';
import { idList, idRows, inIdList } from './idLists.js';
import { fitsNormalised, normalise, parseInput } from './validation.js';

export interface GroupMemberView {
  value: string;
  display: string | null;
}

export interface GroupView {
  id: string;
  directoryId: string;
  displayName: string;
  externalId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Present unless the caller asked not to load members. */
  members?: GroupMemberView[];
}

export interface GroupScope {
  directoryId?: string;
}

export const groupAttributesSchema = z.object({
  displayName: z.string().trim().min(1, 'must not be empty').max(255, 'must be 255 characters or fewer').refine(fitsNormalised(255), 'must be 255 characters or fewer once normalised (compatibility characters such as ﷺ expand)'),
  externalId: z.string().trim().max(255).nullable().optional(),
});

/** How many ids an audit event lists before it only counts them. */
const AUDIT_ID_LIMIT = 20;

export function idsForAudit(ids: readonly string[]): { count: number; ids: string[]; truncated?: true } {
  return ids.length > AUDIT_ID_LIMIT ? { count: ids.length, ids: ids.slice(0, AUDIT_ID_LIMIT), truncated: true } : { count: ids.length, ids: [...ids] };
}

export async function findGroupInScope(ctx: DomainContext, id: string, scope: GroupScope = {}): Promise<Group> {
  const group = await ctx.db.models.Group.findOne({ where: { id, ...(scope.directoryId ? { directoryId: scope.directoryId } : {}) }, transaction: ctx.db.current() });
  if (!group) throw notFound('group');
  return group;
}

export function checkGroupVersion(group: Pick<Group, 'version'>, expected: number | undefined): void {
  if (expected !== undefined && group.version !== expected) {
    throw new DomainError('precondition_failed', 'group.version_mismatch', `The group changed since version ${expected} (now ${group.version}); read it again.`);
  }
}

export function groupNameTaken(displayName: string): DomainError {
  return conflict('group.name_taken', `A group named "${displayName}" already exists in this directory.`, 'displayName');
}

function unknownMembers(missing: readonly string[]): DomainError {
  const named = missing.slice(0, 5).map((id) => `"${id}"`).join(', ');
  return invalid('group.unknown_members', `No user of this directory has the id ${named}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}.`, 'members');
}

/**
 * The members a change adds: `userIds` deduplicated, without those already in the group. Each must be a user of the
 * group's directory, else nothing is added and the error names them. One query, by primary keys only, so the cost
 * does not grow with the group or the directory.
 */
export async function membersToAdd(ctx: DomainContext, group: Pick<Group, 'id' | 'directoryId'>, userIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return [];
  // The directory is compared here rather than in SQL: given `u.directory_id = ?`, SQLite walks the directory's
  // index (every user of it) instead of looking the ids up.
  const rows = await ctx.db.rows<{ id: string; directoryId: string; member: string | null }>(
    `SELECT u.id AS "id", u.directory_id AS "directoryId", gm.user_id AS "member" FROM users u LEFT JOIN group_members gm ON gm.group_id = ? AND gm.user_id = u.id WHERE ${inIdList(ctx, 'u.id')}`,
    [group.id, idList(ctx, unique)],
  );
  const ofDirectory = new Set<string>();
  const inGroup = new Set<string>();
  for (const row of rows) {
    if (row.directoryId !== group.directoryId) continue;
    ofDirectory.add(row.id);
    if (row.member !== null) inGroup.add(row.id);
  }
  const missing = unique.filter((id) => !ofDirectory.has(id));
  if (missing.length > 0) throw unknownMembers(missing);
  return unique.filter((id) => !inGroup.has(id));
}

/**
 * Adds members that membersToAdd chose (users of the directory, not yet in the group) and the roles the group's
 * mappings give them: one INSERT of members, one of memberships.
 */
export async function insertMembers(ctx: DomainContext, t: Transaction, group: MappedGroup, userIds: readonly string[], mappings: readonly GroupMapping[], tracker?: MembershipTracker): Promise<void> {
  if (userIds.length === 0) return;
  if (tracker && mappings.length > 0) await tracker.load(userIds);
  // DO NOTHING only guards: the changes of one group queue on its row (changeGroup's lock). `WHERE true` tells
  // SQLite's parser that ON CONFLICT belongs to the INSERT.
  await ctx.db.execute(
    `INSERT INTO group_members (group_id, user_id, created_at) SELECT ?, value, ? FROM ${idRows(ctx)} WHERE true ON CONFLICT DO NOTHING`,
    [group.id, ctx.clock.now(), idList(ctx, userIds)],
    t,
  );
  if (mappings.length === 0) return;
  await grantForMembers(ctx, t, mappings, group.id, userIds);
  if (tracker) trackGrants(tracker, mappings, group, userIds);
}

/**
 * Removes `userIds` from the group (non-members are ignored) with what its mappings gave them; answers the ids of
 * those who left. A tracker, given when the group gives roles, learns what they lose.
 */
export async function deleteMembers(ctx: DomainContext, t: Transaction, groupId: string, userIds: readonly string[], tracker?: MembershipTracker): Promise<string[]> {
  if (tracker) await tracker.load(userIds);
  const removed = await ctx.db.rows<{ userId: string }>(`DELETE FROM group_members WHERE group_id = ? AND ${inIdList(ctx, 'user_id')} RETURNING user_id AS "userId"`, [groupId, idList(ctx, userIds)]);
  await revokeForMembers(ctx, t, groupId, userIds);
  tracker?.revokeGroup(groupId, userIds);
  return removed.map((row) => row.userId);
}

export async function presentGroup(ctx: DomainContext, group: Group, options: { members?: boolean } = {}): Promise<GroupView> {
  const view: GroupView = {
    id: group.id,
    directoryId: group.directoryId,
    displayName: group.displayName,
    externalId: group.externalId,
    version: group.version,
    createdAt: group.createdAt.toISOString(),
    updatedAt: group.updatedAt.toISOString(),
  };
  if (options.members !== false) {
    const [rows] = await ctx.db.sequelize.query(
      'SELECT u.id AS value, COALESCE(u.display_name, u.user_name) AS display FROM group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY m.created_at, u.id',
      { replacements: [group.id], transaction: ctx.db.current() },
    );
    view.members = rows as GroupMemberView[];
  }
  return view;
}

export interface CreateGroupInput {
  directory: string;
  displayName: string;
  externalId?: string | null;
  members?: string[];
}

export async function createGroup(ctx: DomainContext, principal: Principal, input: CreateGroupInput): Promise<GroupView> {
  const attrs = parseInput(groupAttributesSchema, input, 'group.invalid');
  const scope = groupScopeFor(principal, 'group.manage');
  return ctx.db.tx(async (t) => {
    const directory = await findDirectory(ctx, input.directory);
    if (scope.directoryId && scope.directoryId !== directory.id) throw notFound('directory');
    const now = ctx.clock.now();
    let group: Group;
    try {
      group = await ctx.db.models.Group.create(
        { id: ctx.random.uuid(), directoryId: directory.id, displayName: attrs.displayName, displayNameNormalized: normalise(attrs.displayName), externalId: attrs.externalId ?? null, createdAt: now, updatedAt: now },
        { transaction: t },
      );
    } catch (error) {
      if (error instanceof UniqueConstraintError) throw groupNameTaken(attrs.displayName);
      throw error;
    }
    const members = await membersToAdd(ctx, group, input.members ?? []);
    const mappings = await mappingsForGroup(ctx, group);
    const tracker = new MembershipTracker(ctx);
    await insertMembers(ctx, t, group, members, mappings, tracker);
    await recordAudit(ctx, t, principal.actor, { action: 'group.created', targetType: 'group', targetId: group.id, directoryId: directory.id, details: { displayName: group.displayName, externalId: group.externalId, members: idsForAudit(members) } });
    const organizationIds = mappings.map((m) => m.organizationId);
    emitGroupEvent(ctx, t, principal.actor, 'group.created', group, organizationIds);
    emitGroupEvent(ctx, t, principal.actor, 'group.members_added', group, organizationIds, members);
    emitMembershipChanges(ctx, t, principal.actor, tracker.changes());
    return presentGroup(ctx, group, { members: members.length > 0 });
  });
}

export async function getGroup(ctx: DomainContext, principal: Principal, id: string, options: { members?: boolean } = {}): Promise<GroupView> {
  return presentGroup(ctx, await findGroupInScope(ctx, id, groupScopeFor(principal, 'group.read')), { members: options.members ?? true });
}

export interface GroupChangeOptions {
  expectedVersion?: number;
}

/** Deletes a group; only the memberships it gave go with it. */
export async function deleteGroup(ctx: DomainContext, principal: Principal, id: string, options: GroupChangeOptions = {}): Promise<void> {
  const scope = groupScopeFor(principal, 'group.manage');
  await ctx.db.tx(async (t) => {
    const group = await findGroupInScope(ctx, id, scope);
    checkGroupVersion(group, options.expectedVersion);
    const members = await memberIds(ctx, t, group.id);
    const mappings = await mappingsForGroup(ctx, group);
    const tracker = new MembershipTracker(ctx);
    if (mappings.length > 0) await tracker.loadHoldersOf(group.id);
    const membershipsRemoved = await ctx.db.models.Membership.destroy({ where: { groupId: group.id }, transaction: t });
    tracker.revokeGroup(group.id);
    await group.destroy({ transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'group.deleted', targetType: 'group', targetId: group.id, directoryId: group.directoryId, details: { displayName: group.displayName, members: members.length, membershipsRemoved } });
    // Its members leave it, then it goes; the roles it gave go with it.
    const organizationIds = mappings.map((m) => m.organizationId);
    emitGroupEvent(ctx, t, principal.actor, 'group.members_removed', group, organizationIds, members);
    emitGroupEvent(ctx, t, principal.actor, 'group.deleted', group, organizationIds);
    emitMembershipChanges(ctx, t, principal.actor, tracker.changes());
  });
}
