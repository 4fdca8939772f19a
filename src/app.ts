import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import express from 'express';
import type { Deps } from './deps.js';
import { accessLog, accessLogger } from './http/accessLog.js';
import { jsonErrorHandler, notFoundHandler } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { metricsRoutes } from './http/metricsEndpoint.js';
import { requestId } from './http/requestId.js';
import { refuseControlCharacters } from './http/requestGuard.js';
import { localPages } from './auth/local/routes/pages.js';
import { samlRoutes } from './auth/saml/routes/samlRoutes.js';
import { fixedHeadersOf, securityHeaders } from './http/securityHeaders.js';
import { scimServer } from './scim/router.js';
import { ADMIN_API_BASE, adminApi } from './admin/api/router.js';
import { adminConsole, CONSOLE_BASE } from './admin/console/router.js';
import { cookieName } from './http/cookies.js';
import { createOidcProvider, OIDC_PREFIX } from './oidc/provider.js';
import { oidcRoutes } from './oidc/routes.js';
import { interactionClient } from './oidc/interactionClient.js';
import { brandAssets } from './pages/brandAssets.js';

/** The application as node:http serves it (`http.createServer(app)`, or supertest). */
export type App = RequestListener<typeof IncomingMessage, typeof ServerResponse>;

/**
 * The whole HTTP application for `deps`: the SCIM server for /scim/v2 (its own steps), then Express for everything
 * else. No I/O happens here: tests call it directly.
 */
export function createApp(deps: Deps): App {
  const app = express();
  const security = securityHeaders(deps.settings.server.publicUrl.startsWith('https://'));
  app.disable('x-powered-by');
  app.set('trust proxy', deps.settings.server.trustProxy);
  app.use(requestId);
  const access = accessLogger(deps.logger);
  // oidc-provider serves its paths itself: their metrics say /oidc/*, not "unmatched".
  app.use(accessLog(access, deps.metrics, [OIDC_PREFIX, '/.well-known']));
  app.use(security);
  app.use(refuseControlCharacters);
  app.use(healthRoutes(deps.services.health.readiness));
  app.use(metricsRoutes(deps.metrics, deps.settings.metrics.token));
  // Every request under /scim/v2 is the SCIM server's (its own steps: pipeline.ts), before Express.
  const scim = scimServer({ services: deps.services, clock: deps.ctx.clock, logger: deps.logger, settings: deps.settings, accessLogger: access, securityHeaders: fixedHeadersOf(security), trustProxy: app.get('trust proxy fn'), metrics: deps.metrics });
  const sessionCookie = cookieName('idb_session', deps.sessions.policy);
  const provider = createOidcProvider({ services: deps.services, adapter: deps.oidcAdapter, settings: deps.settings, logger: deps.logger, keys: deps.oidcKeys, cookieSecret: deps.secrets.sessionSecret, sessionCookie });
  app.use(oidcRoutes({ services: deps.services, provider, sessions: deps.sessions, logger: deps.logger, secret: deps.secrets.sessionSecret, sessionCookie }));
  app.use(ADMIN_API_BASE, adminApi({ services: deps.services, sessions: deps.sessions, logger: deps.logger, secret: deps.secrets.sessionSecret, publicUrl: deps.settings.server.publicUrl }));
  app.use(CONSOLE_BASE, adminConsole({ services: deps.services, catalog: deps.ctx.catalog, settings: deps.settings, sessions: deps.sessions, logger: deps.logger, secret: deps.secrets.sessionSecret, samlSp: deps.samlSp }));
  const saml = samlRoutes({ services: deps.services, settings: deps.settings, sessions: deps.sessions, logger: deps.logger, sp: deps.samlSp });
  app.use(saml.router);
  // Logos and brand stylesheets: public, no session.
  app.use(brandAssets(deps.services));
  app.use(localPages({ services: deps.services, settings: deps.settings, sessions: deps.sessions, logger: deps.logger, federatedSignOut: saml.federatedSignOut, portalOf: interactionClient(provider) }, deps.secrets.sessionSecret));
  app.use(notFoundHandler);
  app.use(jsonErrorHandler(deps.logger));
  return (req, res) => {
    if (!scim.handle(req, res)) app(req, res);
  };
}
