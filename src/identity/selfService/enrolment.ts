import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { signInLink } from '../links.js';
import { findUserInScope, type UserScope } from '../scope.js';
import { viewUser, type UserView } from '../userView.js';
import { mailUser } from '../notify.js';
import { generateRecoveryCodes, removeRecoveryCodes } from '../credentials/recoveryCodes.js';
import { acceptTotpCode, beginTotpEnrolment, hasConfirmedTotp, pendingTotpSecret, removeTotp, totpUri } from '../credentials/totp.js';

export interface EnrolmentView {
  secret: string;
  uri: string;
  account: string;
  issuer: string;
}

/** Starts TOTP enrolment (or shows the one in progress): the secret, and the otpauth URI for the QR code. */
export async function startTotpEnrolment(ctx: DomainContext, userId: string, options: { restart?: boolean } = {}): Promise<EnrolmentView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId);
    if (await hasConfirmedTotp(ctx, user.id)) throw new DomainError('conflict', 'mfa.already_enrolled', 'Two-step verification is already set up.');
    const secret = (!options.restart && (await pendingTotpSecret(ctx, user.id))) || (await beginTotpEnrolment(ctx, t, user.id));
    const account = user.email ?? user.userName;
    return { secret, uri: totpUri(ctx.settings.mfa.issuer, account, secret), account, issuer: ctx.settings.mfa.issuer };
  });
}

/** Confirms enrolment with a first code; returns the recovery codes (shown once). Null when the code is wrong. */
export async function confirmTotpEnrolment(ctx: DomainContext, userId: string, code: string): Promise<string[] | null> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId);
    if (!(await acceptTotpCode(ctx, t, user.id, code, { confirm: true }))) return null;
    const codes = await generateRecoveryCodes(ctx, t, user.id);
    await recordAudit(ctx, t, { type: 'user', id: user.id, label: user.userName }, { action: 'user.mfa_enrolled', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
    return codes;
  });
}

export async function regenerateRecoveryCodes(ctx: DomainContext, userId: string): Promise<string[]> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId);
    if (!(await hasConfirmedTotp(ctx, user.id))) throw new DomainError('conflict', 'mfa.not_enrolled', 'Set up two-step verification first.');
    const codes = await generateRecoveryCodes(ctx, t, user.id);
    await recordAudit(ctx, t, { type: 'user', id: user.id, label: user.userName }, { action: 'user.recovery_codes_regenerated', targetType: 'user', targetId: user.id, userId: user.id });
    return codes;
  });
}

/**
 * An administrator removes the user's authenticator and recovery codes; the user enrols again at the next sign-in,
 * and an email tells them.
 */
export async function adminResetMfa(ctx: DomainContext, actor: Actor, userId: string, scope?: UserScope): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId, scope);
    const removed = await removeTotp(ctx, t, user.id);
    if (removed === 0) throw new DomainError('conflict', 'mfa.not_enrolled', 'This user has no two-step verification to reset.');
    await removeRecoveryCodes(ctx, t, user.id);
    user.version += 1;
    user.updatedAt = ctx.clock.now();
    await user.save({ transaction: t });
    await mailUser(ctx, t, user, 'mfa_reset', { link: signInLink(ctx.settings) });
    await recordAudit(ctx, t, actor, { action: 'user.mfa_reset', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
    return viewUser(ctx, user);
  });
}
