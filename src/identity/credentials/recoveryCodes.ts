import type { Transaction } from 'sequelize';
import type { DomainContext } from '../context.js';
import { sha256Hex } from '../../lib/crypto.js';

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A code of 16 characters from an unambiguous alphabet (about 79 bits), shown as xxxx-xxxx-xxxx-xxxx. */
function newCode(ctx: DomainContext): string {
  const bytes = ctx.random.bytes(16);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

function normalise(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Replaces a user's recovery codes with new ones; returns them (the only time they are readable). */
export async function generateRecoveryCodes(ctx: DomainContext, t: Transaction, userId: string): Promise<string[]> {
  const { RecoveryCode } = ctx.db.models;
  await RecoveryCode.destroy({ where: { userId }, transaction: t });
  const codes = Array.from({ length: ctx.settings.mfa.recoveryCodeCount }, () => newCode(ctx));
  const now = ctx.clock.now();
  await RecoveryCode.bulkCreate(codes.map((code) => ({ userId, codeHash: sha256Hex(normalise(code)), usedAt: null, createdAt: now })), { transaction: t });
  return codes;
}

/** Uses a recovery code once (a conditional update: of two concurrent uses, one wins). */
export async function useRecoveryCode(ctx: DomainContext, t: Transaction, userId: string, code: string): Promise<boolean> {
  const normalised = normalise(code);
  if (normalised.length !== 16) return false;
  const [updated] = await ctx.db.models.RecoveryCode.update({ usedAt: ctx.clock.now() }, { where: { userId, codeHash: sha256Hex(normalised), usedAt: null }, transaction: t });
  return updated === 1;
}

export async function remainingRecoveryCodes(ctx: DomainContext, userId: string): Promise<number> {
  return ctx.db.models.RecoveryCode.count({ where: { userId, usedAt: null }, transaction: ctx.db.current() });
}

export async function removeRecoveryCodes(ctx: DomainContext, t: Transaction, userId: string): Promise<void> {
  await ctx.db.models.RecoveryCode.destroy({ where: { userId }, transaction: t });
}
