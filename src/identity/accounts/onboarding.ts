import type { Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { readDirectory } from '../directories.js';
import { DomainError, invalid } from '../errors.js';
import { activationLink } from '../links.js';
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken } from '../credentials/oneTimeTokens.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { findUserInScope, type UserScope } from '../scope.js';
import { applyStatusEvent } from '../userLifecycle.js';
import { createUser, type CreateUserInput } from '../users.js';
import { viewUser, type UserView } from '../userView.js';
import { toLocale, type Locale } from '../../i18n/locales.js';
import { HOUR } from '../../lib/clock.js';
import { mailUser } from '../notify.js';
import { assertAcceptablePassword, setUserPassword, storePassword } from '../credentials/passwords.js';

export interface CreateAccountInput extends CreateUserInput {
  /** A password chosen for the user (SCIM): checked by the policy; the user is then ACTIVE and gets no activation email. */
  password?: string;
}

/** Issues a new activation link (the previous one stops working) and queues the "get started" email. */
export async function sendActivation(ctx: DomainContext, t: Transaction, user: User): Promise<void> {
  const { activationTtlHours } = await effectivePolicy(ctx, user.id);
  const { token } = await issueOneTimeToken(ctx, t, { userId: user.id, purpose: 'activation', ttlMs: activationTtlHours * HOUR });
  await mailUser(ctx, t, user, 'activation', { link: activationLink(ctx.settings, token), hours: activationTtlHours });
}

/**
 * Creates a user. A local user without a password is PROVISIONED and is emailed an activation ("get started") link;
 * with a password that passes the policy it is ACTIVE at once. Users of an SSO directory sign in through their IdP.
 */
export async function createAccount(ctx: DomainContext, actor: Actor, input: CreateAccountInput): Promise<UserView> {
  const { password, ...userInput } = input;
  return ctx.db.tx(async (t) => {
    const directory = typeof userInput.directory === 'string' ? await readDirectory(ctx, userInput.directory) : userInput.directory;
    const created = await createUser(ctx, actor, { ...userInput, directory });
    if (directory.kind !== 'local') return created;
    if (!created.email) throw invalid('user.email_required', 'A local user signs in with an email address: give at least one email.', 'emails');
    if (password !== undefined) {
      await setUserPassword(ctx, actor, created.id, password, { activate: created.status === 'PROVISIONED' });
    } else if (created.status === 'PROVISIONED') {
      const user = await findUserInScope(ctx, created.id);
      await sendActivation(ctx, t, user);
      await recordAudit(ctx, t, actor, { action: 'user.activation_sent', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
    }
    return viewUser(ctx, await findUserInScope(ctx, created.id));
  });
}

/** Sends a new activation email to a user who has not activated yet; the earlier link stops working. */
export async function resendActivation(ctx: DomainContext, actor: Actor, userId: string, scope?: UserScope): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const user = await findUserInScope(ctx, userId, scope);
    if (user.status !== 'PROVISIONED') throw new DomainError('conflict', 'user.already_activated', 'This user has already activated the account; send a password reset instead.');
    if (!user.email) throw invalid('user.email_required', 'The user has no email address to send the activation to.', 'emails');
    await sendActivation(ctx, t, user);
    await recordAudit(ctx, t, actor, { action: 'user.activation_sent', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { resent: true } });
    return viewUser(ctx, user);
  });
}

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
