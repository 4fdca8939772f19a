import type { DomainContext } from './context.js';
import { DAY } from '../lib/clock.js';
import { modelColumns } from '../db/rows.js';
import type { EventRecord } from '../db/models/EventRecord.js';
import { invalid } from './errors.js';
import { EVENT_TYPES, lastEventPosition, presentEvent, type EventType, type EventView } from './events.js';
import { findOrganization } from './organizations.js';
import { authorize, organizationScopeFor } from './policy/index.js';
import type { Principal } from './principal.js';

/**
 * The change feed: the events in commit order (their positions), for a portal that catches up after being down or
 * reconciles. A page ends with a cursor that continues after what it looked through; since positions are handed out
 * in commit order (events.ts), a reader that follows the cursors sees every event once, also while new ones arrive.
 * A page looks through at most events.feedScanPositions positions, so that a filter few events match costs each
 * request a bounded read, not the whole outbox.
 * Who reads what is the policy's (`event.read`): platform level every event, an organization administrator the events
 * that concern one of its organizations.
 */

export interface EventFeedQuery {
  /** The `next_cursor` of a previous page; absent: from the oldest event kept. */
  after?: string;
  /** Event types, as a list or comma-separated. */
  types?: string | readonly string[];
  /** An organization (id or slug): only the events that concern it. */
  organization?: string;
  /** Events per page: 1 to MAX_LIMIT, DEFAULT_LIMIT when absent. */
  limit?: number;
}

export interface EventFeedPage {
  events: EventView[];
  /** Where the next page starts: pass it as `after` (also when this page is empty, to wait for new events). */
  next_cursor: string | null;
  /** Whether events were committed past this page (read on now); false: caught up, ask again later. */
  has_more: boolean;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const CURSOR = /^p(\d{1,15})$/;

/** The cursor after the event at `position`: opaque to readers (base64url of a version letter and the position). */
export function encodeCursor(position: number): string {
  return Buffer.from(`p${position}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  if (!match) throw invalid('events.invalid_cursor', 'The cursor is not one this feed gave: pass the next_cursor of a previous page, or leave "after" out to start from the oldest event kept.', 'after');
  return Number(match[1]);
}

function parseTypes(types: EventFeedQuery['types']): EventType[] {
  const list = (typeof types === 'string' ? types.split(',') : [...(types ?? [])]).map((type) => type.trim()).filter(Boolean);
  const unknown = list.find((type) => !(EVENT_TYPES as readonly string[]).includes(type));
  if (unknown !== undefined) throw invalid('events.unknown_type', `"${unknown}" is not an event type; the types are: ${EVENT_TYPES.join(', ')}.`, 'types');
  return [...new Set(list)] as EventType[];
}

function parseLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid('events.invalid_limit', `"limit" must be a whole number from 1 to ${MAX_LIMIT}.`, 'limit');
  return limit;
}

/** `organization_ids` (JSON text, an array of ids) holds this id: a portable LIKE on the quoted id. */
function concerns(organizationId: string, params: unknown[]): string {
  params.push(`%${JSON.stringify(organizationId).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return "e.organization_ids LIKE ? ESCAPE '\\'";
}

type EventColumns = ReturnType<typeof modelColumns<EventRecord>>;
const columnsOf = new WeakMap<object, EventColumns>();

function eventColumns(ctx: DomainContext): EventColumns {
  const model = ctx.db.models.EventRecord;
  let columns = columnsOf.get(model);
  if (!columns) columnsOf.set(model, (columns = modelColumns<EventRecord>(model, 'e')));
  return columns;
}

/**
 * One page of the feed: the events after `after` that the principal may read and the filters keep, in position order.
 * An organization out of the principal's sight is "not found"; a bad cursor, an unknown type or a limit out of range
 * is refused with the reason.
 */
export async function listEvents(ctx: DomainContext, principal: Principal, query: EventFeedQuery = {}): Promise<EventFeedPage> {
  const visible = organizationScopeFor(principal, 'event.read');
  const after = query.after === undefined || query.after === '' ? 0 : decodeCursor(query.after);
  const types = parseTypes(query.types);
  const limit = parseLimit(query.limit);
  let organizations: 'all' | readonly string[] = visible;
  if (query.organization) {
    const org = await findOrganization(ctx, query.organization);
    await authorize(ctx, principal, 'event.read', { type: 'organization', organizationId: org.id });
    organizations = [org.id];
  }
  // Up to the last committed position, at most a window past the cursor.
  const last = await lastEventPosition(ctx);
  const upTo = Math.min(last, after + ctx.settings.events.feedScanPositions);
  const params: unknown[] = [after, upTo];
  const where = ['e.position > ?', 'e.position <= ?'];
  if (types.length > 0) {
    where.push(`e.type IN (${types.map(() => '?').join(', ')})`);
    params.push(...types);
  }
  if (organizations !== 'all') {
    if (organizations.length === 0) return { events: [], next_cursor: query.after || null, has_more: false };
    where.push(`(${organizations.map((id) => concerns(id, params)).join(' OR ')})`);
  }
  const read = eventColumns(ctx);
  const rows = await ctx.db.rows(`SELECT ${read.list} FROM events e WHERE ${where.join(' AND ')} ORDER BY e.position ASC LIMIT ${limit}`, params);
  const events = rows.map((row) => presentEvent(read.read(row) as unknown as Parameters<typeof presentEvent>[0]));
  // A full page ends at its last event; a shorter one looked through the whole window, and continues after it.
  const end = events.length === limit ? events[events.length - 1]!.position : upTo;
  return { events, next_cursor: end > after ? encodeCursor(end) : query.after || null, has_more: end < last };
}

const SWEEP_BATCH = 5000;

/**
 * Deletes the events older than the retention (events.retentionDays), in batches so that no statement holds the
 * database long; answers how many went. Positions are commit order, which is the order of the events' times give or
 * take the instances' clocks: everything before the first event young enough to keep goes (found by reading from the
 * oldest, so the read is as long as what it deletes; events have no index on their time, which every write would pay).
 */
export async function sweepEvents(ctx: DomainContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - ctx.settings.events.retentionDays * DAY);
  const [kept] = await ctx.db.rows<{ position: number | string }>('SELECT position FROM events WHERE occurred_at >= ? ORDER BY position LIMIT 1', [cutoff]);
  const before = kept ? Number(kept.position) : (await lastEventPosition(ctx)) + 1;
  let total = 0;
  for (;;) {
    const deleted = await ctx.db.execute('DELETE FROM events WHERE position IN (SELECT position FROM events WHERE position < ? ORDER BY position LIMIT ?)', [before, SWEEP_BATCH]);
    total += deleted;
    if (deleted < SWEEP_BATCH) return total;
  }
}
