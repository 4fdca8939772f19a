import type { Dialect } from '../db/database.js';
import { normalise } from './validation.js';

/**
 * Case-insensitive comparison of attributes without a normalised column of their own (displayName, name.givenName,
 * an email's type…). The folded form of each (validation.normalise) is written beside the row, as one JSON object in
 * the row's `folded` column, and filters compare against it: the database never folds case (SQLite's LOWER() folds
 * ASCII only, PostgreSQL's follows its locale), so `displayName eq "ñandú"` finds Ñandú on both.
 */
export const FOLDED_USER_ATTRIBUTES = [
  'displayName', 'formattedName', 'givenName', 'familyName', 'middleName', 'honorificPrefix', 'honorificSuffix',
  'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'phone', 'employeeNumber',
  'costCenter', 'enterpriseOrganization', 'division', 'department', 'managerId', 'managerDisplayName',
] as const;
export const FOLDED_EMAIL_ATTRIBUTES = ['type', 'display'] as const;
export const FOLDED_PHONE_ATTRIBUTES = ['value', 'type', 'display'] as const;

/** The `folded` column's value for a row: the folded form of each of `keys` that holds text, or null when none does. */
export function foldedOf(row: object, keys: readonly string[]): string | null {
  const folded: Record<string, string> = {};
  for (const key of keys) {
    const value = (row as Record<string, unknown>)[key];
    if (typeof value === 'string') folded[key] = normalise(value);
  }
  return Object.keys(folded).length ? JSON.stringify(folded) : null;
}

/** SQL reading one attribute's folded form from a `folded` column (`key` is one of the constants above, never input). */
export function foldedSql(column: string, key: string): (dialect: Dialect) => string {
  if (!/^[A-Za-z]+$/.test(key)) throw new Error(`not an attribute name: ${key}`);
  return (dialect) => (dialect === 'postgres' ? `(${column}::json ->> '${key}')` : `json_extract(${column}, '$.${key}')`);
}
