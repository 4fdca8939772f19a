import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type ErrorRequestHandler, type Request } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import type { Settings } from '../config/schema.js';
import type { Services } from '../identity/services.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { scimRequestContext, type ScimOptions, type ScimRequestContext, type ScimServerContext } from './context.js';
import { DEFAULT_FILTER_LIMITS } from './filter/parseFilter.js';
import { internalErrorDetail } from './errors.js';
import { authenticateScim } from './middleware/authenticate.js';
import { scimHotPath, type HotPathDeps } from './hotPath.js';
import { parseScimBody, scimBodyReader } from './middleware/body.js';
import { normaliseScimBodies } from './middleware/normaliseBodies.js';
import { fixScimQuery } from './middleware/query.js';
import { rateLimitScim, tokenBuckets } from './middleware/rateLimit.js';
import { scimResponseHeaders } from './middleware/responseHeaders.js';
import { sendScimError } from './middleware/sendError.js';
import { declareResources } from './registry.js';
import { serviceProviderConfig } from './serviceProviderConfig.js';

/** Where app.ts mounts the SCIM server. */
export const SCIM_BASE_PATH = '/scim/v2';

export interface ScimServerDeps {
  services: Services;
  clock: Clock;
  logger: Logger;
  settings: Settings;
  /** What the hot path needs of the app: its access logger, the security headers it sends, and its trust of proxies. */
  accessLogger: Logger;
  securityHeaders: HotPathDeps['securityHeaders'];
  trustProxy: HotPathDeps['trustProxy'];
}

/** The SCIM server: the Express router mounted at SCIM_BASE_PATH, and the hot path that serves before Express. */
export interface ScimServer {
  router: Router;
  hotPath: (req: IncomingMessage, res: ServerResponse) => boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    scimContext?: ScimRequestContext;
  }
}

export function scimOptions(settings: Settings): ScimOptions {
  const { maxResults, maxBodyBytes, rateLimitPerSecond, rateLimitBurst } = settings.scim;
  return { maxResults, maxBodyBytes, rateLimitPerSecond, rateLimitBurst, filterLimits: DEFAULT_FILTER_LIMITS };
}

/**
 * The SCIM 2.0 server: scimmy-routers with idbridge's resource types, behind the middlewares that make it fit for
 * Entra ID and Okta (in this order): response writing, bearer authentication, the per-token rate limit, the Express 5
 * query fix, strict body parsing, and the Entra/Okta request normaliser. The hot path (hotPath.ts) runs the same
 * steps for the busiest requests; both share the rate limit's buckets.
 */
export function scimServer(deps: ScimServerDeps): ScimServer {
  declareResources();
  const options = scimOptions(deps.settings);
  const server: ScimServerContext = { services: deps.services, logger: deps.logger, options, baseUrl: `${deps.settings.server.publicUrl}${SCIM_BASE_PATH}` };
  const buckets = tokenBuckets({ perSecond: options.rateLimitPerSecond, burst: options.rateLimitBurst, clock: deps.clock });
  const readBody = scimBodyReader(options.maxBodyBytes);

  const contextOf = (req: Request): ScimRequestContext =>
    (req.scimContext ??= scimRequestContext(server, req.scimGrant!, { ip: req.ip, requestId: req.id, ifMatch: req.get('if-match') }));

  const scimmy = new SCIMMYRouters({
    type: 'bearer',
    // Authentication already happened (authenticateScim): scimmy's own 401 has no WWW-Authenticate header.
    handler: (req) => req.scimGrant?.tokenId ?? '',
    context: contextOf,
    baseUri: () => deps.settings.server.publicUrl,
  });
  // The router forces bulk on and appends an authentication scheme per instance; say what is true instead.
  SCIMMY.Config.set({ authenticationSchemes: [] });
  SCIMMY.Config.set({ patch: true, sort: true, etag: true, changePassword: false, filter: { supported: true, maxResults: options.maxResults }, bulk: { supported: false } });

  const router = Router();
  router.use(scimResponseHeaders);
  router.use(authenticateScim(deps.services));
  router.use(rateLimitScim(buckets));
  router.use(fixScimQuery);
  router.use(parseScimBody(readBody));
  router.use(normaliseScimBodies);
  router.get('/ServiceProviderConfig', serviceProviderConfig(options, server.baseUrl));
  // scimmy reads every resource type with default paging and merges the pages: totals would be wrong.
  router.post('/.search', (_req, res) => sendScimError(res, 501, undefined, 'Search at the root is not supported; POST to /Users/.search or /Groups/.search.'));
  router.use(scimmy);
  const afterScimmy: ErrorRequestHandler = (error, req, res, _next) => {
    if (!(error instanceof SCIMMY.Types.Error)) deps.logger.error({ err: error, requestId: req.id }, 'SCIM request failed');
    if (res.headersSent) return;
    sendScimError(res, 500, undefined, internalErrorDetail(req.id));
  };
  router.use(afterScimmy);

  const hotPath = scimHotPath({ server, basePath: SCIM_BASE_PATH, buckets, readBody, accessLogger: deps.accessLogger, securityHeaders: deps.securityHeaders, trustProxy: deps.trustProxy });
  return { router, hotPath };
}
