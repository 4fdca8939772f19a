import type { Dialect } from './database.js';

/**
 * A scalar subquery answering the rows of `from` as one JSON array of objects (`fields`: key → SQL expression), in
 * `orderBy` order, `[]` when there are none. It lets one SELECT return a row with its child rows, instead of one
 * query per child table: SQLite's json_group_array and PostgreSQL's json_agg, both with an ordered aggregate.
 */
export function jsonRows(dialect: Dialect, fields: Record<string, string>, from: string, orderBy: string): string {
  const pairs = Object.entries(fields)
    .map(([key, expression]) => `'${key}', ${expression}`)
    .join(', ');
  return dialect === 'postgres'
    ? `(SELECT COALESCE(json_agg(json_build_object(${pairs}) ORDER BY ${orderBy}), '[]'::json) FROM ${from})`
    : `(SELECT json_group_array(json_object(${pairs}) ORDER BY ${orderBy}) FROM ${from})`;
}

/** The value of a `jsonRows` column: text on SQLite, already parsed by the driver on PostgreSQL. */
export function readJsonRows<T>(value: unknown): T[] {
  if (value === null || value === undefined) return [];
  return (typeof value === 'string' ? JSON.parse(value) : value) as T[];
}
