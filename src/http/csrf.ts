import { createHmac, randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { constantTimeEqual } from '../lib/crypto.js';
import { getCookie, setCookie, type CookiePolicy } from './cookies.js';

const COOKIE = 'idb_csrf';
export const CSRF_FIELD = '_csrf';

declare module 'express-serve-static-core' {
  interface Request {
    /** The token to put in this request's forms. */
    csrfToken?: () => string;
  }
}

export class CsrfError extends Error {
  constructor() {
    super('CSRF token missing or invalid');
    this.name = 'CsrfError';
  }
}

/**
 * Signed double-submit tokens: a random secret in an HttpOnly cookie, and in each form an HMAC of it bound to the
 * session (if any). Works for anonymous forms (sign-in, forgot password) as well as signed-in ones; a token from
 * before sign-in is not valid after it. Every unsafe method must carry the token.
 */
export function csrfProtection(options: { secret: string; cookies: CookiePolicy; sessionId: (req: Request) => string | undefined }): RequestHandler {
  const sign = (nonce: string, sessionId: string | undefined) => createHmac('sha256', options.secret).update(`${nonce}|${sessionId ?? ''}`).digest('base64url');

  const nonceFor = (req: Request, res: Response): string => {
    let nonce = getCookie(req, options.cookies, COOKIE);
    if (!nonce || !/^[\w-]{43}$/.test(nonce)) {
      nonce = randomBytes(32).toString('base64url');
      setCookie(res, options.cookies, COOKIE, nonce);
      req.headers.cookie = `${req.headers.cookie ? `${req.headers.cookie}; ` : ''}${options.cookies.secure ? '__Host-' : ''}${COOKIE}=${nonce}`;
    }
    return nonce;
  };

  return (req, res, next) => {
    req.csrfToken = () => sign(nonceFor(req, res), options.sessionId(req));
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const nonce = getCookie(req, options.cookies, COOKIE);
    const presented = (req.body as Record<string, unknown> | undefined)?.[CSRF_FIELD] ?? req.get('x-csrf-token');
    if (!nonce || typeof presented !== 'string' || !constantTimeEqual(presented, sign(nonce, options.sessionId(req)))) return next(new CsrfError());
    next();
  };
}
