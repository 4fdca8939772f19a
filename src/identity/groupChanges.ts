import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { Group } from '../db/models/Group.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { groupScopeFor } from './policy/index.js';
import type { Principal } from './principal.js';
import { notFound } from './errors.js';
import {
  checkGroupVersion,
  checkMembers,
  deleteMembers,
  groupAttributesSchema,
  groupNameTaken,
  idsForAudit,
  insertMembers,
  touchGroup,
  type GroupChangeOptions,
} from './groups.js';
import { reapplyGroup } from './roleMappings.js';
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

async function lockGroup(ctx: DomainContext, t: Transaction, id: string, directoryId: string | undefined): Promise<Group> {
  // FOR UPDATE on PostgreSQL: concurrent changes of one group queue here, so versions and member sets stay exact.
  // SQLite serialises write transactions anyway (and sequelize leaves the clause out there).
  const group = await ctx.db.models.Group.findOne({ where: { id, ...(directoryId ? { directoryId } : {}) }, transaction: t, lock: t.LOCK.UPDATE });
  if (!group) throw notFound('group');
  return group;
}

async function memberIdsWhere(ctx: DomainContext, t: Transaction, groupId: string, where: Condition | undefined): Promise<string[]> {
  const params: unknown[] = [groupId];
  const members = GROUP_TABLE.collections.members!;
  const condition = where ? ` AND ${compileCondition(where, { fields: members.fields, collections: {} }, ctx.db.dialect, params).sql}` : '';
  const [rows] = (await ctx.db.sequelize.query(`SELECT gm.user_id AS id FROM group_members gm JOIN users u ON u.id = gm.user_id WHERE gm.group_id = ?${condition}`, {
    replacements: params,
    transaction: t,
    raw: true,
  })) as [Array<{ id: string }>, unknown];
  return rows.map((r) => r.id);
}

/**
 * Applies several changes to one group atomically (a SCIM PATCH with several operations): members are added and
 * removed with set semantics in SQL (an existing member is not duplicated; removing a non-member changes nothing),
 * roles the group gives through mappings follow in the same transaction, and the version moves once.
 */
export async function changeGroup(ctx: DomainContext, principal: Principal, id: string, changes: readonly GroupChange[], options: GroupChangeOptions = {}): Promise<GroupChangeResult> {
  const scope = groupScopeFor(principal, 'group.manage');
  return ctx.db.tx(async (t) => {
    const group = await lockGroup(ctx, t, id, scope.directoryId);
    checkGroupVersion(group, options.expectedVersion);
    let added = 0;
    let removed = 0;
    let attributesChanged = false;
    const audit = async (action: string, details: Record<string, unknown>) =>
      recordAudit(ctx, t, principal.actor, { action, targetType: 'group', targetId: group.id, directoryId: group.directoryId, details });

    for (const change of changes) {
      switch (change.type) {
        case 'attributes': {
          const attrs = parseInput(groupAttributesSchema.partial(), change, 'group.invalid');
          const before = { displayName: group.displayName, externalId: group.externalId };
          const renamed = attrs.displayName !== undefined && attrs.displayName !== group.displayName;
          const reidentified = attrs.externalId !== undefined && (attrs.externalId ?? null) !== group.externalId;
          if (renamed) group.set({ displayName: attrs.displayName as string, displayNameNormalized: normalise(attrs.displayName as string) });
          if (reidentified) group.externalId = attrs.externalId ?? null;
          if (renamed || reidentified) {
            attributesChanged = true;
            await audit('group.updated', { before, after: { displayName: group.displayName, externalId: group.externalId } });
          }
          break;
        }
        case 'addMembers': {
          const wanted = await checkMembers(ctx, t, group.directoryId, change.userIds);
          const ids = await insertMembers(ctx, t, group, wanted);
          added += ids.length;
          if (ids.length) await audit('group.members_added', { members: idsForAudit(ids) });
          break;
        }
        case 'removeMembers':
        case 'removeMembersWhere':
        case 'removeAllMembers': {
          const ids =
            change.type === 'removeMembers' ? [...new Set(change.userIds)] : await memberIdsWhere(ctx, t, group.id, change.type === 'removeMembersWhere' ? change.where : undefined);
          const count = ids.length ? await deleteMembers(ctx, t, group, ids) : 0;
          removed += count;
          if (count) await audit('group.members_removed', { members: idsForAudit(ids), removed: count });
          break;
        }
        case 'replaceMembers': {
          const wanted = new Set(await checkMembers(ctx, t, group.directoryId, change.userIds));
          const current = new Set(await memberIdsWhere(ctx, t, group.id, undefined));
          const toRemove = [...current].filter((u) => !wanted.has(u));
          const toAdd = [...wanted].filter((u) => !current.has(u));
          const count = toRemove.length ? await deleteMembers(ctx, t, group, toRemove) : 0;
          const ids = await insertMembers(ctx, t, group, toAdd);
          added += ids.length;
          removed += count;
          if (count || ids.length) await audit('group.members_replaced', { added: idsForAudit(ids), removed: idsForAudit(toRemove) });
          break;
        }
      }
    }
    const changed = attributesChanged || added > 0 || removed > 0;
    if (changed) {
      try {
        await touchGroup(ctx, t, group);
      } catch (error) {
        if (error instanceof UniqueConstraintError) throw groupNameTaken(group.displayName);
        throw error;
      }
      if (attributesChanged) await reapplyGroup(ctx, t, group);
    }
    return { changed, version: group.version, added, removed };
  });
}
