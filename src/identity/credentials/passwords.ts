import type { Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { translator, type MessageKey, type Translate } from '../../i18n/translate.js';
import type { Locale } from '../../i18n/locales.js';
import { DAY } from '../../lib/clock.js';
import { hashPassword, verifyPassword, type HashParameters } from './passwordHasher.js';
import { checkPassword, type PasswordContext, type PasswordProblem } from './passwordPolicy.js';

/** What to change, in the reader's language: a personal word is named with where it was found ("part of your name"). */
export function describePasswordProblem(t: Translate, problem: PasswordProblem): string {
  const { source } = problem.params;
  const params = typeof source === 'string' ? { ...problem.params, source: t(`password.personal.${source}` as MessageKey) } : problem.params;
  return t(`password.${problem.code}`, params);
}

/** A refused password: `problems` says what to change, each with a message in every language. */
export class PasswordPolicyError extends DomainError {
  constructor(readonly problems: PasswordProblem[]) {
    const en = translator('en');
    super('invalid', 'password.policy', problems.map((p) => describePasswordProblem(en, p)).join(' '), { field: 'password', details: { problems } });
    this.name = 'PasswordPolicyError';
  }
}

export function hashParameters(ctx: DomainContext): HashParameters {
  const { argon2MemoryKiB, argon2Iterations, argon2Parallelism } = ctx.settings.password;
  return { memoryKiB: argon2MemoryKiB, iterations: argon2Iterations, parallelism: argon2Parallelism };
}

export async function passwordContextFor(ctx: DomainContext, user: User, currentPassword?: string): Promise<PasswordContext> {
  const policy = await effectivePolicy(ctx, user.id);
  return {
    userName: user.userName,
    email: user.email,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    organizationNames: policy.organizationNames,
    ...(currentPassword ? { currentPassword } : {}),
  };
}

/** Refuses a new password that breaks the policy or repeats the current password or one of the recent ones. */
export async function assertAcceptablePassword(ctx: DomainContext, user: User, password: string, options: { currentPassword?: string; locale?: Locale } = {}): Promise<void> {
  const rules = ctx.settings.password;
  const problems = checkPassword(password, rules, await passwordContextFor(ctx, user, options.currentPassword), options.locale ?? 'en');
  if (problems.length === 0 && (await isRecentPassword(ctx, user.id, password))) problems.push({ code: 'reused', params: {} });
  if (problems.length > 0) throw new PasswordPolicyError(problems);
}

async function isRecentPassword(ctx: DomainContext, userId: string, password: string): Promise<boolean> {
  const { PasswordCredential, PasswordHistory } = ctx.db.models;
  const t = ctx.db.current();
  const hashes: string[] = [];
  const current = await PasswordCredential.findByPk(userId, { transaction: t });
  if (current) hashes.push(current.hash);
  const keep = ctx.settings.password.historyCount;
  if (keep > 0) {
    const history = await PasswordHistory.findAll({ where: { userId }, order: [['id', 'DESC']], limit: Math.max(0, keep - (current ? 1 : 0)), transaction: t });
    hashes.push(...history.map((h) => h.hash));
  }
  if (keep === 0) return false;
  for (const hash of hashes) if (await verifyPassword(hash, password)) return true;
  return false;
}

/**
 * Stores a new password hash; the previous one joins the history, which keeps the configured number. `setBy`: the
 * user chose it, or a provisioning client set it (which may then set it again until the user signs in with it).
 */
export async function storePassword(ctx: DomainContext, t: Transaction, userId: string, password: string, setBy: 'user' | 'provisioning' = 'user'): Promise<void> {
  const { PasswordCredential, PasswordHistory } = ctx.db.models;
  const hash = await hashPassword(password, hashParameters(ctx));
  const now = ctx.clock.now();
  const chosenByUser = setBy === 'user';
  const current = await PasswordCredential.findByPk(userId, { transaction: t });
  if (current) {
    await PasswordHistory.create({ userId, hash: current.hash, createdAt: current.changedAt }, { transaction: t });
    current.set({ hash, changedAt: now, reminderSentAt: null, chosenByUser });
    await current.save({ transaction: t });
  } else {
    await PasswordCredential.create({ userId, hash, changedAt: now, reminderSentAt: null, chosenByUser }, { transaction: t });
  }
  const keep = Math.max(0, ctx.settings.password.historyCount - 1);
  const old = await PasswordHistory.findAll({ where: { userId }, order: [['id', 'DESC']], offset: keep, attributes: ['id'], transaction: t });
  if (old.length) await PasswordHistory.destroy({ where: { id: old.map((h) => h.id) }, transaction: t });
}

/**
 * Refuses to replace, on behalf of a provisioning client, a password that belongs to the user: one they chose
 * (activation, reset, change), or one they have signed in with. Until then, the client may set it again.
 */
export async function assertReplaceableByProvisioning(ctx: DomainContext, t: Transaction, user: User): Promise<void> {
  const current = await ctx.db.models.PasswordCredential.findByPk(user.id, { transaction: t });
  if (user.lastSignInAt || current?.chosenByUser) {
    throw new DomainError('invalid', 'password.owned_by_user', 'This user has signed in with a password of their own, or chose it, and provisioning does not replace it; an administrator can send them a password reset instead.', { field: 'password' });
  }
}

/** Removes the password (an administrator's reset): nobody can sign in with it any more. */
export async function clearPassword(ctx: DomainContext, t: Transaction, userId: string): Promise<void> {
  const { PasswordCredential, PasswordHistory } = ctx.db.models;
  const current = await PasswordCredential.findByPk(userId, { transaction: t });
  if (!current) return;
  await PasswordHistory.create({ userId, hash: current.hash, createdAt: current.changedAt }, { transaction: t });
  await current.destroy({ transaction: t });
}

/** When the user's current password expires, or null when it never does (or there is none). */
export async function passwordExpiresAt(ctx: DomainContext, userId: string): Promise<Date | null> {
  const credential = await ctx.db.models.PasswordCredential.findByPk(userId, { transaction: ctx.db.current() });
  if (!credential) return null;
  const { passwordMaxAgeDays } = await effectivePolicy(ctx, userId);
  return passwordExpiry(credential.changedAt, passwordMaxAgeDays);
}

/** When a password changed at `changedAt` expires under a maximum age of `maxAgeDays` (0: never). */
export function passwordExpiry(changedAt: Date, maxAgeDays: number): Date | null {
  return maxAgeDays > 0 ? new Date(changedAt.getTime() + maxAgeDays * DAY) : null;
}

export function assertLocalUser(user: User, localDirectoryId: string): void {
  if (user.directoryId !== localDirectoryId) {
    throw new DomainError('invalid', 'password.sso_user', 'This user signs in through the identity provider of its directory; idbridge keeps no password for it.', { field: 'password' });
  }
}
