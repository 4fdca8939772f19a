import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../lib/logger.js';
import type { HttpMetrics, ResponseStatus } from './metrics.js';
import { routeLabelOf } from './routeLabel.js';

/**
 * The logger of access lines. They hold only the method, the path, the status and the time, so they skip the
 * redaction every other line goes through (two thirds of a line's cost, measured: 15 µs → 5 µs).
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: { paths: [] } });
}

/** The access log line of one finished request. Only the path is logged: query strings can carry tokens. */
export function logRequest(logger: Logger, method: string, path: string, status: number, startedNs: bigint): void {
  const ms = Number(process.hrtime.bigint() - startedNs) / 1e6;
  logger[status >= 500 ? 'error' : 'info']({ method, path, status, ms: Math.round(ms * 10) / 10 }, 'request');
}

/** The path of a request target, without its query string (which can carry tokens). */
export function pathOf(target: string): string {
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** Seconds since `startedNs` (a process.hrtime.bigint()). */
export function secondsSince(startedNs: bigint): number {
  return Number(process.hrtime.bigint() - startedNs) / 1e9;
}

/** At 'close': the status the answer was sent with, or `aborted` when the connection closed before it was. */
export function finalStatus(res: ServerResponse): ResponseStatus {
  return res.writableFinished ? res.statusCode : 'aborted';
}

/**
 * One line per request, and the request's metrics once its connection is done with it ('close': answered or
 * abandoned), labelled with its route pattern. `handledPrefixes`: paths that Express's routes do not serve (routeLabel.ts).
 */
export function accessLog(logger: Logger, metrics?: HttpMetrics, handledPrefixes: readonly string[] = []): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // originalUrl: a router mounted under a path (SCIM at /scim/v2) rewrites req.url to the rest of the path while
    // it answers, and 'finish' can come before it restores it.
    res.on('finish', () => logRequest(logger, req.method, pathOf(req.originalUrl), res.statusCode, started));
    if (metrics) res.on('close', () => metrics.request(req.method, routeLabelOf(req, handledPrefixes), finalStatus(res), secondsSince(started)));
    next();
  };
}
