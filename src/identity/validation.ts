import { z } from 'zod';
import { holdsNul } from '../lib/jsonText.js';
import { invalid } from './errors.js';

/**
 * Parses domain input with a zod schema; the first problem becomes an `invalid` error naming its field. A NUL
 * character anywhere in the input is refused first, whatever the edge: PostgreSQL cannot store one and SQLite would,
 * so both databases answer alike.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, code: string): z.output<S> {
  if (holdsNul(input)) throw invalid(code, 'A value holds a NUL character (\\u0000), which no attribute may contain.');
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw invalid(code, field ? `${field}: ${issue?.message}` : (issue?.message ?? 'Invalid input.'), field);
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
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address such as name@example.com');

/** The case-insensitive form of userNames, emails and group names, identical on every database. */
export function normalise(value: string): string {
  return value.normalize('NFC').toLowerCase();
}
