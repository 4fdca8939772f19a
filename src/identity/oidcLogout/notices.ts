import type { Transaction } from 'sequelize';
import { readBoolean } from '../../db/rows.js';
import { DAY, HOUR } from '../../lib/clock.js';
import type { DomainContext } from '../context.js';
import { idList, inIdList } from '../idLists.js';
import type { PortalSession } from './portalSessions.js';

/**
 * The back-channel logout outbox (OpenID Connect Back-Channel Logout 1.0): a notice is queued in the transaction that
 * ends a user's session, for each portal application that registered a backchannel_logout_uri and held a session or
 * grant of that user; a job signs a logout token for each and POSTs it, with retries (at least once).
 */

/** Why a user's portal sessions ended (for the operators: the logout token says nothing of it). */
export type LogoutReason =
  | 'sessions_ended' // deactivated, locked by an administrator, password reset: every session ends
  | 'signed_out' // signed out on idbridge's pages
  | 'portal_signed_out' // a portal's RP-initiated logout (end_session)
  | 'idp_signed_out' // the SAML IdP's LogoutRequest
  | 'organization_left' // no longer a member of the organizations the portal is limited to
  | 'user_deleted';

interface LogoutClient {
  id: string;
  sessionRequired: boolean;
}

/** Of these clients, those that registered a back-channel logout URI. */
async function logoutClients(ctx: DomainContext, clientIds: readonly string[]): Promise<Map<string, LogoutClient>> {
  if (clientIds.length === 0) return new Map();
  const rows = await ctx.db.rows<{ id: string; required: unknown }>(
    `SELECT id, backchannel_logout_session_required AS required FROM oidc_clients WHERE ${inIdList(ctx, 'id')} AND backchannel_logout_uri IS NOT NULL`,
    [idList(ctx, [...new Set(clientIds)])],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, sessionRequired: readBoolean(row.required) === true }]));
}

/**
 * Queues the notices for what a user held in the portals: one per client, or one per session (sid) for a client that
 * registered backchannel_logout_session_required (its ID tokens carry the sid, and it tells sessions apart by it; a
 * logout token with a sid it never saw would not match, so others get the sub alone). Answers how many were queued.
 */
