import type { Transaction } from 'sequelize';
import type { Group } from '../db/models/Group.js';
import { isUniqueViolation } from '../db/rows.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { groupScopeFor } from './policy/index.js';
import type { Principal } from './principal.js';
import { notFound } from './errors.js';
import { checkGroupVersion, deleteMembers, groupAttributesSchema, groupNameTaken, idsForAudit, insertMembers, membersToAdd, type GroupChangeOptions } from './groups.js';
import { emitGroupEvent } from './groupEvents.js';
import { emitMembershipChanges, MembershipTracker } from './membershipEvents.js';
import { directoryMappings, mappingsMatching, reapplyGroup, type GroupMapping } from './roleMappings.js';
import { compileCondition } from './search/compile.js';
import type { Condition } from './search/condition.js';
import { GROUP_TABLE } from './search/fields.js';
import { normalise, parseInput } from './validation.js';

/** One step of a change to a group; a list of them is applied in order, in one transaction. */
export type GroupChange =
  | { type: 'attributes'; displayName?: string; externalId?: string | null }
  | { type: 'addMembers'; userIds: readonly string[] }
  | { type: 'removeMembers'; userIds: readonly string[] }
  /** Removes the members matching a condition on the members' fields (`value`, `display`). */
  | { type: 'removeMembersWhere'; where: Condition }
  | { type: 'removeAllMembers' }
  | { type: 'replaceMembers'; userIds: readonly string[] };

export interface GroupChangeResult {
  changed: boolean;
  version: number;
  added: number;
  removed: number;
}

/** The columns of a group a change reads and writes, as a plain row (no model instance is built). */
type GroupRow = Pick<Group, 'id' | 'directoryId' | 'displayName' | 'displayNameNormalized' | 'externalId' | 'version'>;

/** A changeGroup call under way: its transaction, the locked group, and what the steps have changed so far. */
interface ChangeRun {
  ctx: DomainContext;
  t: Transaction;
  principal: Principal;
  group: GroupRow;
  /** The group's name and externalId before the change. */
  initial: Pick<GroupRow, 'displayName' | 'externalId'>;
  added: number;
  removed: number;
  attributesChanged: boolean;
  /** The members added and removed by the whole change (a member removed then added again is neither). */
  addedIds: Set<string>;
  removedIds: Set<string>;
  /** The role mappings of the group's directory, read once when a step or an event needs them. */
  mappings?: GroupMapping[];
  /** The memberships of the members touched, for the membership events (only when the group gives roles). */
  tracker: MembershipTracker;
}

async function directoryMappingsOf(run: ChangeRun): Promise<GroupMapping[]> {
  return (run.mappings ??= await directoryMappings(run.ctx, run.group.directoryId));
}

/** Whether the group gives roles, now or before the change (then a member's roles change with its membership). */
async function givesRoles(run: ChangeRun): Promise<boolean> {
  const mappings = await directoryMappingsOf(run);
  return mappingsMatching(mappings, run.group).length > 0 || mappingsMatching(mappings, run.initial).length > 0;
}

function noteAdded(run: ChangeRun, ids: readonly string[]): void {
  for (const id of ids) if (!run.removedIds.delete(id)) run.addedIds.add(id);
}

function noteRemoved(run: ChangeRun, ids: readonly string[]): void {
  for (const id of ids) if (!run.addedIds.delete(id)) run.removedIds.add(id);
}

const GROUP_COLUMNS = 'id, directory_id AS "directoryId", display_name AS "displayName", display_name_normalized AS "displayNameNormalized", external_id AS "externalId", version';

