import type { RequestHandler } from 'express';
import type { RawParams } from '../listQuery.js';
import { sendScimError } from './sendError.js';

/**
 * The query parameters of a SCIM request as the resource handlers read them: a repeated parameter is refused, and
 * startIndex and count become numbers. Answers the problem to report when the query is refused.
 */
export function checkScimQuery(parsed: Record<string, unknown>): { query: RawParams } | { problem: string } {
  const query: RawParams = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (Array.isArray(value)) return { problem: `The query parameter "${key}" is given more than once.` };
    query[key] = value;
  }
  for (const key of ['startIndex', 'count']) {
    const value = query[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value.trim())) return { problem: `${key} must be an integer.` };
    query[key] = Number(value);
  }
  return { query };
}

/**
 * Express 5 makes `req.query` a getter that parses the URL again on every access, so scimmy-routers' cast of
 * startIndex and count to numbers is lost and every list starts at 1 with 20 items (scimmy-routers #36). This makes
 * `req.query` a plain, writable object (checkScimQuery's) for the SCIM routes only.
 */
export const fixScimQuery: RequestHandler = (req, res, next) => {
  const checked = checkScimQuery(req.query as Record<string, unknown>);
  if ('problem' in checked) return sendScimError(res, 400, 'invalidValue', checked.problem);
  Object.defineProperty(req, 'query', { value: checked.query, writable: true, configurable: true, enumerable: true });
  next();
};
