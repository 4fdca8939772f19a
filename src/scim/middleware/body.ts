import express, { type RequestHandler } from 'express';
import { sendScimError } from './sendError.js';

const JSON_TYPES = ['application/scim+json', 'application/json'];

interface ParserError {
  type?: string;
  status?: number;
}

/**
 * Reads request bodies as SCIM requires: only `application/scim+json` (or `application/json`) is accepted (anything
 * else answers 415), malformed JSON answers 400 invalidSyntax, and a body over the limit 413 with a SCIM error.
 * scimmy-routers' own parser then finds the body read and leaves it.
 */
export function parseScimBody(maxBodyBytes: number): RequestHandler {
  const parse = express.json({ type: JSON_TYPES, limit: maxBodyBytes, strict: true });
  return (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
    const length = Number(req.get('content-length') ?? 'NaN');
    const hasBody = req.get('transfer-encoding') !== undefined || (Number.isFinite(length) && length > 0);
    if (hasBody && !req.is(JSON_TYPES)) {
      return sendScimError(res, 415, undefined, `Send the body as application/scim+json (got ${JSON.stringify(req.get('content-type') ?? 'no content type')}).`);
    }
    if (Number.isFinite(length) && length > maxBodyBytes) {
      return sendScimError(res, 413, 'tooMany', `The request body is larger than ${maxBodyBytes} bytes; send fewer members per request.`);
    }
    parse(req, res, (error?: unknown) => {
      if (!error) return next();
      const parser = error as ParserError;
      if (parser.type === 'entity.parse.failed') return sendScimError(res, 400, 'invalidSyntax', 'The request body is not valid JSON.');
      if (parser.type === 'entity.too.large') return sendScimError(res, 413, 'tooMany', `The request body is larger than ${maxBodyBytes} bytes; send fewer members per request.`);
      if (parser.status === 415) return sendScimError(res, 415, undefined, 'The request body uses an unsupported charset or encoding; send UTF-8 JSON.');
      next(error);
    });
  };
}
