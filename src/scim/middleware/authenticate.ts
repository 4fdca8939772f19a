import type { RequestHandler } from 'express';
import type { DomainContext } from '../../identity/context.js';
import { authenticateScimToken, type ScimPrincipal } from '../../identity/scimTokens.js';
import { sendScimError } from './sendError.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The SCIM token that authenticated this request (set under /scim/v2 only). */
    scimPrincipal?: ScimPrincipal;
  }
}

const REALM = 'Bearer realm="idbridge SCIM"';

/**
 * Bearer token authentication, before anything reads the body (an unauthenticated 5 MB body answers 401, not 413).
 * A missing or bad token answers 401 with a SCIM error and WWW-Authenticate (RFC 6750 §3).
 */
export function authenticateScim(ctx: DomainContext): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    if (!match) {
      sendScimError(res, 401, undefined, 'Authenticate with the bearer token idbridge issued for this directory (Authorization: Bearer …).', { 'WWW-Authenticate': REALM });
      return;
    }
    try {
      const principal = await authenticateScimToken(ctx, match[1]!);
      if (!principal) {
        sendScimError(res, 401, undefined, 'The bearer token is not valid: it is unknown, revoked or expired.', { 'WWW-Authenticate': `${REALM}, error="invalid_token"` });
        return;
      }
      req.scimPrincipal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}
