import type { Transaction } from 'sequelize';
import type { Group } from '../db/models/Group.js';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';
import { emitEvent, type EventType } from './events.js';

/**
 * Group events: a group of an SSO directory created, renamed, deleted, members added or removed. They concern the
 * organizations where the group's role mappings give roles (a group that gives none concerns the platform only).
 * A change of members is one event with the ids of the members, not one per member; a very large change is told in
 * parts of MEMBER_IDS_PER_EVENT ids, so that no webhook body grows without bound.
 */
export const MEMBER_IDS_PER_EVENT = 1000;

type GroupEventSource = Pick<Group, 'id' | 'directoryId' | 'displayName' | 'externalId'> & { version?: number };

export function groupEventData(group: GroupEventSource): Record<string, unknown> {
  return { id: group.id, directoryId: group.directoryId, displayName: group.displayName, externalId: group.externalId, ...(group.version !== undefined ? { version: group.version } : {}) };
}

/**
 * Emits a group event. For `group.members_added` and `group.members_removed`, `memberIds` are the members added or
 * removed (none: no event).
 */
export function emitGroupEvent(ctx: DomainContext, t: Transaction, actor: Actor, type: EventType, group: GroupEventSource, organizationIds: readonly string[], memberIds?: readonly string[], extra: Record<string, unknown> = {}): void {
  const emit = (data: Record<string, unknown>) =>
    emitEvent(ctx, t, actor, { type, organizationIds: [...new Set(organizationIds)], groupId: group.id, directoryId: group.directoryId, data: { ...groupEventData(group), ...data, ...extra } });
  if (memberIds === undefined) return emit({});
  for (let i = 0; i < memberIds.length; i += MEMBER_IDS_PER_EVENT) emit({ memberIds: memberIds.slice(i, i + MEMBER_IDS_PER_EVENT) });
}
