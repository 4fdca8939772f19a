import type { Transaction } from 'sequelize';
import type { OrganizationKind } from '../db/models/Organization.js';
import type { Actor } from './actor.js';
import type { DomainContext } from './context.js';
import { emitEvent } from './events.js';
import { idList, inIdList } from './idLists.js';

/**
 * Membership events: a user's place in one organization as a portal sees it (the effective role, the highest of its
 * sources) appeared (`membership.added`), changed (`membership.role_changed`) or went (`membership.removed`). A
 * change of sources that leaves the effective role as it was is no event. `source` says what caused it: `direct` (an
 * administrator, a provisioning client, the deletion of the user) or the group whose role mapping gave or took it.
 */

/** One membership row with what the events say about it. */
export interface MembershipRow {
  userId: string;
  organizationId: string;
  organizationSlug: string;
  organizationKind: OrganizationKind;
  role: string;
  /** "direct", or "<role mapping id>:<group id>". */
  sourceKey: string;
  groupId: string | null;
  groupName: string | null;
}

export type MembershipSource = 'direct' | { group: { id: string; displayName: string } };

export interface MembershipChange {
  type: 'membership.added' | 'membership.role_changed' | 'membership.removed';
  userId: string;
  organization: { id: string; slug: string };
  /** The effective role after the change (null: removed). */
  role: string | null;
  previousRole: string | null;
  source: MembershipSource;
}

const ROW_COLUMNS = `m.user_id AS "userId", m.organization_id AS "organizationId", o.slug AS "organizationSlug", o.kind AS "organizationKind",
  m.role AS role, m.source_key AS "sourceKey", m.group_id AS "groupId", g.display_name AS "groupName"`;
const ROW_FROM = 'memberships m JOIN organizations o ON o.id = m.organization_id LEFT JOIN groups g ON g.id = m.group_id';

/**
 * Membership rows in one statement, whatever the number of ids: every row of the users given, every row in the
 * organizations given, or every row of the users who hold a row a group gives.
 */
export async function readMembershipRows(ctx: DomainContext, where: { userIds: readonly string[] } | { organizationIds: readonly string[] } | { holdersOfGroup: string }): Promise<MembershipRow[]> {
  if ('userIds' in where) {
    if (where.userIds.length === 0) return [];
    return ctx.db.rows<MembershipRow>(`SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} WHERE ${inIdList(ctx, 'm.user_id')}`, [idList(ctx, where.userIds)]);
  }
  if ('organizationIds' in where) {
    if (where.organizationIds.length === 0) return [];
    return ctx.db.rows<MembershipRow>(`SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} WHERE ${inIdList(ctx, 'm.organization_id')}`, [idList(ctx, where.organizationIds)]);
  }
  return ctx.db.rows<MembershipRow>(`SELECT ${ROW_COLUMNS} FROM ${ROW_FROM} WHERE m.user_id IN (SELECT h.user_id FROM memberships h WHERE h.group_id = ?)`, [where.holdersOfGroup]);
}

/** The effective role of several sources in one organization: the catalog's highest (as a user's view shows it). */
export function effectiveRole(ctx: DomainContext, kind: OrganizationKind, roles: readonly string[]): string | null {
  if (roles.length === 0) return null;
  return ctx.catalog.highest(kind, roles)?.key ?? roles[0]!;
}

/** The change of one user's effective role in one organization, or null when it stays as it was. */
export function membershipChange(input: { userId: string; organization: { id: string; slug: string }; previousRole: string | null; role: string | null; source: MembershipSource }): MembershipChange | null {
  const { previousRole, role } = input;
  if (previousRole === role) return null;
  const type = previousRole === null ? 'membership.added' : role === null ? 'membership.removed' : 'membership.role_changed';
  return { type, userId: input.userId, organization: input.organization, role, previousRole, source: input.source };
}

export function sourceOf(row: Pick<MembershipRow, 'groupId' | 'groupName'>): MembershipSource {
  return row.groupId ? { group: { id: row.groupId, displayName: row.groupName ?? '' } } : 'direct';
}

const rowKey = (row: Pick<MembershipRow, 'sourceKey' | 'role'>) => `${row.sourceKey}\u0000${row.role}`;

/**
 * What changed between two sets of rows of the same users (the rows before and after a change): one change per user
 * and organization whose effective role moved, its source read from the rows that appeared (else went).
 */
