import type { Request } from 'express';
import { invalid } from '../../identity/errors.js';

/** Query and body readers that turn malformed input into clear 400s. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid('request.invalid', `"${name}" must be given once, as text.`, name);
  return value;
}

export function queryInteger(req: Request, name: string): number | undefined {
  const value = queryString(req, name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value)) throw invalid('request.invalid', `"${name}" must be a whole number.`, name);
  return Number(value);
}

export function queryBoolean(req: Request, name: string): boolean | undefined {
  const value = queryString(req, name);
  if (value === undefined || value === '') return undefined;
  if (value !== 'true' && value !== 'false') throw invalid('request.invalid', `"${name}" must be true or false.`, name);
  return value === 'true';
}

export function queryDate(req: Request, name: string): Date | undefined {
  const value = queryString(req, name);
  if (value === undefined || value === '') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid('request.invalid', `"${name}" must be a date such as 2026-05-01 or 2026-05-01T10:00:00Z.`, name);
  return date;
}

export function body(req: Request): Record<string, unknown> {
  const value = req.body as unknown;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('request.invalid', 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** If-Match: "3" or W/"3" → 3. */
export function expectedVersion(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!match) throw invalid('request.invalid', 'If-Match must be the ETag of the user, such as "3".', 'If-Match');
  return Number(match[1]);
}
