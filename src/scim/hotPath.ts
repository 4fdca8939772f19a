import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import proxyaddr from 'proxy-addr';
import SCIMMY from 'scimmy';
import { logRequest } from '../http/accessLog.js';
import { requestIdFrom } from '../http/requestId.js';
import { setFixedHeaders } from '../http/securityHeaders.js';
import type { Logger } from '../lib/logger.js';
import { requestContext } from '../lib/requestContext.js';
import { scimRequestContext, type ScimRequestContext, type ScimServerContext } from './context.js';
import { internalErrorDetail, toScimError } from './errors.js';
import { readListQuery, readProjection, type RawParams } from './listQuery.js';
import { checkBearer, isRefusal } from './middleware/authenticate.js';
import type { BodyReader } from './middleware/body.js';
import { checkScimQuery } from './middleware/query.js';
import { normaliseResourceBody } from './patch/normalise.js';
import { tooManyRequests, type TokenBuckets } from './middleware/rateLimit.js';
import { sendScimError } from './middleware/sendError.js';
import { sendScimJson } from './response.js';
import { listUsers, readUser } from './users/readUsers.js';
import { createScimUser } from './users/writeUsers.js';

export interface HotPathDeps {
  server: ScimServerContext;
  basePath: string;
  buckets: TokenBuckets;
  readBody: BodyReader;
  accessLogger: Logger;
  /** The security headers every other response gets (fixedHeadersOf the app's helmet). */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
  /** Express's compiled `trust proxy`: which hops' X-Forwarded-For to believe for the client address. */
  trustProxy: (address: string, hop: number) => boolean;
}

type Answer = { status: number; body: unknown };
type Handler = (c: ScimRequestContext, query: RawParams, id: string | undefined, body: unknown) => Promise<Answer>;

const list: Handler = async (c, query) => ({ status: 200, body: await listUsers(c, readListQuery(query, c.options.maxResults)) });
const read: Handler = async (c, query, id) => ({ status: 200, body: await readUser(c, id!, readProjection(query)) });
const create: Handler = async (c, query, _id, body) => ({ status: 201, body: await createScimUser(c, body, readProjection(query)) });

/** An id that needs no decoding and names no sub-endpoint (`/Users/.search`): anything else takes the general path. */
const PLAIN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._~-]{0,127}$/;

/**
 * The requests an IdP sends most, served on node:http before Express: the lookup by userName and the read of a user
 * (on every provisioning event), a page, and a create. They run the same steps as the scimmy-routers pipeline
 * (router.ts) with the same functions — request id, access log, security headers, bearer authentication, the
 * per-token rate limit, the query and body checks, the Entra/Okta normaliser, the resource handler, the SCIM error
 * mapping and sendScimJson — without the routing layers, which cost more CPU than the lookup itself. Only the
 * canonical URLs match (exact case, no trailing slash); every other request answers `false` and goes to Express,
 * which serves these routes too, identically (test/http/scimHotPath.test.ts).
 */
export function scimHotPath(deps: HotPathDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const users = `${deps.basePath}/Users`;
  const routeOf = (method: string | undefined, path: string): { handler: Handler; id?: string } | undefined => {
    if (method === 'GET') {
      if (path === users) return { handler: list };
      if (path.startsWith(`${users}/`)) {
        const id = path.slice(users.length + 1);
        if (PLAIN_ID.test(id)) return { handler: read, id };
      }
    } else if (method === 'POST' && path === users) {
      return { handler: create };
    }
    return undefined;
  };

  const { server, buckets } = deps;
  const serve = async (req: IncomingMessage & { body?: unknown }, res: ServerResponse, handler: Handler, id: string | undefined, search: string, requestId: string) => {
    const bearer = await checkBearer(server.services, req.headers.authorization);
    if (isRefusal(bearer)) return sendScimError(res, 401, undefined, bearer.detail, { 'WWW-Authenticate': bearer.challenge });
    const retryAfter = buckets.take(bearer.tokenId);
    if (retryAfter !== undefined) {
      const { detail, headers } = tooManyRequests(buckets, retryAfter);
      return sendScimError(res, 429, undefined, detail, headers);
    }
    const checked = checkScimQuery(parseQuery(search));
    if ('problem' in checked) return sendScimError(res, 400, 'invalidValue', checked.problem);
    if (!(await deps.readBody(req, res))) return;
    const c = scimRequestContext(server, bearer, { ip: proxyaddr(req, deps.trustProxy), requestId, ifMatch: req.headers['if-match'] });
    try {
      const answer = await handler(c, checked.query, id, normaliseResourceBody(req.body));
      res.statusCode = answer.status;
      sendScimJson(req, res, answer.body);
    } catch (error) {
      const scimError = toScimError(error, c);
      res.statusCode = scimError.status ?? 500;
      sendScimJson(req, res, new SCIMMY.Messages.Error(scimError));
    }
  };

  return (req, res) => {
    const url = req.url ?? '';
    const mark = url.indexOf('?');
    const path = mark === -1 ? url : url.slice(0, mark);
    const route = path.startsWith(users) ? routeOf(req.method, path) : undefined;
    if (!route) return false;
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    setFixedHeaders(res, deps.securityHeaders);
    res.on('finish', () => logRequest(deps.accessLogger, req.method ?? '', path, res.statusCode, started));
    requestContext.run({ requestId }, () => {
      serve(req, res, route.handler, route.id, mark === -1 ? '' : url.slice(mark + 1), requestId).catch((error: unknown) => {
        server.logger.error({ err: error, requestId }, 'SCIM request failed');
        if (!res.headersSent) sendScimError(res, 500, undefined, internalErrorDetail(requestId));
      });
    });
    return true;
  };
}
