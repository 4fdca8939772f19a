import type { RequestHandler } from 'express';
import type { AdminPrincipal } from '../identity/principal.js';
import type { Services } from '../identity/services.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The administrator making this request. */
    admin?: AdminPrincipal;
    /** How the administrator authenticated: a console session (CSRF applies) or an API token. */
    adminVia?: 'session' | 'token';
  }
}

export class AdminAuthError extends Error {
  constructor(readonly status: 401 | 403, readonly code: string, message: string) {
    super(message);
    this.name = 'AdminAuthError';
  }
}

/** An API token in the Authorization header, else the signed-in console session; never both kinds of trust mixed. */
export function adminAuthentication(services: Services): RequestHandler {
  return (req, _res, next) => {
    (async () => {
      const via = { ...(req.ip ? { ip: req.ip } : {}), requestId: req.id };
      const header = req.get('authorization');
      if (header) {
        const [scheme, token] = header.split(/\s+/, 2);
        const principal = scheme?.toLowerCase() === 'bearer' && token ? await services.administrators.authenticateApiToken(token, via) : null;
        if (!principal) throw new AdminAuthError(401, 'auth.invalid_token', 'The API token is missing, unknown, revoked or expired, or its administrator may no longer administer.');
        req.admin = principal;
        req.adminVia = 'token';
        return;
      }
      if (req.session?.stage !== 'signed_in') throw new AdminAuthError(401, 'auth.required', 'Sign in, or send an administrator API token as a Bearer token.');
      const principal = await services.administrators.principalFor(req.session.userId, via);
      if (!principal) throw new AdminAuthError(403, 'auth.not_an_administrator', 'This account does not administer any organization.');
      req.admin = principal;
      req.adminVia = 'session';
    })().then(() => next(), next);
  };
}
