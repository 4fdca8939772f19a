import type { RawParams } from '../listQuery.js';

/**
 * The query parameters of a SCIM request as the resource handlers read them: a repeated parameter is refused, and
 * startIndex and count become numbers. Answers the problem to report when the query is refused.
 */
export function checkScimQuery(parsed: Record<string, unknown>): { query: RawParams } | { problem: string } {
  const query: RawParams = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value)) return { problem: `The query parameter "${key}" is given more than once.` };
    if (/\p{Cc}/u.test(key) || (typeof value === 'string' && value.includes('\u0000'))) return { problem: `The query parameter "${key}" holds a NUL or control character.` };
    query[key] = value;
  }
  for (const key of ['startIndex', 'count']) {
    const value = query[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^-?\d{1,30}$/.test(value.trim())) return { problem: `${key} must be an integer.` };
    query[key] = Number(value);
  }
  return { query };
}
