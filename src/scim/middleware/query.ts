import type { RequestHandler } from 'express';
import { sendScimError } from './sendError.js';

/**
 * Express 5 makes `req.query` a getter that parses the URL again on every access, so scimmy-routers' cast of
 * startIndex and count to numbers is lost and every list starts at 1 with 20 items (scimmy-routers #36). This makes
 * `req.query` a plain, writable object for the SCIM routes only, refuses repeated parameters, and casts the two numbers.
 */
export const fixScimQuery: RequestHandler = (req, res, next) => {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (Array.isArray(value)) return sendScimError(res, 400, 'invalidValue', `The query parameter "${key}" is given more than once.`);
    query[key] = value;
  }
  for (const key of ['startIndex', 'count']) {
    const value = query[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^-?\d{1,9}$/.test(value.trim())) return sendScimError(res, 400, 'invalidValue', `${key} must be an integer.`);
    query[key] = Number(value);
  }
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
  next();
};
