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

/** Gives each request an id (a well-formed X-Request-Id from a proxy is kept) and runs it in a logging context. */
export const requestId: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  req.id = incoming && ACCEPTABLE.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', req.id);
  requestContext.run({ requestId: req.id }, next);
};
