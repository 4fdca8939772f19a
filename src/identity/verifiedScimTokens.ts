import type { Transaction } from 'sequelize';
import type { DomainContext } from './context.js';
import type { Rights } from './policy/authorize.js';
import type { ScimTokenGrant } from './principal.js';

/** Tokens a process remembers at most (there are a few per directory). */
const REMEMBERED_TOKENS = 1000;

/** A token verified against the database, trusted by this process until `until` (settings.scim.tokenCacheSeconds). */
export interface VerifiedToken {
  grant: ScimTokenGrant;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  until: number;
}

/**
 * Verified SCIM tokens by hash, per database: clients send the same token on every request, and checking it costs a
 * database round trip each time. Only tokens found valid are kept (an unknown one is looked up every time), their
 * expiry is still checked on every request, and revoking or deleting tokens through this process forgets them all.
 */
const verified = new WeakMap<object, Map<string, VerifiedToken>>();

function tokensOf(ctx: DomainContext): Map<string, VerifiedToken> {
  let map = verified.get(ctx.db);
  if (!map) verified.set(ctx.db, (map = new Map()));
  return map;
}

/** The remembered token of this hash, if it is still trusted and not expired at `now`. */
export function rememberedToken(ctx: DomainContext, hash: string, now: Date): VerifiedToken | undefined {
  const map = tokensOf(ctx);
  const known = map.get(hash);
  if (!known) return undefined;
  if (known.until > now.getTime() && !(known.expiresAt && known.expiresAt.getTime() <= now.getTime())) return known;
  map.delete(hash);
  return undefined;
}

export function rememberToken(ctx: DomainContext, hash: string, token: VerifiedToken): void {
  if (token.until <= ctx.clock.now().getTime()) return;
  const map = tokensOf(ctx);
  if (map.size >= REMEMBERED_TOKENS) map.delete(map.keys().next().value as string);
  map.set(hash, token);
}

/**
 * Called in the transaction that revokes or deletes tokens: once it commits, the next request of every token is
 * checked against the database. Not before: until then the database still holds the token valid, and a request that
 * verified it in the meantime would be trusted again for the whole cache time.
 */
export function forgetVerifiedScimTokens(ctx: DomainContext, t: Transaction): void {
  t.afterCommit(() => {
    tokensOf(ctx).clear();
    rightsOf(ctx).clear();
  });
}

/**
 * The rights of verified tokens (what their organization's provisioning limit or their directory's role mappings
 * give), read once per token and trusted as long as the token itself (settings.scim.tokenCacheSeconds): every write
 * of a provisioning client weighs them, and they change only when an administrator changes a role mapping or an
 * organization's policy. Such a change through this process forgets them all once it commits; another instance
 * reads them again within the cache time, as it does a revoked token.
 */
const rights = new WeakMap<object, Map<string, { rights: Promise<Rights>; until: number }>>();

function rightsOf(ctx: DomainContext): Map<string, { rights: Promise<Rights>; until: number }> {
  let map = rights.get(ctx.db);
  if (!map) rights.set(ctx.db, (map = new Map()));
  return map;
}

/** The rights read for this token, or `read()` remembered for the cache time. */
export function tokenRights(ctx: DomainContext, tokenId: string, read: () => Promise<Rights>): Promise<Rights> {
  const now = ctx.clock.now().getTime();
  const map = rightsOf(ctx);
  const known = map.get(tokenId);
  if (known && known.until > now) return known.rights;
  const fresh = read();
  const seconds = ctx.settings.scim.tokenCacheSeconds;
  if (seconds <= 0) return fresh;
  if (map.size >= REMEMBERED_TOKENS) map.delete(map.keys().next().value as string);
  map.set(tokenId, { rights: fresh, until: now + seconds * 1000 });
  fresh.catch(() => map.delete(tokenId));
  return fresh;
}

/** Called in a transaction that changes what tokens' rights are made of (role mappings, an organization's policy). */
export function forgetScimTokenRights(ctx: DomainContext, t: Transaction): void {
  t.afterCommit(() => rightsOf(ctx).clear());
}
