import { Op, type Transaction } from 'sequelize';
import type { Session, SessionData, SessionStage } from '../db/models/Session.js';
import { MINUTE, HOUR } from '../lib/clock.js';
import { sha256Hex } from '../lib/crypto.js';
import { randomToken } from '../lib/random.js';
import type { DomainContext } from './context.js';

export type { SessionStage };

export interface SessionView {
  /** SHA-256 of the cookie secret: safe to log and to compare. */
  id: string;
  userId: string;
  stage: SessionStage;
  data: SessionData;
  createdAt: Date;
  expiresAt: Date;
}

/** Last-seen times are written at most this often: otherwise every page view would be a write. */
const TOUCH_RESOLUTION_MS = MINUTE;

function present(row: Session): SessionView {
  return { id: row.id, userId: row.userId, stage: row.stage, data: row.data ?? {}, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

/** When a session in `stage` created at `createdAt` ends at the latest. */
function absoluteExpiry(ctx: DomainContext, stage: SessionStage, createdAt: Date): Date {
  const ms = stage === 'signed_in' ? ctx.settings.session.absoluteHours * HOUR : ctx.settings.session.pendingMinutes * MINUTE;
  return new Date(createdAt.getTime() + ms);
}

/**
 * Starts a session and returns the cookie secret (256 bits; only its hash is stored). A new session is made at every
 * sign-in step change, so a session id seen before sign-in is never the one that is signed in.
 */
export async function createSession(ctx: DomainContext, input: { userId: string; stage: SessionStage; data?: SessionData }): Promise<{ token: string; session: SessionView }> {
  const token = randomToken(ctx.random, 32);
  const now = ctx.clock.now();
  // A signed-in session remembers when the user authenticated (OpenID Connect's auth_time).
  const data = input.stage === 'signed_in' ? { authTime: now.toISOString(), ...input.data } : (input.data ?? {});
  const row = await ctx.db.models.Session.create(
    { id: sha256Hex(token), userId: input.userId, stage: input.stage, data, createdAt: now, lastSeenAt: now, expiresAt: absoluteExpiry(ctx, input.stage, now) },
    { transaction: ctx.db.current() },
  );
  return { token, session: present(row) };
}

/** The live session of a cookie secret, or null when unknown, idle too long or past its absolute end (then deleted). */
export async function findSession(ctx: DomainContext, token: string | undefined): Promise<SessionView | null> {
  if (!token || token.length > 100) return null;
  const { Session } = ctx.db.models;
  const row = await Session.findByPk(sha256Hex(token));
  if (!row) return null;
  const now = ctx.clock.now().getTime();
  const idleMs = row.stage === 'signed_in' ? ctx.settings.session.idleMinutes * MINUTE : ctx.settings.session.pendingMinutes * MINUTE;
  if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + idleMs <= now) {
    await Session.destroy({ where: { id: row.id } });
    return null;
  }
  if (now - row.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) await Session.update({ lastSeenAt: new Date(now) }, { where: { id: row.id } });
  return present(row);
}

export async function updateSessionData(ctx: DomainContext, sessionId: string, data: SessionData): Promise<void> {
  await ctx.db.models.Session.update({ data }, { where: { id: sessionId }, transaction: ctx.db.current() });
}

export async function destroySession(ctx: DomainContext, sessionId: string): Promise<void> {
  await ctx.db.models.Session.destroy({ where: { id: sessionId }, transaction: ctx.db.current() });
}

/** Ends every session of a user (or every one but `exceptId`); returns how many ended. */
export async function endUserSessions(ctx: DomainContext, t: Transaction | undefined, userId: string, exceptId?: string): Promise<number> {
  // One plain statement: a deactivation wave ends thousands of users' sessions, and sequelize's destroy costs more.
  return exceptId
    ? ctx.db.execute('DELETE FROM sessions WHERE user_id = ? AND id <> ?', [userId, exceptId], t)
    : ctx.db.execute('DELETE FROM sessions WHERE user_id = ?', [userId], t);
}

/** Deletes sessions past their absolute end (idle ones go when next presented). */
export async function sweepSessions(ctx: DomainContext): Promise<number> {
  return ctx.db.models.Session.destroy({ where: { expiresAt: { [Op.lte]: ctx.clock.now() } } });
}
