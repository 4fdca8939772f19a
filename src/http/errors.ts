import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDomainError, type ErrorKind } from '../identity/errors.js';
import type { Logger } from '../lib/logger.js';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  not_found: 404,
  conflict: 409,
  invalid: 400,
  forbidden: 403,
  precondition_failed: 412,
  unauthenticated: 401,
  too_many: 429,
  gone: 410,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId?: string };
}

/** Errors thrown by body parsers carry a `type` and a status. */
interface ParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/**
 * The JSON form of any error: domain errors keep their code and message; malformed bodies say so; anything else
 * is a 500 with the request id and no detail (the detail goes to the log).
 */
export function toErrorResponse(error: unknown, requestId: string, logger: Logger): { status: number; body: ErrorBody } {
  if (isDomainError(error)) {
    return { status: STATUS_BY_KIND[error.kind], body: { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } } };
  }
  const parser = error as ParserError;
  if (parser?.type === 'entity.parse.failed') return { status: 400, body: { error: { code: 'request.malformed_json', message: 'The request body is not valid JSON.' } } };
  if (parser?.type === 'entity.too.large') return { status: 413, body: { error: { code: 'request.too_large', message: 'The request body is too large.' } } };
  const status = parser?.status ?? parser?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: { code: 'request.invalid', message: 'The request could not be understood.' } } };
  }
  logger.error({ err: error, requestId }, 'unhandled error');
  return { status: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side. Quote the request id when reporting it.', requestId } } };
}

export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, body } = toErrorResponse(error, req.id, logger);
    res.status(status).json(body);
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'route.not_found', message: `Nothing here: ${req.method} ${req.path}` } });
};
