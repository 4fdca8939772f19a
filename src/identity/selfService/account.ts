import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { passwordExpiresAt } from '../credentials/passwords.js';
import { remainingRecoveryCodes } from '../credentials/recoveryCodes.js';
import { hasConfirmedTotp } from '../credentials/totp.js';
import { getAccount } from '../accounts/read.js';
import { applyProfileChange, profileChange } from '../accounts/records.js';
import { targetUser } from '../accounts/target.js';
import { selfActor, type SelfPrincipal } from '../principal.js';
import type { UserView } from '../userView.js';
import type { Locale } from '../../i18n/locales.js';

export interface AccountOverview {
  user: UserView;
  /** The user's password and second factor live in idbridge (the local directory), not at an IdP. */
  localAccount: boolean;
  mfaEnrolled: boolean;
  recoveryCodesLeft: number;
  passwordExpiresAt: string | null;
}

/** What the user's own account page shows. */
export async function accountOverview(ctx: DomainContext, self: SelfPrincipal): Promise<AccountOverview> {
  const user = await getAccount(ctx, self, self.userId);
  const [mfaEnrolled, recoveryCodesLeft, local, expiresAt] = await Promise.all([
    hasConfirmedTotp(ctx, user.id),
    remainingRecoveryCodes(ctx, user.id),
    findLocalDirectory(ctx),
    passwordExpiresAt(ctx, user.id),
  ]);
  return { user, localAccount: user.directoryId === local.id, mfaEnrolled, recoveryCodesLeft, passwordExpiresAt: expiresAt?.toISOString() ?? null };
}

/** The user chooses the language of their pages and emails. */
export async function chooseLanguage(ctx: DomainContext, self: SelfPrincipal, language: Locale): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, self, 'user.read', self.userId, { forUpdate: true });
    const attrs = { preferredLanguage: language };
    return applyProfileChange(ctx, t, selfActor(self, user), user, attrs, await profileChange(ctx, t, user, attrs));
  });
}
