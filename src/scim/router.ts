import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';
import type { Settings } from '../config/schema.js';
import type { Services } from '../identity/services.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { NO_HTTP_METRICS, type HttpMetrics } from '../http/metrics.js';
import { requestContext } from '../lib/requestContext.js';
import { scimRequestContext, type ScimOptions, type ScimRequestContext, type ScimServerContext } from './context.js';
import { DEFAULT_FILTER_LIMITS } from './filter/parseFilter.js';
import { internalErrorDetail, toScimError } from './errors.js';
import type { ScimType } from './problem.js';
import { answerHotRoute, hotRoute } from './hotPath.js';
import { scimBodyReader } from './middleware/body.js';
import { tokenBuckets } from './middleware/rateLimit.js';
import { scimResponseHeaders } from './middleware/responseHeaders.js';
import { sendScimError } from './middleware/sendError.js';
import { runSteps, scimExchange, scimSteps, type PipelineDeps, type ScimExchange, type ScimIncoming, type ScimStep } from './pipeline.js';
import { declareResources } from './registry.js';
import { scimRouteLabels } from './routeLabel.js';
import { schemaDocuments } from './schemaDocuments.js';
import { serviceProviderConfig } from './serviceProviderConfig.js';

/** Where the SCIM server answers. */
export const SCIM_BASE_PATH = '/scim/v2';

export interface ScimServerDeps {
  services: Services;
  clock: Clock;
  logger: Logger;
  settings: Settings;
  accessLogger: Logger;
  securityHeaders: PipelineDeps['securityHeaders'];
  trustProxy: PipelineDeps['trustProxy'];
  /** Where each request is counted; none when absent. */
  metrics?: HttpMetrics;
}

/** The SCIM server: `handle` answers every request under SCIM_BASE_PATH (and says false for any other). */
export interface ScimServer {
  handle: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The steps every SCIM request runs, in order (for the tests that hold both paths to them). */
  steps: readonly ScimStep[];
}

export function scimOptions(settings: Settings): ScimOptions {
  const { maxResults, maxBodyBytes, rateLimitPerSecond, rateLimitBurst } = settings.scim;
  return { maxResults, maxBodyBytes, rateLimitPerSecond, rateLimitBurst, filterLimits: DEFAULT_FILTER_LIMITS };
}

/** The context of an exchange that has passed the steps (authenticated, its query and body read). */
function contextOf(server: ScimServerContext, req: ScimIncoming): ScimRequestContext {
  return scimRequestContext(server, req.scimGrant!, { ip: req.scimIp, requestId: req.id!, ifMatch: req.headers['if-match'] });
}

/**
 * scimmy-routers with idbridge's resource types, for every request the hot path does not answer. It runs after the
 * pipeline's steps: it only routes, validates PatchOps and hands our resources the request's context.
 */
function scimmyApp(server: ScimServerContext, logger: Logger, publicUrl: string): express.Express {
  const scimmy = new SCIMMYRouters({
    type: 'bearer',
    // Authentication already happened (the pipeline's step): scimmy's own 401 has no WWW-Authenticate header.
    handler: (req) => (req as ScimIncoming).scimGrant?.tokenId ?? '',
    context: (req: Request) => ((req as Request & { scimContext?: ScimRequestContext }).scimContext ??= contextOf(server, req as ScimIncoming)),
    baseUri: () => publicUrl,
  });
  // The router forces bulk on and appends an authentication scheme per instance; say what is true instead.
  SCIMMY.Config.set({ authenticationSchemes: [] });
  SCIMMY.Config.set({ patch: true, sort: true, etag: true, changePassword: false, filter: { supported: true, maxResults: server.options.maxResults }, bulk: { supported: false } });

  const router = Router();
  router.use((req, _res, next) => {
    // Express 5 makes `req.query` a getter that parses the URL again on every read, so scimmy-routers' cast of
    // startIndex and count to numbers would be lost (scimmy-routers #36): it is the query the pipeline checked.
    Object.defineProperty(req, 'query', { value: (req as ScimIncoming).scimQuery ?? {}, writable: true, configurable: true, enumerable: true });
    next();
  });
  router.use(scimResponseHeaders);
  router.get('/ServiceProviderConfig', serviceProviderConfig(server.options, server.baseUrl));
  router.get(['/Schemas', '/Schemas/:id'], schemaDocuments(server.baseUrl));
  // scimmy reads every resource type with default paging and merges the pages: totals would be wrong.
  router.post('/.search', (_req, res) => sendScimError(res, 501, undefined, 'Search at the root is not supported; POST to /Users/.search or /Groups/.search.'));
  router.use(scimmy);
  router.use((req, res) => sendScimError(res, 404, undefined, `There is no SCIM endpoint ${req.method} ${SCIM_BASE_PATH}${req.path}.`));
  const afterScimmy: ErrorRequestHandler = (error, req, res, _next) => {
    if (!(error instanceof SCIMMY.Types.Error)) logger.error({ err: error, requestId: req.id }, 'SCIM request failed');
    if (res.headersSent) return;
    sendScimError(res, 500, undefined, internalErrorDetail(req.id));
  };
  router.use(afterScimmy);
  const app = express();
  app.disable('x-powered-by');
  app.use(SCIM_BASE_PATH, router);
  return app;
}

/**
 * The SCIM 2.0 server. Every request under /scim/v2 runs the steps of pipeline.ts (request id and headers, access
 * log, bearer authentication, the per-token rate limit, the query and body checks, the Entra/Okta normaliser), then
 * the hot path's handler for the busiest canonical URLs, or scimmy-routers for everything else.
 */
export function scimServer(deps: ScimServerDeps): ScimServer {
  declareResources();
  const options = scimOptions(deps.settings);
  const server: ScimServerContext = { services: deps.services, logger: deps.logger, options, baseUrl: `${deps.settings.server.publicUrl}${SCIM_BASE_PATH}` };
  const steps = scimSteps({
    services: deps.services,
    buckets: tokenBuckets({ perSecond: options.rateLimitPerSecond, burst: options.rateLimitBurst, clock: deps.clock }),
    readBody: scimBodyReader(options.maxBodyBytes),
    accessLogger: deps.accessLogger,
    securityHeaders: deps.securityHeaders,
    trustProxy: deps.trustProxy,
    metrics: deps.metrics ?? NO_HTTP_METRICS,
    routeOf: scimRouteLabels(SCIM_BASE_PATH),
  });
  const general = scimmyApp(server, deps.logger, deps.settings.server.publicUrl);

  const serve = async (exchange: ScimExchange): Promise<void> => {
    if (!(await runSteps(steps, exchange))) return;
    const route = hotRoute(exchange.req.method, exchange.resourcePath);
    if (route) return answerHotRoute(route, contextOf(server, exchange.req), exchange);
    general(exchange.req as Request, exchange.res as express.Response);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const exchange = scimExchange(req, res, SCIM_BASE_PATH);
    if (!exchange) return false;
    requestContext.run({ requestId: exchange.requestId }, () => {
      serve(exchange).catch((error: unknown) => {
        // A step's refusal (a ScimProblem) or anything unexpected (logged, a 500 that says nothing more).
        const scimError = toScimError(error, { logger: deps.logger, requestId: exchange.requestId });
        if (!res.headersSent) sendScimError(res, scimError.status ?? 500, (scimError.scimType || undefined) as ScimType | undefined, scimError.message);
      });
    });
    return true;
  };
  return { handle, steps };
}
