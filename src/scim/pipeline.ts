import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import proxyaddr from 'proxy-addr';
import { finalStatus, logRequest, secondsSince } from '../http/accessLog.js';
import type { HttpMetrics } from '../http/metrics.js';
import { requestIdFrom } from '../http/requestId.js';
import { setFixedHeaders } from '../http/securityHeaders.js';
import type { ScimTokenGrant } from '../identity/principal.js';
import type { Services } from '../identity/services.js';
import type { Logger } from '../lib/logger.js';
import { answeredErrorOf } from './answeredError.js';
import type { RawParams } from './listQuery.js';
import { checkBearer, isRefusal } from './middleware/authenticate.js';
import type { BodyReader } from './middleware/body.js';
import { normaliseScimBody } from './middleware/normaliseBodies.js';
import { checkScimQuery } from './middleware/query.js';
import { tooManyRequests, type TokenBuckets } from './middleware/rateLimit.js';
import { sendScimError } from './middleware/sendError.js';
import type { ScimRoute } from './routeLabel.js';

/** A SCIM request as the steps see it (node:http's request and response: no framework). */
export interface ScimExchange {
  req: ScimIncoming;
  res: ServerResponse;
  /** The whole path, without the query string: /scim/v2/Users/… */
  path: string;
  /** The path under the SCIM base: /Users/… */
  resourcePath: string;
  /** The query string, without "?". */
  search: string;
  requestId: string;
  startedNs: bigint;
}

/** What the steps leave on the request for the handlers (scimmy-routers reads `body`; the others are ours). */
export type ScimIncoming = IncomingMessage & {
  body?: unknown;
  /** The request id (Express's `req.id`, which the general path's handlers read). */
  id?: string;
  scimGrant?: ScimTokenGrant;
  /** The client's address, through the proxies the configuration trusts. */
  scimIp?: string;
  scimQuery?: RawParams;
};

/** One step of every SCIM request: true when the request goes on, false when the step has answered it. */
export interface ScimStep {
  readonly name: string;
  run(exchange: ScimExchange): boolean | Promise<boolean>;
}

export interface PipelineDeps {
  services: Services;
  buckets: TokenBuckets;
  readBody: BodyReader;
  accessLogger: Logger;
  /** The security headers every other response gets (fixedHeadersOf the app's helmet). */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
  /** Express's compiled `trust proxy`: which hops' X-Forwarded-For to believe for the client address. */
  trustProxy: (address: string, hop: number) => boolean;
  /** Where each request is counted, and how its route is named there (routeLabel.ts). */
  metrics: HttpMetrics;
  routeOf: (resourcePath: string) => ScimRoute;
}

/**
 * Every SCIM request, whichever handler answers it (the hot path's or scimmy-routers'), runs these steps in this
 * order, declared once here: a step added later cannot skip the busiest routes. Errors of the handler are mapped to
 * SCIM errors by toScimError on both paths (errors.ts).
 */