export function membershipChanges(ctx: DomainContext, before: readonly MembershipRow[], after: readonly MembershipRow[]): MembershipChange[] {
  const byPlace = new Map<string, { before: MembershipRow[]; after: MembershipRow[] }>();
  const place = (row: MembershipRow) => {
    const key = `${row.userId}\u0000${row.organizationId}`;
    let entry = byPlace.get(key);
    if (!entry) byPlace.set(key, (entry = { before: [], after: [] }));
    return entry;
  };
  for (const row of before) place(row).before.push(row);
  for (const row of after) place(row).after.push(row);
  const changes: MembershipChange[] = [];
  for (const rows of byPlace.values()) {
    const any = (rows.after[0] ?? rows.before[0])!;
    const previousRole = effectiveRole(ctx, any.organizationKind, rows.before.map((r) => r.role));
    const role = effectiveRole(ctx, any.organizationKind, rows.after.map((r) => r.role));
    if (previousRole === role) continue;
    const had = new Set(rows.before.map(rowKey));
    const has = new Set(rows.after.map(rowKey));
    const cause = rows.after.find((r) => !had.has(rowKey(r))) ?? rows.before.find((r) => !has.has(rowKey(r))) ?? any;
    const change = membershipChange({ userId: any.userId, organization: { id: any.organizationId, slug: any.organizationSlug }, previousRole, role, source: sourceOf(cause) });
    if (change) changes.push(change);
  }
  return changes;
}

/** Emits one event per change, in the order given (`extra`: more data, the same for each). */
export function emitMembershipChanges(ctx: DomainContext, t: Transaction, actor: Actor, changes: readonly MembershipChange[], extra: Record<string, unknown> = {}): void {
  for (const change of changes) {
    emitEvent(ctx, t, actor, {
      type: change.type,
      organizationIds: [change.organization.id],
      userId: change.userId,
      data: { user: { id: change.userId }, organization: change.organization, role: change.role, previousRole: change.previousRole, source: change.source, ...extra },
    });
  }
}

/**
 * The memberships of the users a group change touches, as they were before it and as the change leaves them: the
 * rows of each user are read once, on first touch (one statement for all the users of a step), and the steps are
 * applied to them here as they are to the table, so that what changed is known without reading the rows again.
 */
export class MembershipTracker {
  readonly #before = new Map<string, MembershipRow[]>();
  readonly #now = new Map<string, MembershipRow[]>();

  constructor(private readonly ctx: DomainContext) {}

  /** Reads the rows of the users not read yet (every row of theirs). */
  async load(userIds: readonly string[]): Promise<void> {
    const missing = [...new Set(userIds)].filter((id) => !this.#now.has(id));
    if (missing.length === 0) return;
    for (const id of missing) this.#set(id, []);
    for (const row of await readMembershipRows(this.ctx, { userIds: missing })) this.#push(row);
  }

  /** Reads the rows of the users holding a row the group gives (and not read yet). */
  async loadHoldersOf(groupId: string): Promise<void> {
    const rows = await readMembershipRows(this.ctx, { holdersOfGroup: groupId });
    const fresh = new Set(rows.map((r) => r.userId).filter((id) => !this.#now.has(id)));
    for (const id of fresh) this.#set(id, []);
    for (const row of rows) if (fresh.has(row.userId)) this.#push(row);
  }

  /** A row written (INSERT … ON CONFLICT DO NOTHING: a row of the same source is kept as it is). */
  grant(row: MembershipRow): void {
    const rows = this.#now.get(row.userId);
    if (!rows) throw new Error(`memberships of ${row.userId} were not loaded`);
    if (!rows.some((r) => r.organizationId === row.organizationId && r.sourceKey === row.sourceKey)) rows.push(row);
  }

  /** What a group gave to these users removed. */
  revokeGroup(groupId: string, userIds?: readonly string[]): void {
    for (const id of userIds ?? [...this.#now.keys()]) {
      const rows = this.#now.get(id);
      if (rows) this.#now.set(id, rows.filter((r) => r.groupId !== groupId));
    }
  }

  /** What changed, user by user in the order they were first touched. */
  changes(): MembershipChange[] {
    return [...this.#before].flatMap(([id, before]) => membershipChanges(this.ctx, before, this.#now.get(id)!));
  }

  #set(id: string, rows: MembershipRow[]): void {
    this.#before.set(id, rows);
    this.#now.set(id, [...rows]);
  }

  #push(row: MembershipRow): void {
    this.#before.get(row.userId)!.push(row);
    this.#now.get(row.userId)!.push(row);
  }
}
