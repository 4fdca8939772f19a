import { Op, type Transaction } from 'sequelize';
import type { TokenEndReason, TokenPurpose } from '../../db/models/OneTimeToken.js';
import { sha256Hex } from '../../lib/crypto.js';
import { randomToken } from '../../lib/random.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';

export interface IssuedToken {
  /** The secret for the link: shown once, never stored. */
  token: string;
  expiresAt: Date;
}

/**
 * Why a token was not accepted; pages tell "expired" from "already used" from "a newer email replaced it" (and a reset
 * link of an account an administrator locked) so that the user knows what to do.
 */
export type TokenProblem = 'invalid' | 'expired' | 'used' | 'replaced' | 'locked';

export class TokenError extends DomainError {
  /**
   * The user the link was sent to, when the link is a real one (expired, used or replaced): its pages may then show
   * that user's organization's support contact. Never presented; a link that matches nothing has none.
   */
  readonly userId: string | undefined;

  constructor(readonly problem: TokenProblem, userId?: string) {
    const messages: Record<TokenProblem, string> = {
      invalid: 'This link is not valid.',
      expired: 'This link has expired.',
      used: 'This link has already been used.',
      replaced: 'A newer email replaced this link.',
      locked: 'An administrator has locked this account: a new password does not unlock it.',
    };
    super(problem === 'invalid' ? 'not_found' : problem === 'locked' ? 'forbidden' : 'gone', `token.${problem}`, messages[problem]);
    this.userId = userId;
  }
}

/**
 * Issues a single-use token (256 bits, stored as its SHA-256) and invalidates the user's earlier unused tokens of the
 * same purpose: resending a link makes the previous one stop working, and its page then says a newer email replaced it.
 */
export async function issueOneTimeToken(ctx: DomainContext, t: Transaction, input: { userId: string; purpose: TokenPurpose; ttlMs: number }): Promise<IssuedToken> {
  const now = ctx.clock.now();
  const { OneTimeToken } = ctx.db.models;
  await endTokens(ctx, t, { userId: input.userId, purpose: input.purpose }, 'replaced');
  const token = randomToken(ctx.random, 32);
  const expiresAt = new Date(now.getTime() + input.ttlMs);
  await OneTimeToken.create({ id: ctx.random.uuid(), userId: input.userId, purpose: input.purpose, tokenHash: sha256Hex(token), expiresAt, consumedAt: null, createdAt: now }, { transaction: t });
  return { token, expiresAt };
}

/** Reads a token without using it (a page opened from an email must change nothing: mail scanners open links). */
export async function peekOneTimeToken(ctx: DomainContext, token: string, purpose: TokenPurpose): Promise<{ userId: string; expiresAt: Date }> {
  const row = typeof token === 'string' && token.length >= 20 && token.length <= 200
    ? await ctx.db.models.OneTimeToken.findOne({ where: { tokenHash: sha256Hex(token), purpose }, transaction: ctx.db.current() })
    : null;
  if (!row) throw new TokenError('invalid');
  if (row.consumedAt) throw new TokenError(row.consumedReason === 'replaced' ? 'replaced' : 'used', row.userId);
  if (row.expiresAt.getTime() <= ctx.clock.now().getTime()) throw new TokenError('expired', row.userId);
  return { userId: row.userId, expiresAt: row.expiresAt };
}

/** Uses a token exactly once, atomically: of two concurrent attempts, one wins. Returns the user id. */
export async function consumeOneTimeToken(ctx: DomainContext, t: Transaction, token: string, purpose: TokenPurpose): Promise<string> {
  const { userId } = await peekOneTimeToken(ctx, token, purpose);
  const now = ctx.clock.now();
  const [updated] = await ctx.db.models.OneTimeToken.update(
    { consumedAt: now, consumedReason: 'used' },
    { where: { tokenHash: sha256Hex(token), purpose, consumedAt: null, expiresAt: { [Op.gt]: now } }, transaction: t },
  );
  if (updated !== 1) throw new TokenError('used', userId);
  return userId;
}

/** Ends every unused token of a user (for one purpose, or all). */
export async function revokeOneTimeTokens(ctx: DomainContext, t: Transaction, userId: string, purpose?: TokenPurpose): Promise<void> {
  await endTokens(ctx, t, { userId, ...(purpose ? { purpose } : {}) }, 'revoked');
}

async function endTokens(ctx: DomainContext, t: Transaction, where: { userId: string; purpose?: TokenPurpose }, reason: TokenEndReason): Promise<void> {
  await ctx.db.models.OneTimeToken.update({ consumedAt: ctx.clock.now(), consumedReason: reason }, { where: { ...where, consumedAt: null }, transaction: t });
}
