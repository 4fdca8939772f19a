import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { selfActor, type SelfPrincipal } from '../principal.js';
import { targetUser } from '../accounts/target.js';
import { generateRecoveryCodes } from '../credentials/recoveryCodes.js';
import { acceptTotpCode, authenticatorEntry, beginTotpEnrolment, hasConfirmedTotp, pendingTotpSecret, totpUri } from '../credentials/totp.js';
import { brandForUser } from '../branding/brands.js';

export interface EnrolmentView {
  secret: string;
  uri: string;
  /** The entry as authenticator apps list it, which the enrolment page shows: "River Water (sarah@river.example)". */
  account: string;
  /** The name of the account in the entry: the user's email, else their user name. */
  identifier: string;
  /** The name apps show the entry under: the brand's authenticator name. */
  issuer: string;
}

/**
 * Starts TOTP enrolment (or shows the one in progress): the secret, and the otpauth URI for the QR code. The URI's
 * issuer and label name the brand of `options.organizationId` (the organization the flow is for, as the page's brand
 * was decided), else of the user's first organization, else the platform's (MFA_ISSUER). Only the name in the app
 * depends on it: codes are verified from the secret alone, so an enrolment made under an earlier name keeps working.
 */
export async function startTotpEnrolment(ctx: DomainContext, self: SelfPrincipal, options: { restart?: boolean; organizationId?: string | null } = {}): Promise<EnrolmentView> {
  return ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, self, 'user.enrol_mfa', self.userId);
    if (await hasConfirmedTotp(ctx, user.id)) throw new DomainError('conflict', 'mfa.already_enrolled', 'Two-step verification is already set up.');
    const secret = (!options.restart && (await pendingTotpSecret(ctx, user.id))) || (await beginTotpEnrolment(ctx, t, user.id));
    const identifier = user.email ?? user.userName;
    const issuer = (await brandForUser(ctx, user.id, options.organizationId)).authenticatorName;
    return { secret, uri: totpUri(issuer, identifier, secret), account: authenticatorEntry(issuer, identifier), identifier, issuer };
  });
}

/** Confirms enrolment with a first code; returns the recovery codes (shown once). Null when the code is wrong. */
export async function confirmTotpEnrolment(ctx: DomainContext, self: SelfPrincipal, code: string): Promise<string[] | null> {
  return ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, self, 'user.enrol_mfa', self.userId);
    if (!(await acceptTotpCode(ctx, t, user.id, code, { confirm: true }))) return null;
    const codes = await generateRecoveryCodes(ctx, t, user.id);
    await recordAudit(ctx, t, selfActor(self, user), { action: 'user.mfa_enrolled', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
    return codes;
  });
}

export async function regenerateRecoveryCodes(ctx: DomainContext, self: SelfPrincipal): Promise<string[]> {
  return ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, self, 'user.enrol_mfa', self.userId);
    if (!(await hasConfirmedTotp(ctx, user.id))) throw new DomainError('conflict', 'mfa.not_enrolled', 'Set up two-step verification first.');
    const codes = await generateRecoveryCodes(ctx, t, user.id);
    await recordAudit(ctx, t, selfActor(self, user), { action: 'user.recovery_codes_regenerated', targetType: 'user', targetId: user.id, userId: user.id });
    return codes;
  });
}
