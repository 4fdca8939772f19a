import type { DomainContext } from '../context.js';
import { lastEventPosition } from '../events.js';
import { idList, inIdList } from '../idLists.js';
import { revokeOidcForUser } from '../oidcAccounts.js';
import { queueLogoutNotices } from './notices.js';
import { portalSessionsIn, type PayloadRow } from './portalSessions.js';

/**
 * The portals of what a user lost in other transactions, read from the events outbox: a user deleted, or removed from
 * the organizations a portal application is limited to (by an administrator, a provisioning client, a group or a
 * role mapping: every path emits membership.removed). What the user held in those portals is revoked and the portals
 * are told. The user could not use those tokens any more already (oidc-provider asks idbridge at every refresh); this
 * tidies up and tells the portal at once. The cursor advances in the same transaction, so each event is handled once.
 */

/** Most event positions read in one run (one transaction). */
const POSITIONS_PER_RUN = 1000;

interface EventRow {
  position: number | string;
  type: string;
  userId: string | null;
  organizationIds: string;
}

interface RestrictedClient {
  id: string;
  organizationIds: string[];
}

function parseIds(text: string | null): string[] {
  try {
    const value: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Follows the events outbox from the cursor; answers how many positions it read past (0: it has caught up). */
export async function followEventsForLogout(ctx: DomainContext): Promise<number> {
  // Most runs find nothing new: one read, and no transaction (no lock) for them.
  const [ahead] = await ctx.db.rows<{ followed: number | string; last: number | string }>(
    'SELECT c.last_position AS followed, s.last_position AS last FROM oidc_logout_cursor c, event_sequence s WHERE c.id = 1 AND s.id = 1',
    [],
  );
  if (!ahead || Number(ahead.followed) >= Number(ahead.last)) return 0;
  return ctx.db.tx(async (t) => {
    // Locks the cursor's row until the commit (PostgreSQL): another instance waits, then reads where this one stopped.
    const [cursor] = await ctx.db.rows<{ last: number | string }>('UPDATE oidc_logout_cursor SET last_position = last_position WHERE id = 1 RETURNING last_position AS last', []);
    if (!cursor) return 0;
    const from = Number(cursor.last);
    // Positions up to the last committed one: a transaction still open holds event_sequence's row, so what it will
    // write comes after this.
    const to = Math.min(await lastEventPosition(ctx), from + POSITIONS_PER_RUN);
    if (to <= from) return 0;
    const events = await ctx.db.rows<EventRow>(
      `SELECT position, type, user_id AS "userId", organization_ids AS "organizationIds" FROM events
        WHERE position > ? AND position <= ? AND type IN ('membership.removed', 'user.deleted') ORDER BY position`,
      [from, to],
    );
    let restricted: RestrictedClient[] | undefined;
    for (const event of events) {
      if (!event.userId) continue;
      if (event.type === 'user.deleted') {
        await revokeOidcForUser(ctx, t, event.userId, 'user_deleted');
        continue;
      }
      restricted ??= (await ctx.db.rows<{ id: string; organizationIds: string }>('SELECT id, organization_ids AS "organizationIds" FROM oidc_clients', []))
        .map((row) => ({ id: row.id, organizationIds: parseIds(row.organizationIds) }))
        .filter((client) => client.organizationIds.length > 0);
      await revokeLostPortals(ctx, event.userId, parseIds(event.organizationIds), restricted);
    }
    await ctx.db.execute('UPDATE oidc_logout_cursor SET last_position = ? WHERE id = 1', [to], t);
    return to - from;
  });
}

/** After a user left `organizationIds`: the portals limited to organizations the user no longer belongs to. */
async function revokeLostPortals(ctx: DomainContext, userId: string, organizationIds: readonly string[], restricted: readonly RestrictedClient[]): Promise<void> {
  const concerned = restricted.filter((client) => client.organizationIds.some((id) => organizationIds.includes(id)));
  if (concerned.length === 0) return;
  const kept = new Set((await ctx.db.rows<{ organizationId: string }>('SELECT organization_id AS "organizationId" FROM memberships WHERE user_id = ?', [userId])).map((row) => row.organizationId));
  const lost = new Set(concerned.filter((client) => !client.organizationIds.some((id) => kept.has(id))).map((client) => client.id));
  if (lost.size === 0) return;
  const rows = await ctx.db.rows<PayloadRow & { id: string; grantId: string | null }>('SELECT model, id, grant_id AS "grantId", payload FROM oidc_payloads WHERE account_id = ?', [userId]);
  const held = portalSessionsIn(rows).filter((h) => lost.has(h.clientId));
  if (held.length === 0) return;
  // The grants of those portals, with their codes and tokens; the browser's session stays (it serves other portals),
  // without those portals (as oidc-provider's end_session leaves it for one portal), so that they are not told again
  // when it ends. A new authorization at a lost portal is refused when oidc-provider asks whether the user may use it.
  const grants = new Set<string>();
  for (const row of rows) {
    if (row.model === 'Session') {
      const kept = withoutPortals(row.payload, lost);
      if (kept !== row.payload) await ctx.db.execute("UPDATE oidc_payloads SET payload = ? WHERE model = 'Session' AND id = ?", [kept, row.id]);
      continue;
    }
    const clientId = portalSessionsIn([row])[0]?.clientId;
    if (!clientId || !lost.has(clientId)) continue;
    grants.add(row.model === 'Grant' ? row.id : (row.grantId ?? row.id));
  }
  if (grants.size > 0) {
    const ids = idList(ctx, [...grants]);
    await ctx.db.execute(`DELETE FROM oidc_payloads WHERE account_id = ? AND (${inIdList(ctx, 'grant_id')} OR ${inIdList(ctx, 'id')})`, [userId, ids, ids]);
  }
  await queueLogoutNotices(ctx, undefined, userId, held, 'organization_left');
}

/** A session's payload without its authorizations of `clients` (the same text when it had none). */
function withoutPortals(payload: string, clients: ReadonlySet<string>): string {
  try {
    const session = JSON.parse(payload) as { authorizations?: Record<string, unknown> };
    const authorizations = session.authorizations ?? {};
    const dropped = Object.keys(authorizations).filter((clientId) => clients.has(clientId));
    if (dropped.length === 0) return payload;
    for (const clientId of dropped) delete authorizations[clientId];
    return JSON.stringify(session);
  } catch {
    return payload;
  }
}
