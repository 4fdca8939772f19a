import express, { Router, type ErrorRequestHandler } from 'express';
import type { Services } from '../../identity/services.js';
import { CsrfError, csrfProtection } from '../../http/csrf.js';
import { toErrorResponse } from '../../http/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { SessionCookies } from '../../auth/session.js';
import { AdminAuthError, adminAuthentication } from '../auth.js';
import { brandRoutes } from './brand.js';
import { eventRoutes } from './events.js';
import { openApiDocument } from './openapi.js';
import { platformRoutes } from './platform.js';
import { userRoutes } from './users.js';
import { webhookRoutes } from './webhooks.js';

export const ADMIN_API_BASE = '/api/admin/v1';

export interface AdminApiDeps {
  services: Services;
  sessions: SessionCookies;
  logger: Logger;
  secret: string;
  publicUrl: string;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof AdminAuthError) {
      if (error.status === 401) res.set('WWW-Authenticate', 'Bearer realm="idbridge admin API"');
      return res.status(error.status).json({ error: { code: error.code, message: error.message } });
    }
    if (error instanceof CsrfError) {
      return res.status(403).json({ error: { code: 'auth.csrf', message: 'A console request must carry the X-CSRF-Token of its page; automation should use an API token instead.' } });
    }
    const { status, body } = toErrorResponse(error, req.id, logger);
    res.status(status).json(body);
  };
}

/**
 * The admin API (JSON): authenticated by an administrator API token, or by the console's session (then unsafe
 * requests must carry the page's CSRF token). Documented at openapi.json.
 */
export function adminApi(deps: AdminApiDeps): Router {
  const router = Router();
  const csrf = csrfProtection({ secret: deps.secret, cookies: deps.sessions.policy, sessionId: (req) => req.session?.id });
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps.publicUrl));
  });
  router.use(express.json({ limit: '512kb' }));
  router.use(deps.sessions.middleware());
  router.use(adminAuthentication(deps.services));
  router.use((req, res, next) => (req.adminVia === 'session' ? csrf(req, res, next) : next()));
  router.use(userRoutes(deps.services));
  router.use(platformRoutes(deps.services));
  router.use(brandRoutes(deps.services));
  router.use(eventRoutes(deps.services));
  router.use(webhookRoutes(deps.services));
  router.use((req, res) => {
    res.status(404).json({ error: { code: 'route.not_found', message: `Nothing here: ${req.method} ${ADMIN_API_BASE}${req.path}` } });
  });
  router.use(errorHandler(deps.logger));
  return router;
}
