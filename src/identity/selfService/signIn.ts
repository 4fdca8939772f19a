import type { Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { countSignIn } from '../metrics.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { findUserInScope } from '../scope.js';
import { canSignIn } from '../statusMachine.js';
import { applyStatusEvent } from '../accounts/status.js';
import { normalise } from '../validation.js';
import { autoUnlockIfDue, clearSignInFailures, recordSignInFailure } from '../credentials/lockout.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../credentials/passwordHasher.js';
import { hashParameters, passwordExpiresAt } from '../credentials/passwords.js';
import { useRecoveryCode } from '../credentials/recoveryCodes.js';
import { acceptTotpCode, hasConfirmedTotp } from '../credentials/totp.js';

/** What a signing-in user must do next. */
export type NextStep = 'totp' | 'enrol_totp' | 'new_password' | 'signed_in';

export type SignInResult = { ok: true; userId: string; next: NextStep } | { ok: false };

export interface ClientInfo {
  ip?: string;
  requestId?: string;
}

function userActor(user: Pick<User, 'id' | 'userName'>, client: ClientInfo): Actor {
  return { type: 'user', id: user.id, label: user.userName, ...client };
}

/**
 * The local user an identifier names: a userName, else an email that exactly one local user has (sign-in, and an
 * administrator adding someone by address).
 */
export async function findLocalUserByIdentifier(ctx: DomainContext, identifier: string): Promise<User | null> {
  const key = normalise(identifier.trim());
  if (!key || key.length > 320) return null;
  const local = await findLocalDirectory(ctx);
  const { User } = ctx.db.models;
  const t = ctx.db.current();
  const byUserName = await User.findOne({ where: { directoryId: local.id, userNameNormalized: key }, transaction: t });
  if (byUserName) return byUserName;
  const byEmail = await User.findAll({ where: { directoryId: local.id, emailNormalized: key }, limit: 2, transaction: t });
  return byEmail.length === 1 ? (byEmail[0] as User) : null;
}

/** After the password: a second factor if enrolled, enrolment if an organization requires MFA, else done. */
export async function stepAfterPassword(ctx: DomainContext, userId: string): Promise<NextStep> {
  if (await hasConfirmedTotp(ctx, userId)) return 'totp';
  return (await effectivePolicy(ctx, userId)).mfaRequired ? 'enrol_totp' : 'signed_in';
}

/**
 * Checks an identifier and password. Every path spends one argon2 verification, so answers take the same time
 * whether or not the account exists; the result never says why a sign-in failed. A wrong password counts towards
 * the lockout; an expired password sends the user to choose a new one.
 */
export async function signInWithPassword(ctx: DomainContext, input: { identifier: string; password: string } & ClientInfo): Promise<SignInResult> {
  const params = hashParameters(ctx);
  const client = { ...(input.ip ? { ip: input.ip } : {}), ...(input.requestId ? { requestId: input.requestId } : {}) };
  return ctx.db.tx(async (t) => {
    const user = await findLocalUserByIdentifier(ctx, input.identifier);
    if (!user) {
      await verifyAgainstDummy(input.password, params);
      // Every other outcome is counted from its audit event; an unknown identifier has none.
      countSignIn(ctx, t, 'password', 'unknown_user');
      return { ok: false };
    }
    await autoUnlockIfDue(ctx, t, user);
    const credential = await ctx.db.models.PasswordCredential.findByPk(user.id, { transaction: t });
    const matches = credential ? await verifyPassword(credential.hash, input.password) : await verifyAgainstDummy(input.password, params);
    if (!canSignIn(user.status)) {
      await recordAudit(ctx, t, userActor(user, client), { action: 'user.sign_in_refused', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { status: user.status } });
      return { ok: false };
    }
    if (!matches || !credential) {
      await recordSignInFailure(ctx, t, user, 'password', userActor(user, client));
      return { ok: false };
    }
    await clearSignInFailures(ctx, t, user.id);
    if (needsRehash(credential.hash, params)) {
      credential.hash = await hashPassword(input.password, params);
      await credential.save({ transaction: t });
    }
    if (user.status === 'AWAITING_NEW_PASSWORD') return { ok: true, userId: user.id, next: 'new_password' };
    const expiresAt = await passwordExpiresAt(ctx, user.id);
    if (expiresAt && expiresAt.getTime() <= ctx.clock.now().getTime()) {
      await applyStatusEvent(ctx, t, userActor(user, client), user, 'expirePassword', { expiredAt: expiresAt.toISOString() });
      return { ok: true, userId: user.id, next: 'new_password' };
    }
    return { ok: true, userId: user.id, next: await stepAfterPassword(ctx, user.id) };
  });
}

/** A user who may continue signing in (a pending session belongs to them): still able to sign in. */
async function signingInUser(ctx: DomainContext, userId: string): Promise<User | null> {
  const user = await findUserInScope(ctx, userId).catch(() => null);
  return user && canSignIn(user.status) ? user : null;
}

/**
 * Checks the second factor: a TOTP code (each accepted once) or, with `recovery`, a recovery code. Wrong codes count
 * towards the lockout like wrong passwords.
 */
export async function verifySecondFactor(ctx: DomainContext, input: { userId: string; code: string; recovery?: boolean } & ClientInfo): Promise<boolean> {
  const client = { ...(input.ip ? { ip: input.ip } : {}), ...(input.requestId ? { requestId: input.requestId } : {}) };
  return ctx.db.tx(async (t: Transaction) => {
    const user = await signingInUser(ctx, input.userId);
    if (!user) return false;
    const accepted = input.recovery ? await useRecoveryCode(ctx, t, user.id, input.code) : await acceptTotpCode(ctx, t, user.id, input.code);
    if (!accepted) {
      await recordSignInFailure(ctx, t, user, input.recovery ? 'recovery_code' : 'totp', userActor(user, client));
      return false;
    }
    await clearSignInFailures(ctx, t, user.id);
    if (input.recovery) await recordAudit(ctx, t, userActor(user, client), { action: 'user.recovery_code_used', targetType: 'user', targetId: user.id, userId: user.id });
    return true;
  });
}

/** Records a completed sign-in (last sign-in time, audit with the methods used). Null when the user may not sign in. */
export async function completeSignIn(ctx: DomainContext, userId: string, methods: string[], client: ClientInfo = {}): Promise<{ id: string; userName: string; preferredLanguage: string | null } | null> {
  return ctx.db.tx(async (t) => {
    const user = await signingInUser(ctx, userId);
    if (!user || user.status !== 'ACTIVE') return null;
    user.lastSignInAt = ctx.clock.now();
    await user.save({ transaction: t });
    await recordAudit(ctx, t, userActor(user, client), { action: 'user.signed_in', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { methods } });
    return { id: user.id, userName: user.userName, preferredLanguage: user.preferredLanguage };
  });
}

/**
 * The lock that stops a user part way through signing in (past the password: a pending session is theirs), or null.
 * Only such a user is told their account is locked: a password step never says it, or it would tell a guesser that
 * a guess was right after the lockout.
 */
export async function signInLock(ctx: DomainContext, userId: string): Promise<{ lock: 'auto' | 'admin'; unlockMinutes: number } | null> {
  const user = await findUserInScope(ctx, userId).catch(() => null);
  if (user?.status === 'AUTO_LOCKED') return { lock: 'auto', unlockMinutes: ctx.settings.lockout.autoUnlockMinutes };
  if (user?.status === 'LOCKED_BY_ADMIN') return { lock: 'admin', unlockMinutes: 0 };
  return null;
}

export async function isSignInAllowed(ctx: DomainContext, userId: string): Promise<boolean> {
  return (await signingInUser(ctx, userId)) !== null;
}
