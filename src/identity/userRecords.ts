import type { InferAttributes } from 'sequelize';
import type { User } from '../db/models/User.js';
import { modelColumns, type ModelColumns } from '../db/rows.js';
import type { DomainContext } from './context.js';

/**
 * A user's columns as read from the database (a model instance, or a plain row read by `readUsers`): every column
 * but the folded copies, which only filters read (folding.ts).
 */
export type UserRecord = Omit<InferAttributes<User>, 'folded'>;

const userColumns = new WeakMap<object, ModelColumns<UserRecord>>();

/** The columns of users (but the folded copies) as a select list, and the reader of a row of them. */
export function userColumnsOf(ctx: DomainContext): ModelColumns<UserRecord> {
  let columns = userColumns.get(ctx.db.models.User);
  if (!columns) userColumns.set(ctx.db.models.User, (columns = modelColumns<UserRecord>(ctx.db.models.User, 'users', ['folded'])));
  return columns;
}

/** Users as plain records: `SELECT <every column> FROM users` followed by `rest` (WHERE, ORDER BY, LIMIT…). */
export async function selectUsers(ctx: DomainContext, rest: string, params: readonly unknown[]): Promise<UserRecord[]> {
  const { list, read } = userColumnsOf(ctx);
  return (await ctx.db.rows(`SELECT ${list} FROM users${rest}`, params)).map(read);
}
