import type { Transaction } from 'sequelize';
import type { DomainContext } from '../context.js';
import { idList, inIdList } from '../idLists.js';
import { queueLogoutNotices, type LogoutReason } from './notices.js';
import { grantsEndingWith, portalSessionsIn, type PayloadRow } from './portalSessions.js';

/**
 * Ends a user's OpenID Connect sessions (one, `sessionId`, the browser's; or all of them) as oidc-provider's own
 * end_session does: the sessions go, with the grants they hold that offline_access does not keep (their codes and
 * tokens), and every portal of those sessions that registered a back-channel logout URI is told, from the same
 * transaction. Answers how many sessions ended.
 */
export async function endPortalSessions(ctx: DomainContext, t: Transaction | undefined, userId: string, options: { sessionId?: string; reason: LogoutReason }): Promise<number> {
  const sql = `DELETE FROM oidc_payloads WHERE model = 'Session' AND account_id = ?${options.sessionId ? ' AND id = ?' : ''} RETURNING payload`;
  const rows = await ctx.db.rows<{ payload: string }>(sql, options.sessionId ? [userId, options.sessionId] : [userId]);
  if (rows.length === 0) return 0;
  const sessions: PayloadRow[] = rows.map((row) => ({ model: 'Session', payload: row.payload }));
  const grants = grantsEndingWith(sessions);
  if (grants.length > 0) {
    await ctx.db.execute(`DELETE FROM oidc_payloads WHERE ${inIdList(ctx, 'grant_id')} OR (model = 'Grant' AND ${inIdList(ctx, 'id')})`, [idList(ctx, grants), idList(ctx, grants)], t);
  }
  await queueLogoutNotices(ctx, t, userId, portalSessionsIn(sessions), options.reason);
  return rows.length;
}
