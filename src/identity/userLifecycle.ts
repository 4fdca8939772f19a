import type { Transaction } from 'sequelize';
import type { User } from '../db/models/User.js';
import type { Actor } from './actor.js';
import { recordAudit } from './audit.js';
import type { DomainContext } from './context.js';
import { DomainError } from './errors.js';
import { findUserInScope, type UserScope } from './scope.js';
import { mailUser } from './notify.js';
import { revokeOidcForUser } from './oidcAccounts.js';
import { endUserSessions } from './sessions.js';
import { decodeResume, encodeResume, transition, type StatusEvent, type UserStatus } from './statusMachine.js';
import { checkVersion } from './users.js';
import { viewUser, type UserView } from './userView.js';

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

/**
 * Applies a status event to a user model inside `t`: the one place a status changes. Refused transitions raise
 * `user.transition_refused` with the reason; the audit event records before and after.
 */
export async function applyStatusEvent(ctx: DomainContext, t: Transaction, actor: Actor, user: User, event: StatusEvent, details: Record<string, unknown> = {}): Promise<void> {
  const result = transition({ status: user.status, resume: decodeResume(user.statusBefore) }, event);
  if (!result.ok) throw new DomainError('conflict', 'user.transition_refused', result.reason, { details: { status: user.status, event } });
  const before = user.status;
  user.status = result.state.status;
  user.statusBefore = encodeResume(result.state.resume);
  user.version += 1;
  user.updatedAt = ctx.clock.now();
  await user.save({ transaction: t });
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
}

export interface StatusChangeOptions {
  scope?: UserScope;
  expectedVersion?: number;
  /** Email the user about the change (deactivation); administrators' actions do, provisioning clients' do not. */
  notify?: boolean;
}

async function changeStatus(ctx: DomainContext, actor: Actor, userId: string, event: StatusEvent, options: StatusChangeOptions): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId, options.scope, { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    await applyStatusEvent(ctx, t, actor, user, event);
    if (options.notify && event === 'deactivate') await mailUser(ctx, t, user, 'deactivated', {});
    return viewUser(ctx, user);
  });
}

/** INACTIVE: no sign-in. Kept, with its memberships, until reactivated or deleted. */
export function deactivateUser(ctx: DomainContext, actor: Actor, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, actor, userId, 'deactivate', options);
}

/** Back to the status the user had before deactivation; no email is sent. */
export function reactivateUser(ctx: DomainContext, actor: Actor, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, actor, userId, 'reactivate', options);
}

export function lockUser(ctx: DomainContext, actor: Actor, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, actor, userId, 'adminLock', options);
}

export function unlockUser(ctx: DomainContext, actor: Actor, userId: string, options: StatusChangeOptions = {}): Promise<UserView> {
  return changeStatus(ctx, actor, userId, 'adminUnlock', options);
}

/** SCIM `active`: false deactivates, true reactivates; setting the value it already has changes nothing. */
export async function setUserActive(ctx: DomainContext, actor: Actor, userId: string, active: boolean, options: StatusChangeOptions = {}): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId, options.scope, { forUpdate: true });
    checkVersion(user, options.expectedVersion);
    const isActive = user.status !== 'INACTIVE';
    if (active !== isActive) await applyStatusEvent(ctx, t, actor, user, active ? 'reactivate' : 'deactivate');
    return viewUser(ctx, user);
  });
}