async function lockGroup(ctx: DomainContext, id: string, directoryId: string | undefined): Promise<GroupRow> {
  // FOR UPDATE on PostgreSQL: concurrent changes of one group queue here, so versions and member sets stay exact.
  // SQLite serialises write transactions anyway (and has no such clause).
  const inDirectory = directoryId ? ' AND directory_id = ?' : '';
  const lock = ctx.db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  const [group] = await ctx.db.rows<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups WHERE id = ?${inDirectory}${lock}`, directoryId ? [id, directoryId] : [id]);
  if (!group) throw notFound('group');
  return { ...group, version: Number(group.version) };
}

/** Writes the group's attributes with its next version (one UPDATE); a name another group has is refused. */
async function saveGroup(ctx: DomainContext, t: Transaction, group: GroupRow): Promise<void> {
  group.version += 1;
  try {
    await ctx.db.execute(
      'UPDATE groups SET display_name = ?, display_name_normalized = ?, external_id = ?, version = ?, updated_at = ? WHERE id = ?',
      [group.displayName, group.displayNameNormalized, group.externalId, group.version, ctx.clock.now(), group.id],
      t,
    );
  } catch (error) {
    if (isUniqueViolation(error)) throw groupNameTaken(group.displayName);
    throw error;
  }
}

async function memberIdsWhere(ctx: DomainContext, groupId: string, where: Condition | undefined): Promise<string[]> {
  const params: unknown[] = [groupId];
  const members = GROUP_TABLE.collections.members!;
  const condition = where ? ` AND ${compileCondition(where, { fields: members.fields, collections: {} }, ctx.db.dialect, params).sql}` : '';
  const rows = await ctx.db.rows<{ id: string }>(`SELECT gm.user_id AS id FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE gm.group_id = ?${condition}`, params);
  return rows.map((r) => r.id);
}

function audit(run: ChangeRun, action: string, details: Record<string, unknown>): Promise<void> {
  return recordAudit(run.ctx, run.t, run.principal.actor, { action, targetType: 'group', targetId: run.group.id, directoryId: run.group.directoryId, details });
}

async function changeAttributes(run: ChangeRun, change: Extract<GroupChange, { type: 'attributes' }>): Promise<void> {
  const { group } = run;
  const attrs = parseInput(groupAttributesSchema.partial(), change, 'group.invalid');
  const before = { displayName: group.displayName, externalId: group.externalId };
  const renamed = attrs.displayName !== undefined && attrs.displayName !== group.displayName;
  const reidentified = attrs.externalId !== undefined && (attrs.externalId ?? null) !== group.externalId;
  if (!renamed && !reidentified) return;
  if (renamed) Object.assign(group, { displayName: attrs.displayName as string, displayNameNormalized: normalise(attrs.displayName as string) });
  if (reidentified) group.externalId = attrs.externalId ?? null;
  run.attributesChanged = true;
  await audit(run, 'group.updated', { before, after: { displayName: group.displayName, externalId: group.externalId } });
}

/** Inserts members that membersToAdd chose, with the roles the group's mappings give them now. */
async function insert(run: ChangeRun, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await insertMembers(run.ctx, run.t, run.group, ids, mappingsMatching(await directoryMappingsOf(run), run.group), run.tracker);
  noteAdded(run, ids);
}

/** Deletes members (non-members are ignored); answers those who left. */
async function remove(run: ChangeRun, userIds: readonly string[]): Promise<string[]> {
  const left = await deleteMembers(run.ctx, run.t, run.group.id, userIds, (await givesRoles(run)) ? run.tracker : undefined);
  noteRemoved(run, left);
  return left;
}

/** Adds users (those already members are left as they are): reads and writes only the rows of the users named. */
async function addMembers(run: ChangeRun, userIds: readonly string[]): Promise<void> {
  const ids = await membersToAdd(run.ctx, run.group, userIds);
  if (ids.length === 0) return;
  await insert(run, ids);
  run.added += ids.length;
  await audit(run, 'group.members_added', { members: idsForAudit(ids) });
}

/** Removes users (non-members are ignored). */
async function removeMembers(run: ChangeRun, userIds: readonly string[]): Promise<void> {
  if (userIds.length === 0) return;
  const count = (await remove(run, userIds)).length;
  run.removed += count;
  if (count) await audit(run, 'group.members_removed', { members: idsForAudit(userIds), removed: count });
}

/** Makes the members exactly `userIds`: reads the whole member list, as it must. */
async function replaceMembers(run: ChangeRun, userIds: readonly string[]): Promise<void> {
  const toAdd = await membersToAdd(run.ctx, run.group, userIds);
  const wanted = new Set(userIds);
  const toRemove = (await memberIdsWhere(run.ctx, run.group.id, undefined)).filter((u) => !wanted.has(u));
  const count = toRemove.length ? (await remove(run, toRemove)).length : 0;
  await insert(run, toAdd);
  run.added += toAdd.length;
  run.removed += count;
  if (count || toAdd.length) await audit(run, 'group.members_replaced', { added: idsForAudit(toAdd), removed: idsForAudit(toRemove) });
}

async function applyChange(run: ChangeRun, change: GroupChange): Promise<void> {
  switch (change.type) {
    case 'attributes':
      return changeAttributes(run, change);
    case 'addMembers':
      return addMembers(run, change.userIds);
    case 'removeMembers':
      return removeMembers(run, [...new Set(change.userIds)]);
    case 'removeMembersWhere':
      return removeMembers(run, await memberIdsWhere(run.ctx, run.group.id, change.where));
    case 'removeAllMembers':
      return removeMembers(run, await memberIdsWhere(run.ctx, run.group.id, undefined));
    case 'replaceMembers':
      return replaceMembers(run, change.userIds);
  }
}

/**
 * Tells the portals what the whole change did: the group renamed, its externalId changed, its members removed and
 * added (one event each, with the members' ids), then each member's role that changed with it, in every organization
 * concerned.
 */
async function announce(run: ChangeRun): Promise<void> {
  const { ctx, t, principal, group, initial } = run;
  const renamed = group.displayName !== initial.displayName;
  const reidentified = group.externalId !== initial.externalId;
  if (!renamed && run.addedIds.size === 0 && run.removedIds.size === 0 && !run.attributesChanged) return;
  const mappings = await directoryMappingsOf(run);
  const organizationIds = [...mappingsMatching(mappings, initial), ...mappingsMatching(mappings, group)].map((m) => m.organizationId);
  if (renamed) emitGroupEvent(ctx, t, principal.actor, 'group.renamed', group, organizationIds, undefined, { previousDisplayName: initial.displayName });
  // The IdP's own id of the group (a portal matching groups by it needs to know; the name is group.renamed's).
  if (reidentified) emitGroupEvent(ctx, t, principal.actor, 'group.updated', group, organizationIds, undefined, { changed: ['externalId'], previousExternalId: initial.externalId });
  if (run.removedIds.size > 0) emitGroupEvent(ctx, t, principal.actor, 'group.members_removed', group, organizationIds, [...run.removedIds]);
  if (run.addedIds.size > 0) emitGroupEvent(ctx, t, principal.actor, 'group.members_added', group, organizationIds, [...run.addedIds]);
  emitMembershipChanges(ctx, t, principal.actor, run.tracker.changes());
}

/**
 * Applies several changes to one group atomically (a SCIM PATCH with several operations): members are added and
 * removed with set semantics in SQL (an existing member is not duplicated; removing a non-member changes nothing),
 * roles the group gives through mappings follow in the same transaction, and the version moves once. Adding and
 * removing members named by id costs the same whatever the group's size: only their rows are read and written.
 */
export async function changeGroup(ctx: DomainContext, principal: Principal, id: string, changes: readonly GroupChange[], options: GroupChangeOptions = {}): Promise<GroupChangeResult> {
  const scope = groupScopeFor(principal, 'group.manage');
  return ctx.db.tx(async (t) => {
    const group = await lockGroup(ctx, id, scope.directoryId);
    checkGroupVersion(group, options.expectedVersion);
    const run: ChangeRun = {
      ctx, t, principal, group,
      initial: { displayName: group.displayName, externalId: group.externalId },
      added: 0, removed: 0, attributesChanged: false,
      addedIds: new Set(), removedIds: new Set(), tracker: new MembershipTracker(ctx),
    };
    for (const change of changes) await applyChange(run, change);
    const changed = run.attributesChanged || run.added > 0 || run.removed > 0;
    if (changed) {
      await saveGroup(ctx, t, group);
      if (run.attributesChanged) {
        const tracker = (await givesRoles(run)) ? run.tracker : undefined;
        await reapplyGroup(ctx, t, group, { mappings: mappingsMatching(await directoryMappingsOf(run), group), ...(tracker ? { tracker } : {}) });
      }
      await announce(run);
    }
    return { changed, version: group.version, added: run.added, removed: run.removed };
  });
}
