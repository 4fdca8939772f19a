import type { Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { mailUser } from '../notify.js';
import { revokeOidcForUser } from '../oidcAccounts.js';
import type { Action } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { endUserSessions } from '../sessions.js';
import { decodeResume, encodeResume, transition, type StatusEvent, type UserStatus } from '../statusMachine.js';
import { emitUserEvent, statusEventType } from '../userEvents.js';
import { viewUser, type UserView } from '../userView.js';
import { targetUser, type TargetOptions } from './target.js';

const ACTIONS: Record<StatusEvent, string> = {
  activate: 'user.activated',
  adminResetPassword: 'user.password_reset_by_admin',
  completeReset: 'user.password_reset_completed',
  expirePassword: 'user.password_expired',
  setNewPassword: 'user.password_renewed',
  autoLock: 'user.auto_locked',
  autoUnlock: 'user.auto_unlocked',
  adminLock: 'user.locked',
  adminUnlock: 'user.unlocked',
  deactivate: 'user.deactivated',
  reactivate: 'user.reactivated',
};

const ENDS_SESSIONS: ReadonlySet<UserStatus> = new Set(['INACTIVE', 'LOCKED_BY_ADMIN', 'RECOVERY']);

/** How applyStatusEvent tells the portals (see userEvents.ts). */
export interface StatusEventOptions {
  /**
   * The user's view once the status is changed, from what the command has read (targetUser's `view`); without it the
   * view is read (one query).
   */
  view?: () => UserView | Promise<UserView>;
  /** false: the command emits its own event instead (a user created and activated at once is one `user.created`). */
  emit?: boolean;
}

/**
 * Applies a status event to a user model inside `t`: the one place a status changes. Refused transitions raise
 * `user.transition_refused` with the reason; the audit event records before and after, and the change is an event
 * for the portals (statusEventType). Callers have asked the policy.
 */
export async function applyStatusEvent(ctx: DomainContext, t: Transaction, actor: Actor, user: User, event: StatusEvent, details: Record<string, unknown> = {}, options: StatusEventOptions = {}): Promise<void> {
  const result = transition({ status: user.status, resume: decodeResume(user.statusBefore) }, event);
  if (!result.ok) throw new DomainError('conflict', 'user.transition_refused', result.reason, { details: { status: user.status, event } });
  const before = user.status;
  user.status = result.state.status;
  user.statusBefore = encodeResume(result.state.resume);
  user.version += 1;
  user.updatedAt = ctx.clock.now();
  await ctx.db.execute('UPDATE users SET status = ?, status_before = ?, version = ?, updated_at = ? WHERE id = ?', [user.status, user.statusBefore, user.version, user.updatedAt, user.id], t);
  // Whoever can no longer sign in is signed out everywhere. An automatic lock keeps sessions: anyone can cause one.
  const sessionsEnded = ENDS_SESSIONS.has(user.status) ? (await endUserSessions(ctx, t, user.id)) + (await revokeOidcForUser(ctx, t, user.id)) : 0;
  await recordAudit(ctx, t, actor, {
    action: ACTIONS[event],
    targetType: 'user',
    targetId: user.id,
    userId: user.id,
    directoryId: user.directoryId,
    details: { before: { status: before }, after: { status: user.status }, ...(sessionsEnded ? { sessionsEnded } : {}), ...details },
  });
  const type = options.emit === false ? null : statusEventType(event, before, user.status);
  if (type) {
    const view = options.view ? await options.view() : await viewUser(ctx, user);
    emitUserEvent(ctx, t, actor, type, view, { previousStatus: before, ...(type === 'user.updated' ? { changed: ['status'] } : {}) });
  }
}

export interface StatusChangeOptions extends Pick<TargetOptions, 'expectedVersion'> {
  /** Email the user about the change (deactivation); administrators' actions do, provisioning clients' do not. */
  notify?: boolean;
}

const POLICY_ACTION: Partial<Record<StatusEvent, Action>> = { adminLock: 'user.lock', adminUnlock: 'user.unlock', deactivate: 'user.deactivate', reactivate: 'user.reactivate' };

async function changeStatus(ctx: DomainContext, principal: Principal, userId: string, event: 'adminLock' | 'adminUnlock' | 'deactivate' | 'reactivate', options: StatusChangeOptions): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user, view } = await targetUser(ctx, principal, POLICY_ACTION[event]!, userId, { forUpdate: true, ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}) });
    await applyStatusEvent(ctx, t, principal.actor, user, event, {}, { view });
    if (options.notify && event === 'deactivate') await mailUser(ctx, t, user, 'deactivated', {});
    // A change of status changes the user's row only: what it holds elsewhere is as it was read.
    return view();
  });
}

/** INACTIVE: no sign-in. Kept, with its memberships, until reactivated or deleted. */
export function deactivateAccount(ctx: DomainContext, principal: Principal, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, principal, userId, 'deactivate', options);
}

/** Back to the status the user had before deactivation; no email is sent. */
export function reactivateAccount(ctx: DomainContext, principal: Principal, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, principal, userId, 'reactivate', options);
}

export function lockAccount(ctx: DomainContext, principal: Principal, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, principal, userId, 'adminLock', options);
}

export function unlockAccount(ctx: DomainContext, principal: Principal, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, principal, userId, 'adminUnlock', options);
}

/** SCIM `active`: false deactivates, true reactivates; setting the value it already has changes nothing. */
export async function setAccountActive(ctx: DomainContext, principal: Principal, userId: string, active: boolean, options: StatusChangeOptions = {}): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user, view } = await targetUser(ctx, principal, active ? 'user.reactivate' : 'user.deactivate', userId, { forUpdate: true, ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}) });
    const isActive = user.status !== 'INACTIVE';
    if (active !== isActive) await applyStatusEvent(ctx, t, principal.actor, user, active ? 'reactivate' : 'deactivate', {}, { view });
    return view();
  });
}
