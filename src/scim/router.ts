import { Router, type ErrorRequestHandler, type Request } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import type { Settings } from '../config/schema.js';
import type { DomainContext } from '../identity/context.js';
import { provisioningScope } from '../identity/provisioning/provisionedUsers.js';
import { scimTokenActor } from '../identity/scimTokens.js';
import type { Logger } from '../lib/logger.js';
import type { ScimOptions, ScimRequestContext } from './context.js';
import { DEFAULT_FILTER_LIMITS } from './filter/parseFilter.js';
import { authenticateScim } from './middleware/authenticate.js';
import { parseScimBody } from './middleware/body.js';
import { normaliseScimBodies } from './middleware/normaliseBodies.js';
import { fixScimQuery } from './middleware/query.js';
import { rateLimitScim } from './middleware/rateLimit.js';
import { scimResponseHeaders } from './middleware/responseHeaders.js';
import { sendScimError } from './middleware/sendError.js';
import { declareResources } from './registry.js';
import { serviceProviderConfig } from './serviceProviderConfig.js';

/** Where app.ts mounts the SCIM server. */
export const SCIM_BASE_PATH = '/scim/v2';

export interface ScimRouterDeps {
  ctx: DomainContext;
  logger: Logger;
  settings: Settings;
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
 * Entra ID and Okta (in this order): response headers, bearer authentication, the per-token rate limit, the Express 5
 * query fix, strict body parsing, and the Entra/Okta request normaliser.
 */
export function scimRouter(deps: ScimRouterDeps): Router {
  declareResources();
  const options = scimOptions(deps.settings);
  const baseUrl = `${deps.settings.server.publicUrl}${SCIM_BASE_PATH}`;

  const contextOf = (req: Request): ScimRequestContext => {
    if (req.scimContext) return req.scimContext;
    const principal = req.scimPrincipal!;
    const client = { directoryId: principal.directoryId, organizationId: principal.organizationId };
    req.scimContext = {
      domain: deps.ctx,
      logger: deps.logger,
      options,
      principal,
      client,
      actor: scimTokenActor(principal, { ...(req.ip ? { ip: req.ip } : {}), requestId: req.id }),
      userScope: provisioningScope(client),
      groupScope: { directoryId: principal.directoryId },
      baseUrl,
      ifMatch: req.get('if-match'),
      requestId: req.id,
    };
    return req.scimContext;
  };

  const scimmy = new SCIMMYRouters({
    type: 'bearer',
    // Authentication already happened (authenticateScim): scimmy's own 401 has no WWW-Authenticate header.
    handler: (req) => req.scimPrincipal?.tokenId ?? '',
    context: contextOf,
    baseUri: () => deps.settings.server.publicUrl,
  });
  // The router forces bulk on and appends an authentication scheme per instance; say what is true instead.
  SCIMMY.Config.set({ authenticationSchemes: [] });
  SCIMMY.Config.set({ patch: true, sort: true, etag: true, changePassword: false, filter: { supported: true, maxResults: options.maxResults }, bulk: { supported: false } });

  const router = Router();
  router.use(scimResponseHeaders);
  router.use(authenticateScim(deps.ctx));
  router.use(rateLimitScim({ perSecond: options.rateLimitPerSecond, burst: options.rateLimitBurst, clock: deps.ctx.clock }));
  router.use(fixScimQuery);
  router.use(parseScimBody(options.maxBodyBytes));
  router.use(normaliseScimBodies);
  router.get('/ServiceProviderConfig', serviceProviderConfig(options, baseUrl));
  // scimmy reads every resource type with default paging and merges the pages: totals would be wrong.
  router.post('/.search', (_req, res) => sendScimError(res, 501, undefined, 'Search at the root is not supported; POST to /Users/.search or /Groups/.search.'));
  router.use(scimmy);
  const afterScimmy: ErrorRequestHandler = (error, req, res, _next) => {
    if (!(error instanceof SCIMMY.Types.Error)) deps.logger.error({ err: error, requestId: req.id }, 'SCIM request failed');
    if (res.headersSent) return;
    sendScimError(res, 500, undefined, `Something went wrong on our side. Quote the request id ${req.id} when reporting it.`);
  };
  router.use(afterScimmy);
  return router;
}
