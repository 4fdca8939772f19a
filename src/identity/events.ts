import type { Transaction } from 'sequelize';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';

/**
 * Events: what changed, for the portals (webhooks, the change feed, back-channel logout). A command emits them in the
 * transaction of its change; they are written just before that transaction commits, with their positions in commit
 * order, so an event exists exactly when its change committed and the feed never shows a later position before an
 * earlier one.
 */
export const EVENT_TYPES = [
  'user.created',
  'user.updated',
  'user.activated',
  'user.deactivated',
  'user.reactivated',
  'user.locked',
  'user.unlocked',
  'user.deleted',
  'membership.added',
  'membership.role_changed',
  'membership.removed',
  'group.created',
  'group.renamed',
  'group.updated',
  'group.deleted',
  'group.members_added',
  'group.members_removed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Who caused an event, as a portal needs to know it (never a person's secret). */
export type EventActorKind = 'scim_token' | 'administrator' | 'user' | 'system';

export interface EventInput {
  type: EventType;
  /** The organizations the event concerns (a subscription or feed filtered by organization sees it). */
  organizationIds: readonly string[];
  userId?: string | null;
  groupId?: string | null;
  directoryId?: string | null;
  /**
   * The resource as it is after the change, and what changed (`changed: ['name.givenName', …]`), as JSON: never a
   * password, hash, token or secret.
   */
  data: Record<string, unknown>;
}

/** An event as the feed and webhooks give it. */
export interface EventView {
  id: string;
  /** The position in commit order: the feed's cursor. */
  position: number;
  type: EventType;
  occurredAt: string;
  organizationIds: string[];
  userId: string | null;
  groupId: string | null;
  directoryId: string | null;
  actor: { kind: EventActorKind; id: string | null };
  data: Record<string, unknown>;
}

export function actorKind(actor: Actor): EventActorKind {
  switch (actor.type) {
    case 'scim_token':
      return 'scim_token';
    case 'admin':
    case 'api_token':
    case 'service_token':
    case 'operator':
      return 'administrator';
    case 'user':
      return 'user';
    default:
      return 'system';
  }
}

interface Pending {
  id: string;
  occurredAt: Date;
  actor: Actor;
  input: EventInput;
}

const pending = new WeakMap<Transaction, Pending[]>();

/** Keys a JSON value may not carry in an event, at any depth. */
const SECRET_KEY = /pass(word)?|hash|secret|token|totp|recovery/i;

function assertNoSecrets(value: unknown, path: string): void {
  if (Array.isArray(value)) value.forEach((item, i) => assertNoSecrets(item, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (SECRET_KEY.test(key)) throw new Error(`an event may not carry "${path}.${key}"`);
      assertNoSecrets(inner, `${path}.${key}`);
    }
  }
}

/**
 * Emits an event in transaction `t` (a transaction of db.tx): it is written with the transaction, just before it
 * commits, and not at all if it rolls back.
 */
export function emitEvent(ctx: DomainContext, t: Transaction, actor: Actor, input: EventInput): void {
  assertNoSecrets(input.data, 'data');
  let list = pending.get(t);
  if (!list) {
    pending.set(t, (list = []));
    const events = list;
    ctx.db.beforeCommit(t, () => writeEvents(ctx, t, events));
  }
  list.push({ id: ctx.random.uuid(), occurredAt: ctx.clock.now(), actor, input });
}

/**
 * Writes a transaction's events, numbered in commit order. PostgreSQL: takes as many positions from event_sequence's
 * row (locking it until the commit that follows, so that positions are handed out in commit order), then inserts the
 * events with them. SQLite, one writer at a time: the INSERT alone, SQLite numbering the rows (AUTOINCREMENT, which
 * event_sequence shows there: migration 20261211100000): one statement instead of two on every write.
 */
async function writeEvents(ctx: DomainContext, t: Transaction, events: Pending[]): Promise<void> {
  pending.delete(t);
  if (events.length === 0) return;
  let first: number | null = null;
  if (ctx.db.dialect === 'postgres') {
    const [row] = await ctx.db.rows<{ last: number | string }>('UPDATE event_sequence SET last_position = last_position + ? WHERE id = 1 RETURNING last_position AS last', [events.length]);
    if (!row) throw new Error('event_sequence has no row: run the migrations');
    first = Number(row.last) - events.length + 1;
  }
  await ctx.db.insert(
    ctx.db.models.EventRecord,
    events.map((event, i) => ({
      position: first === null ? null : first + i,
      id: event.id,
      type: event.input.type,
      occurredAt: event.occurredAt,
      organizationIds: [...new Set(event.input.organizationIds)],
      userId: event.input.userId ?? null,
      groupId: event.input.groupId ?? null,
      directoryId: event.input.directoryId ?? null,
      actorType: actorKind(event.actor),
      actorId: event.actor.id ?? null,
      data: event.input.data,
    })),
    t,
  );
}

/**
 * The position of the last event committed: event_sequence's, which moves with each commit in order (PostgreSQL: its
 * row, locked by an open transaction until it commits; SQLite: the last number handed out). Readers of the outbox go
 * up to it, and a new reader starts after it.
 */
export async function lastEventPosition(ctx: DomainContext): Promise<number> {
  const [row] = await ctx.db.rows<{ last: number | string | null }>('SELECT last_position AS last FROM event_sequence WHERE id = 1', []);
  return Number(row?.last ?? 0);
}

export function presentEvent(record: {
  position: number | string;
  id: string;
  type: string;
  occurredAt: Date;
  organizationIds: string[];
  userId: string | null;
  groupId: string | null;
  directoryId: string | null;
  actorType: string;
  actorId: string | null;
  data: Record<string, unknown>;
}): EventView {
  return {
    id: record.id,
    position: Number(record.position),
    type: record.type as EventType,
    occurredAt: record.occurredAt.toISOString(),
    organizationIds: record.organizationIds,
    userId: record.userId,
    groupId: record.groupId,
    directoryId: record.directoryId,
    actor: { kind: record.actorType as EventActorKind, id: record.actorId },
    data: record.data,
  };
}
