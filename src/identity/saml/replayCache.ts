import { Op, UniqueConstraintError } from 'sequelize';
import type { DomainContext } from '../context.js';
import { MINUTE } from '../../lib/clock.js';

/** node-saml's cache contract, implemented on the database so that every instance shares it. */
export interface SamlCacheProvider {
  saveAsync(key: string, value: string): Promise<{ value: string; createdAt: number } | null>;
  getAsync(key: string): Promise<string | null>;
  removeAsync(key: string | null): Promise<string | null>;
}

/**
 * The ids of the requests we sent to a directory's IdP, for InResponseTo: a response must answer a request we
 * issued, within the request lifetime, once (node-saml removes the id when it is answered).
 */
export function requestIdCache(ctx: DomainContext, directoryId: string, onSaved?: (requestId: string) => void): SamlCacheProvider {
  const { SamlRequestId } = ctx.db.models;
  const ttl = ctx.settings.saml.requestTtlMinutes * MINUTE;
  return {
    async saveAsync(key, value) {
      if (key.length > 128) return null;
      const now = ctx.clock.now();
      await SamlRequestId.create({ id: key, directoryId, value: value.slice(0, 64), expiresAt: new Date(now.getTime() + ttl) });
      onSaved?.(key);
      return { value, createdAt: now.getTime() };
    },
    async getAsync(key) {
      if (!key || key.length > 128) return null;
      const row = await SamlRequestId.findOne({ where: { id: key, directoryId, expiresAt: { [Op.gt]: ctx.clock.now() } } });
      return row?.value ?? null;
    },
    async removeAsync(key) {
      if (!key || key.length > 128) return null;
      const row = await SamlRequestId.findOne({ where: { id: key, directoryId } });
      if (!row) return null;
      await row.destroy();
      return row.value;
    },
  };
}

/**
 * Records that an assertion was used; false when it already was (a replayed response). Kept until the assertion
 * would have expired anyway.
 */
export async function rememberAssertion(ctx: DomainContext, directoryId: string, assertionId: string, notOnOrAfter: Date | null): Promise<boolean> {
  // Kept at least ten minutes: an assertion without NotOnOrAfter is still refused the second time for a while.
  const expiresAt = new Date(Math.max(notOnOrAfter?.getTime() ?? 0, ctx.clock.now().getTime() + 10 * MINUTE));
  try {
    await ctx.db.models.SamlAssertionId.create({ directoryId, assertionId: assertionId.slice(0, 255), expiresAt });
    return true;
  } catch (error) {
    if (error instanceof UniqueConstraintError) return false;
    throw error;
  }
}

/** Deletes expired request ids and assertion ids. */
export async function sweepSamlCaches(ctx: DomainContext): Promise<number> {
  const now = ctx.clock.now();
  const requests = await ctx.db.models.SamlRequestId.destroy({ where: { expiresAt: { [Op.lte]: now } } });
  const assertions = await ctx.db.models.SamlAssertionId.destroy({ where: { expiresAt: { [Op.lte]: now } } });
  return requests + assertions;
}
