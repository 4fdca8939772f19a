import { z } from 'zod';
import { Op, UniqueConstraintError, type Transaction } from 'sequelize';
import type { Group } from '../db/models/Group.js';
import { recordAudit } from './audit.js';
import { chunk } from './chunks.js';
import type { DomainContext } from './context.js';
import { groupScopeFor } from './policy/index.js';
import type { Principal } from './principal.js';
import { findDirectory } from './directories.js';
import { conflict, DomainError, invalid, notFound } from './errors.js';
import { grantForMembers, mappingsForGroup, revokeForMembers } from './roleMappings.js';
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

export function checkGroupVersion(group: Group, expected: number | undefined): void {
  if (expected !== undefined && group.version !== expected) {
    throw new DomainError('precondition_failed', 'group.version_mismatch', `The group changed since version ${expected} (now ${group.version}); read it again.`);
  }
}

export function groupNameTaken(displayName: string): DomainError {
  return conflict('group.name_taken', `A group named "${displayName}" already exists in this directory.`, 'displayName');
}

/** The member ids given, deduplicated, after checking that each is a user of the group's directory. */
export async function checkMembers(ctx: DomainContext, t: Transaction, directoryId: string, userIds: readonly string[]): Promise<string[]> {
  const unique = [...new Set(userIds)];
  const found = new Set<string>();
  for (const part of chunk(unique, 900)) {
    const rows = await ctx.db.models.User.findAll({ where: { directoryId, id: { [Op.in]: part } }, attributes: ['id'], raw: true, transaction: t });
    for (const row of rows) found.add(row.id);
  }
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw invalid('group.unknown_members', `No user of this directory has the id ${missing.slice(0, 5).map((id) => `"${id}"`).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}.`, 'members');
  }
  return unique;
}

export async function touchGroup(ctx: DomainContext, t: Transaction, group: Group): Promise<void> {
  group.version += 1;
  group.updatedAt = ctx.clock.now();
  await group.save({ transaction: t });
}

export async function insertMembers(ctx: DomainContext, t: Transaction, group: Group, userIds: readonly string[]): Promise<string[]> {
  const existing = new Set<string>();
  for (const part of chunk(userIds, 900)) {
    const rows = await ctx.db.models.GroupMember.findAll({ where: { groupId: group.id, userId: { [Op.in]: part } }, attributes: ['userId'], raw: true, transaction: t });
    for (const row of rows) existing.add(row.userId);
  }
  const added = userIds.filter((id) => !existing.has(id));
  const now = ctx.clock.now();
  for (const part of chunk(added, 400)) {
    // ignoreDuplicates: a concurrent transaction may have added the same member meanwhile; neither loses anything.
    await ctx.db.models.GroupMember.bulkCreate(part.map((userId) => ({ groupId: group.id, userId, createdAt: now })), { transaction: t, ignoreDuplicates: true });
  }
  for (const mapping of await mappingsForGroup(ctx, t, group)) await grantForMembers(ctx, t, mapping, group.id, added);
  return added;
}

export async function deleteMembers(ctx: DomainContext, t: Transaction, group: Group, userIds: readonly string[]): Promise<number> {
  let removed = 0;
  for (const part of chunk(userIds, 900)) {
    removed += await ctx.db.models.GroupMember.destroy({ where: { groupId: group.id, userId: { [Op.in]: part } }, transaction: t });
  }
  await revokeForMembers(ctx, t, group.id, userIds);
  return removed;
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
    const members = await checkMembers(ctx, t, directory.id, input.members ?? []);
    await insertMembers(ctx, t, group, members);
    await recordAudit(ctx, t, principal.actor, { action: 'group.created', targetType: 'group', targetId: group.id, directoryId: directory.id, details: { displayName: group.displayName, externalId: group.externalId, members: idsForAudit(members) } });
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
    const members = await ctx.db.models.GroupMember.count({ where: { groupId: group.id }, transaction: t });
    const membershipsRemoved = await ctx.db.models.Membership.destroy({ where: { groupId: group.id }, transaction: t });
    await group.destroy({ transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'group.deleted', targetType: 'group', targetId: group.id, directoryId: group.directoryId, details: { displayName: group.displayName, members, membershipsRemoved } });
  });
}
