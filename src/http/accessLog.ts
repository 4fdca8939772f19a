import type { RequestHandler } from 'express';
import type { Logger } from '../lib/logger.js';

/** The access log line of one finished request. Only the path is logged: query strings can carry tokens. */
export function logRequest(logger: Logger, method: string, path: string, status: number, startedNs: bigint): void {
  const ms = Number(process.hrtime.bigint() - startedNs) / 1e6;
  logger[status >= 500 ? 'error' : 'info']({ method, path, status, ms: Math.round(ms * 10) / 10 }, 'request');
}

/** One line per request. */
export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => logRequest(logger, req.method, req.path, res.statusCode, started));
    next();
  };
}
