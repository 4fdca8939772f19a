import type { Actor } from '../actor.js';
import type { DomainContext } from '../context.js';
import { consumeOneTimeToken, peekOneTimeToken } from '../credentials/oneTimeTokens.js';
import { assertAcceptablePassword, storePassword } from '../credentials/passwords.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { DomainError } from '../errors.js';
import { findUserInScope } from '../scope.js';
import { applyStatusEvent } from '../accounts/status.js';
import { toLocale, type Locale } from '../../i18n/locales.js';

/**
 * Activation from the emailed link: the single-use token in the link stands for the user (no session yet). Opening
 * the page changes nothing (mail scanners open links); only the form that sets a password uses the token.
 */

/** The person an activation link belongs to, for the page it opens (opening it changes nothing). */
export async function describeActivation(ctx: DomainContext, token: string): Promise<{ userId: string; name: string | null; email: string | null; locale: Locale | undefined }> {
  const { userId } = await peekOneTimeToken(ctx, token, 'activation');
  const user = await findUserInScope(ctx, userId);
  return { userId, name: user.givenName ?? user.displayName, email: user.email, locale: toLocale(user.preferredLanguage) };
}

export interface ActivationInput {
  token: string;
  password: string;
  language: Locale;
}

/**
 * Completes activation: checks the password against the policy before using the link (a refused password does not
 * burn it), then sets the password and the language and makes the user ACTIVE. Returns whether the user's
 * organizations require MFA, so that enrolment follows.
 */
export async function activateAccount(ctx: DomainContext, input: ActivationInput): Promise<{ userId: string; mfaRequired: boolean }> {
  return ctx.db.tx(async (t) => {
    const { userId } = await peekOneTimeToken(ctx, input.token, 'activation');
    const user = await findUserInScope(ctx, userId);
    if (user.status !== 'PROVISIONED') {
      throw new DomainError('conflict', 'user.cannot_activate', 'This account cannot be activated now. Contact your administrator.');
    }
    await assertAcceptablePassword(ctx, user, input.password, { locale: input.language });
    await consumeOneTimeToken(ctx, t, input.token, 'activation');
    const actor: Actor = { type: 'user', id: user.id, label: user.userName };
    await storePassword(ctx, t, user.id, input.password);
    if (user.preferredLanguage !== input.language) {
      user.preferredLanguage = input.language;
      await user.save({ transaction: t });
    }
    await applyStatusEvent(ctx, t, actor, user, 'activate', { language: input.language });
    return { userId: user.id, mfaRequired: (await effectivePolicy(ctx, user.id)).mfaRequired };
  });
}
