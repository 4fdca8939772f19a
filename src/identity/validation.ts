import { z } from 'zod';
import { badText } from '../lib/jsonText.js';
import { DomainError, invalid } from './errors.js';

/** One problem of an input: its field (a dotted path) and what is wrong with it. */
export interface InputIssue {
  field: string;
  message: string;
}

/**
 * Parses domain input with a zod schema; the first problem becomes an `invalid` error naming its field, and every
 * problem is kept in `details.issues` (a form names each field it refuses at once). Text no
 * database stores as sent (a NUL character, a lone surrogate) is refused first, whatever the edge, so that both
 * databases answer alike and what is acknowledged is what is stored.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code: string): z.output<S> {
  const text = badText(input);
  if (text === 'nul') throw invalid(code, 'A value holds a NUL character (\\u0000), which no attribute may contain.');
  if (text) throw invalid(code, 'A value holds a lone UTF-16 surrogate (such as \\ud800 without its pair), which is not Unicode text.');
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  const issues: InputIssue[] = result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw new DomainError('invalid', code, field ? `${field}: ${issue?.message}` : (issue?.message ?? 'Invalid input.'), { ...(field ? { field } : {}), details: { issues } });
}

export const slugSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'use 1 to 64 lower-case letters, digits and inner hyphens (e.g. "river-water")');

export const nameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be 200 characters or fewer');

/** Deliberately permissive (IdPs send what they have); must look like local@domain. */
export const emailSchema = z
  .string()
  .trim()
  .max(320, 'must be 320 characters or fewer')
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address such as name@example.com')
  .refine(fitsNormalised(320), 'must be 320 characters or fewer once normalised (compatibility characters such as ﷺ expand)');

/**
 * The form in which userNames, email addresses, group names and every case-insensitive filter are compared: Unicode
 * compatibility normalisation (NFKC) and full case folding, so that `ａｄｍｉｎ` (fullwidth), `ADMIN` and `admin` are one
 * name, `ﬀ` is `ff` and `STRASSE` is `straße`. Computed here, never by the database (SQLite's LOWER() folds ASCII only;
 * PostgreSQL's depends on its locale), so both answer alike. Lower-, upper- then lower-casing gives the full folds
 * that lower-casing alone misses (ẞ → ß → SS → ss, final ς → σ); the second NFKC recomposes what case mapping
 * decomposed.
 */
export function normalise(value: string): string {
  return value.normalize('NFKC').toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
}

/** A text whose normalised form stays within `max` characters (the normalised column's width on PostgreSQL). */
export function fitsNormalised(max: number): (value: string) => boolean {
  return (value) => normalise(value).length <= max;
}
