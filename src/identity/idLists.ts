import type { DomainContext } from './context.js';

/**
 * A list of ids travels as one parameter, JSON text read by SQLite's json_each or an array for PostgreSQL: one
 * statement serves lists of every length (prepared once), and binding one value costs less than one per id.
 */
export function idList(ctx: DomainContext, ids: readonly string[]): unknown {
  return ctx.db.dialect === 'postgres' ? [...ids] : JSON.stringify(ids);
}

/** `column` is one of the ids of an idList parameter: a lookup by index per id, on both databases. */
export function inIdList(ctx: DomainContext, column: string): string {
  return ctx.db.dialect === 'postgres' ? `${column} = ANY(CAST(? AS text[]))` : `${column} IN (SELECT value FROM json_each(?))`;
}

/** The ids of an idList parameter as rows of one column, `value`. */
export function idRows(ctx: DomainContext): string {
  return ctx.db.dialect === 'postgres' ? 'unnest(CAST(? AS text[])) AS ids(value)' : 'json_each(?) AS ids';
}