export async function queueLogoutNotices(ctx: DomainContext, t: Transaction | undefined, userId: string, held: readonly PortalSession[], reason: LogoutReason): Promise<number> {
  if (held.length === 0) return 0;
  const clients = await logoutClients(ctx, held.map((h) => h.clientId));
  if (clients.size === 0) return 0;
  const now = ctx.clock.now();
  const seen = new Set<string>();
  const records: Array<Record<string, unknown>> = [];
  for (const { clientId, sid: heldSid } of held) {
    const client = clients.get(clientId);
    if (!client) continue;
    const sid = client.sessionRequired ? heldSid : null;
    // The client names its sessions by sid, and none is known here: a token without one would not match any.
    if (client.sessionRequired && !sid) continue;
    const key = `${clientId}\n${sid ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    records.push({ id: ctx.random.uuid(), clientId, userId, sid, reason, status: 'queued', attempts: 0, nextAttemptAt: now, lastError: null, lastStatus: null, sentAt: null, createdAt: now, updatedAt: now });
  }
  if (records.length > 0) await ctx.db.insert(ctx.db.models.OidcLogoutNotice, records, t);
  return records.length;
}

/**
 * Queues the notice of one portal session that oidc-provider ends itself (RP-initiated logout: it calls the client's
 * backchannelLogout for every portal of the session, before destroying it).
 */
export async function queuePortalLogout(ctx: DomainContext, input: { clientId: string; userId: string; sid: string | null; reason: LogoutReason }): Promise<number> {
  return ctx.db.tx((t) => queueLogoutNotices(ctx, t, input.userId, [{ clientId: input.clientId, sid: input.sid }], input.reason));
}

/** A notice claimed for sending, with where to send it. */
export interface DueLogout {
  id: string;
  clientId: string;
  userId: string;
  sid: string | null;
  uri: string;
  attempts: number;
}

interface DueRow {
  id: string;
  clientId: string;
  userId: string;
  sid: string | null;
  attempts: number | string;
  status: string;
  uri: string | null;
}

/**
 * Claims up to `limit` notices that are due (queued and past their time, or left "sending" by an instance that stopped
 * longer than `staleAfterMs` ago): each by a conditional update, so that several instances never send one at the same
 * time. A notice whose client no longer has a back-channel logout URI (changed, or deleted) is abandoned.
 */
export async function claimDueLogouts(ctx: DomainContext, options: { limit: number; staleAfterMs: number }): Promise<DueLogout[]> {
  const now = ctx.clock.now();
  const stale = new Date(now.getTime() - options.staleAfterMs);
  const rows = await ctx.db.rows<DueRow>(
    `SELECT n.id, n.client_id AS "clientId", n.user_id AS "userId", n.sid, n.attempts, n.status, c.backchannel_logout_uri AS uri
       FROM oidc_logout_notices n LEFT JOIN oidc_clients c ON c.id = n.client_id
      WHERE (n.status = 'queued' AND n.next_attempt_at <= ?) OR (n.status = 'sending' AND n.updated_at <= ?)
      ORDER BY n.next_attempt_at ASC LIMIT ${Math.max(1, Math.floor(options.limit))}`,
    [now, stale],
  );
  const claimed: DueLogout[] = [];
  for (const row of rows) {
    const condition = row.status === 'queued' ? "status = 'queued' AND next_attempt_at <= ?" : "status = 'sending' AND updated_at <= ?";
    const changed = await ctx.db.execute(`UPDATE oidc_logout_notices SET status = 'sending', updated_at = ? WHERE id = ? AND ${condition}`, [now, row.id, row.status === 'queued' ? now : stale]);
    if (changed !== 1) continue;
    if (!row.uri) {
      await finish(ctx, row.id, { status: 'abandoned', attempts: Number(row.attempts), lastError: 'The portal application no longer has a back-channel logout URI.', lastStatus: null });
      continue;
    }
    claimed.push({ id: row.id, clientId: row.clientId, userId: row.userId, sid: row.sid, uri: row.uri, attempts: Number(row.attempts) });
  }
  return claimed;
}

async function finish(ctx: DomainContext, id: string, values: { status: 'sent' | 'abandoned'; attempts: number; lastError: string | null; lastStatus: number | null }): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.execute('UPDATE oidc_logout_notices SET status = ?, attempts = ?, last_error = ?, last_status = ?, sent_at = ?, updated_at = ? WHERE id = ?', [
    values.status,
    values.attempts,
    values.lastError,
    values.lastStatus,
    values.status === 'sent' ? now : null,
    now,
    id,
  ]);
}

/** How an attempt went: the portal answered 200/204, or not (its status, if it answered; final: no use retrying). */
export type LogoutAttempt = { delivered: true; status: number } | { delivered: false; status: number | null; error: string; final: boolean };

/** The longest wait between two attempts. */
const MAX_BACKOFF_MS = HOUR;

/**
 * Records an attempt of a claimed notice: sent; or queued again after a backoff that doubles with each failure (with
 * jitter, so that a portal back after an outage is not hit by every instance at once), until the attempts run out or
 * the failure is final. Answers what became of it.
 */
export async function settleLogout(ctx: DomainContext, notice: DueLogout, attempt: LogoutAttempt): Promise<'sent' | 'queued' | 'abandoned'> {
  const attempts = notice.attempts + 1;
  if (attempt.delivered) {
    await finish(ctx, notice.id, { status: 'sent', attempts, lastError: null, lastStatus: attempt.status });
    return 'sent';
  }
  const error = attempt.error.slice(0, 1000);
  if (attempt.final || attempts >= ctx.settings.oidc.backchannelLogoutMaxAttempts) {
    await finish(ctx, notice.id, { status: 'abandoned', attempts, lastError: error, lastStatus: attempt.status });
    return 'abandoned';
  }
  const base = Math.min(MAX_BACKOFF_MS, ctx.settings.oidc.backchannelLogoutBackoffSeconds * 1000 * 2 ** (attempts - 1));
  const jitter = 0.8 + 0.4 * (ctx.random.bytes(2).readUInt16BE(0) / 0xffff);
  const now = ctx.clock.now();
  await ctx.db.execute("UPDATE oidc_logout_notices SET status = 'queued', attempts = ?, last_error = ?, last_status = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?", [
    attempts,
    error,
    attempt.status,
    new Date(now.getTime() + Math.round(base * jitter)),
    now,
    notice.id,
  ]);
  return 'queued';
}

/** How long finished notices (sent or abandoned) are kept, for an operator looking into a portal's complaint. */
const KEEP_FINISHED_MS = 7 * DAY;

/** Deletes the notices finished more than a week ago. */
export async function sweepLogoutNotices(ctx: DomainContext): Promise<number> {
  return ctx.db.execute("DELETE FROM oidc_logout_notices WHERE status IN ('sent', 'abandoned') AND updated_at <= ?", [new Date(ctx.clock.now().getTime() - KEEP_FINISHED_MS)]);
}
