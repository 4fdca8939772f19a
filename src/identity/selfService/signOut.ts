import type { DomainContext } from '../context.js';
import { endPortalSessions } from '../oidcLogout/endPortalSessions.js';

/**
 * Signs out on idbridge's pages: the session of this browser ends, and so does the portals' OpenID Connect session of
 * the same browser (`portalSessionId`, oidc-provider's session cookie), when it is the same user's: its portals that
 * registered a back-channel logout URI are told, from the same transaction. The user's sessions in other browsers stay.
 */
export async function signOut(ctx: DomainContext, input: { sessionId: string; portalSessionId?: string | undefined }): Promise<void> {
  await ctx.db.tx(async (t) => {
    const [ended] = await ctx.db.rows<{ userId: string }>('DELETE FROM sessions WHERE id = ? RETURNING user_id AS "userId"', [input.sessionId]);
    if (ended && input.portalSessionId && input.portalSessionId.length <= 255) {
      await endPortalSessions(ctx, t, ended.userId, { sessionId: input.portalSessionId, reason: 'signed_out' });
    }
  });
}
