import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Deps } from './deps.js';
import { accessLog } from './http/accessLog.js';
import { jsonErrorHandler, notFoundHandler } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { requestId } from './http/requestId.js';
import { localPages } from './auth/local/routes/pages.js';
import { samlRoutes } from './auth/saml/routes/samlRoutes.js';
import { SCIM_BASE_PATH, scimRouter } from './scim/router.js';
import { ADMIN_API_BASE, adminApi } from './admin/api/router.js';
import { adminConsole, CONSOLE_BASE } from './admin/console/router.js';
import { cookieName } from './http/cookies.js';
import { createOidcProvider } from './oidc/provider.js';
import { oidcRoutes } from './oidc/routes.js';

/** The whole HTTP application for `deps`. No I/O happens here: tests call it directly. */
export function createApp(deps: Deps): Express {
  const app = express();
  const https = deps.settings.server.publicUrl.startsWith('https://');
  app.disable('x-powered-by');
  app.set('trust proxy', deps.settings.server.trustProxy);
  app.use(requestId);
  app.use(accessLog(deps.logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'frame-ancestors': ["'none'"],
          // No form-action: signing in ends in redirects to portals and IdPs on other origins, which it would block.
          'form-action': null,
          'upgrade-insecure-requests': https ? [] : null,
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: https,
    }),
  );
  app.use(healthRoutes(deps.db));
  // First after the health checks: provisioning is the busiest traffic, and no other router serves /scim.
  app.use(SCIM_BASE_PATH, scimRouter({ ctx: deps.ctx, logger: deps.logger, settings: deps.settings }));
  const sessionCookie = cookieName('idb_session', deps.sessions.policy);
  const provider = createOidcProvider({ ctx: deps.ctx, settings: deps.settings, logger: deps.logger, keys: deps.oidcKeys, cookieSecret: deps.secrets.sessionSecret, sessionCookie });
  app.use(oidcRoutes({ ctx: deps.ctx, provider, sessions: deps.sessions, logger: deps.logger, secret: deps.secrets.sessionSecret, sessionCookie }));
  app.use(ADMIN_API_BASE, adminApi({ ctx: deps.ctx, sessions: deps.sessions, logger: deps.logger, secret: deps.secrets.sessionSecret, publicUrl: deps.settings.server.publicUrl }));
  app.use(CONSOLE_BASE, adminConsole({ ctx: deps.ctx, settings: deps.settings, sessions: deps.sessions, logger: deps.logger, secret: deps.secrets.sessionSecret, samlSp: deps.samlSp }));
  const saml = samlRoutes({ ctx: deps.ctx, settings: deps.settings, sessions: deps.sessions, logger: deps.logger, sp: deps.samlSp });
  app.use(saml.router);
  app.use(localPages({ ctx: deps.ctx, settings: deps.settings, sessions: deps.sessions, logger: deps.logger, federatedSignOut: saml.federatedSignOut }, deps.secrets.sessionSecret));
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(deps.logger));
  return app;
}