export function scimSteps(deps: PipelineDeps): readonly ScimStep[] {
  return [
    {
      name: 'request id and security headers',
      run({ req, res, requestId }) {
        req.id = requestId;
        res.setHeader('X-Request-Id', requestId);
        setFixedHeaders(res, deps.securityHeaders);
        return true;
      },
    },
    {
      name: 'access log',
      run({ req, res, path, startedNs }) {
        res.on('finish', () => logRequest(deps.accessLogger, req.method ?? '', path, res.statusCode, startedNs));
        return true;
      },
    },
    {
      // Once the connection is done with the request ('close': answered or abandoned), by route pattern, never path.
      name: 'metrics',
      run({ req, res, resourcePath, startedNs }) {
        res.on('close', () => {
          const { route, resourceType } = deps.routeOf(resourcePath);
          const status = finalStatus(res);
          deps.metrics.request(req.method, route, status, secondsSince(startedNs));
          // Counted under the token's directory (by name: configuration); a request refused before it is `none`.
          deps.metrics.scimRequest(req.scimGrant?.directoryName ?? 'none', resourceType, req.method, status);
        });
        return true;
      },
    },
    {
      // Per directory, what its IdP asked and how it was answered (its provisioning health): counted in memory once
      // the answer is sent; an error with the scimType and detail it carried, and its path with the names of the
      // query's parameters, never their values (a filter holds a userName). A request refused before authentication
      // names no directory and is not counted.
      name: 'provisioning health',
      run({ req, res, path, search }) {
        res.on('finish', () => {
          const grant = req.scimGrant;
          if (!grant) return;
          const status = res.statusCode;
          const error = status >= 400 ? answeredErrorOf(res) : undefined;
          deps.services.provisioningHealth.record({
            directoryId: grant.directoryId,
            method: req.method ?? '',
            path: status >= 400 && search ? `${path}?${queryNames(search)}` : path,
            status,
            scimType: error?.scimType,
            detail: error?.detail,
          });
        });
        return true;
      },
    },
    {
      // Before anything reads the body: an unauthenticated 5 MB body answers 401, not 413.
      name: 'authenticate',
      async run({ req, res }) {
        const bearer = await checkBearer(deps.services, req.headers.authorization);
        if (isRefusal(bearer)) {
          sendScimError(res, 401, undefined, bearer.detail, { 'WWW-Authenticate': bearer.challenge });
          return false;
        }
        req.scimGrant = bearer;
        req.scimIp = proxyaddr(req, deps.trustProxy);
        return true;
      },
    },
    {
      name: 'rate limit',
      run({ req, res }) {
        const retryAfter = deps.buckets.take(req.scimGrant!.tokenId);
        if (retryAfter === undefined) return true;
        const { detail, headers } = tooManyRequests(deps.buckets, retryAfter);
        sendScimError(res, 429, undefined, detail, headers);
        return false;
      },
    },
    {
      // Ids are UUIDs: one that holds a control character (a NUL in /Users/a%00b) names nothing, on either database.
      name: 'resource path',
      run({ res, resourcePath }) {
        for (const segment of resourcePath.split('/')) {
          let decoded: string;
          try {
            decoded = decodeURIComponent(segment);
          } catch {
            decoded = '\u0000';
          }
          if (decoded.length > 255 || /\p{Cc}/u.test(decoded)) {
            sendScimError(res, 404, undefined, 'No resource has that id: ids are at most 255 characters and hold no control characters.');
            return false;
          }
        }
        return true;
      },
    },
    {
      name: 'query',
      run({ req, res, search }) {
        const checked = checkScimQuery(parseQuery(search));
        if ('problem' in checked) {
          sendScimError(res, 400, 'invalidValue', checked.problem);
          return false;
        }
        req.scimQuery = checked.query;
        return true;
      },
    },
    { name: 'body', run: ({ req, res, resourcePath }) => deps.readBody(req, res, resourcePath) },
    {
      // The Entra and Okta request shapes, made standard before any handler sees them (patch/normalise.ts).
      name: 'normalise',
      run({ req, resourcePath }) {
        req.body = normaliseScimBody(req.method ?? '', resourcePath, req.body);
        return true;
      },
    },
  ];
}

/** The names of a query string's parameters, without their values: `filter&startIndex`. */
export function queryNames(search: string): string {
  const names = new Set<string>();
  for (const pair of search.split('&')) {
    const mark = pair.indexOf('=');
    const raw = mark === -1 ? pair : pair.slice(0, mark);
    let name: string;
    try {
      name = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      name = raw;
    }
    if (name) names.add(name.slice(0, 40));
    if (names.size >= 10) break;
  }
  return [...names].map((name) => encodeURIComponent(name)).join('&');
}

/** Runs the steps in order; false as soon as one has answered. */
export async function runSteps(steps: readonly ScimStep[], exchange: ScimExchange): Promise<boolean> {
  for (const step of steps) if (!(await step.run(exchange))) return false;
  return true;
}

/** The exchange of a request whose path is under `basePath` (any case: Express routes ignore it), else undefined. */
export function scimExchange(req: IncomingMessage, res: ServerResponse, basePath: string): ScimExchange | undefined {
  const url = req.url ?? '';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const head = path.slice(0, basePath.length);
  if (head.toLowerCase() !== basePath.toLowerCase() || (path.length > basePath.length && path[basePath.length] !== '/')) return undefined;
  return {
    req,
    res,
    path,
    resourcePath: path.slice(basePath.length) || '/',
    search: mark === -1 ? '' : url.slice(mark + 1),
    requestId: requestIdFrom(req.headers['x-request-id']),
    startedNs: process.hrtime.bigint(),
  };
}
