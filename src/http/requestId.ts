import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { requestContext } from '../lib/requestContext.js';

const ACCEPTABLE = /^[A-Za-z0-9._-]{8,64}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** Set on every request; logged on every line and returned as X-Request-Id. */
    id: string;
  }
}

/** The id of a request: a well-formed X-Request-Id from a proxy is kept, otherwise a new one. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
}

/** Gives each request an id (returned as X-Request-Id) and runs it in a logging context. */
export const requestId: RequestHandler = (req, res, next) => {
  req.id = requestIdFrom(req.headers['x-request-id']);
  res.setHeader('X-Request-Id', req.id);
  requestContext.run({ requestId: req.id }, next);
};
