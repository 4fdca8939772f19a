import { generateSecret, generateURI, verifySync } from 'otplib';
import type { Transaction } from 'sequelize';
import { Op } from 'sequelize';
import type { DomainContext } from '../context.js';

/** RFC 6238 as Google and Microsoft Authenticator expect it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/**
 * The otpauth URI of a QR code: `issuer` (the brand's authenticator name) both as the label's prefix and as the issuer
 * parameter, as Google and Microsoft Authenticator read them. The issuer is a name only: verifying a code never uses it.
 */
export function totpUri(issuer: string, account: string, secret: string): string {
  return generateURI({ issuer, label: account, secret });
}

/** The entry as authenticator apps list it: "River Water (sarah@river.example)". */
export function authenticatorEntry(issuer: string, account: string): string {
  return `${issuer} (${account})`;
}

/** The 30-second step at which `code` is valid for `secret` (±1 step around now), or null. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const result = verifySync({ secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOTP_PERIOD_SECONDS });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

function sealedSecret(ctx: DomainContext, userId: string, secret: string): string {
  return ctx.cipher.encrypt(secret, `totp:${userId}`);
}

export function openSecret(ctx: DomainContext, userId: string, sealed: string): string {
  return ctx.cipher.decrypt(sealed, `totp:${userId}`);
}

/** Starts (or restarts) enrolment: a new secret, stored encrypted, unconfirmed until the user enters a code. */
export async function beginTotpEnrolment(ctx: DomainContext, t: Transaction, userId: string): Promise<string> {
  const { TotpCredential } = ctx.db.models;
  const secret = newTotpSecret();
  await TotpCredential.destroy({ where: { userId, confirmedAt: null }, transaction: t });
  await TotpCredential.create({ userId, secret: sealedSecret(ctx, userId, secret), confirmedAt: null, lastUsedStep: null, createdAt: ctx.clock.now() }, { transaction: t });
  return secret;
}

/** The secret of an enrolment in progress (to show it again when the code entered was wrong). */
export async function pendingTotpSecret(ctx: DomainContext, userId: string): Promise<string | null> {
  const row = await ctx.db.models.TotpCredential.findOne({ where: { userId, confirmedAt: null }, transaction: ctx.db.current() });
  return row ? openSecret(ctx, userId, row.secret) : null;
}

export async function hasConfirmedTotp(ctx: DomainContext, userId: string): Promise<boolean> {
  return (await ctx.db.models.TotpCredential.count({ where: { userId, confirmedAt: { [Op.ne]: null } }, transaction: ctx.db.current() })) > 0;
}

/**
 * Accepts a code once: the step it matches must be later than the last accepted one, and the update that records it
 * is conditional, so two requests with the same code cannot both pass. `confirm` finishes an enrolment.
 */
export async function acceptTotpCode(ctx: DomainContext, t: Transaction, userId: string, code: string, options: { confirm?: boolean } = {}): Promise<boolean> {
  const { TotpCredential } = ctx.db.models;
  const row = await TotpCredential.findOne({ where: { userId, confirmedAt: options.confirm ? null : { [Op.ne]: null } }, transaction: t });
  if (!row) return false;
  const step = matchingStep(openSecret(ctx, userId, row.secret), code.replace(/\s+/g, ''), ctx.clock.now());
  if (step === null || (row.lastUsedStep !== null && step <= row.lastUsedStep)) return false;
  const [updated] = await TotpCredential.update(
    { lastUsedStep: step, ...(options.confirm ? { confirmedAt: ctx.clock.now() } : {}) },
    { where: { userId, confirmedAt: row.confirmedAt, [Op.or]: [{ lastUsedStep: null }, { lastUsedStep: { [Op.lt]: step } }] }, transaction: t },
  );
  return updated === 1;
}

export async function removeTotp(ctx: DomainContext, t: Transaction, userId: string): Promise<number> {
  return ctx.db.models.TotpCredential.destroy({ where: { userId }, transaction: t });
}
