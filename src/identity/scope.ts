import { Op, type WhereOptions } from 'sequelize';
import type { User } from '../db/models/User.js';
import type { DomainContext } from './context.js';
import { modelInstance } from '../db/rows.js';
import { notFound } from './errors.js';
import { selectUsers } from './userRecords.js';

/**
 * What a caller may see: a SCIM token sees its directory (and, when limited, one organization); an organization
 * administrator sees the users of its organizations. Anything outside answers "not found", never "forbidden".
 */
export interface UserScope {
  directoryId?: string;
  organizationIds?: readonly string[];
  /** One user only (the user themself). */
  userId?: string;
  /**
   * Platform administrators are out of sight (for every principal below platform level). They are always users of
   * the local directory (createPlatformAdmin), so a whole SSO directory's kept user count needs no correction.
   */
  hidePlatformAdmins?: boolean;
}

const everything: UserScope = {};

/** A WHERE clause on users for a scope (a subquery on memberships when organizations limit it). */
export function scopeWhere(ctx: DomainContext, scope: UserScope): WhereOptions<User> {
  const where: Record<string | symbol, unknown> = {};
  if (scope.directoryId) where.directoryId = scope.directoryId;
  if (scope.hidePlatformAdmins) where.isPlatformAdmin = false;
  if (scope.userId) where[Op.and] = [{ id: scope.userId }];
  if (scope.organizationIds) {
    const ids = scope.organizationIds.map((id) => ctx.db.sequelize.escape(id)).join(', ') || 'NULL';
    where.id = { [Op.in]: ctx.db.sequelize.literal(`(SELECT user_id FROM memberships WHERE organization_id IN (${ids}))`) };
  }
  return where as WhereOptions<User>;
}

/**
 * The user with this id, if the scope lets the caller see it; otherwise "user not found". With `forUpdate` (inside a
 * transaction) the row stays locked until the transaction ends, so that a version check and the write that follows
 * cannot interleave with another writer (PostgreSQL; SQLite serialises write transactions anyway). Read in plain SQL
 * (every write command starts here: sequelize's query building cost more than the read) into a model instance.
 */
export async function findUserInScope(ctx: DomainContext, id: string, scope: UserScope = everything, options: { forUpdate?: boolean } = {}): Promise<User> {
  const { rest, params } = oneUserInScope(ctx, id, scope, options);
  const [record] = await selectUsers(ctx, rest, params);
  if (!record) throw notFound('user');
  return modelInstance(ctx.db.models.User, record);
}

/**
 * The WHERE clause (and lock) that reads the user `id` within `scope`: with `forUpdate` inside a transaction the row
 * stays locked until it ends (PostgreSQL; SQLite serialises write transactions anyway).
 */
export function oneUserInScope(ctx: DomainContext, id: string, scope: UserScope, options: { forUpdate?: boolean } = {}): { rest: string; params: unknown[] } {
  const params: unknown[] = [id];
  const where = ['users.id = ?', ...scopeSql(scope, params)].join(' AND ');
  const lock = options.forUpdate && ctx.db.current() && ctx.db.dialect === 'postgres' ? ' FOR UPDATE OF users' : '';
  return { rest: ` WHERE ${where}${lock}`, params };
}

/** The WHERE clause of a scope, as SQL (the directory, and the organizations a limited caller sees). */
export function scopeSql(scope: UserScope, params: unknown[]): string[] {
  // No organization at all: nobody, and no parameter pushed that the condition would not use.
  if (scope.organizationIds?.length === 0) return ['(1=0)'];
  const parts: string[] = [];
  if (scope.directoryId) {
    parts.push('users.directory_id = ?');
    params.push(scope.directoryId);
  }
  if (scope.userId) {
    parts.push('users.id = ?');
    params.push(scope.userId);
  }
  if (scope.hidePlatformAdmins) parts.push('NOT users.is_platform_admin');
  if (scope.organizationIds) {
    parts.push(`users.id IN (SELECT sm.user_id FROM memberships sm WHERE sm.organization_id IN (${scope.organizationIds.map(() => '?').join(', ')}))`);
    params.push(...scope.organizationIds);
  }
  return parts;
}
