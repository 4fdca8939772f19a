import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { sendScimError } from './sendError.js';

const JSON_TYPES = ['application/scim+json', 'application/json'];

interface ParserError {
  type?: string;
  status?: number;
}

/**
 * Reads a SCIM request's body into `req.body`, with or without Express (it uses only what node:http gives): true
 * when the request may go on, false when the reader has answered it (415, 413, malformed JSON).
 */
export type BodyReader = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<boolean>;

function isJsonType(contentType: string | undefined): boolean {
  return JSON_TYPES.includes((contentType ?? '').split(';', 1)[0]!.trim().toLowerCase());
}

/**
 * Reads request bodies as SCIM requires: only `application/scim+json` (or `application/json`) is accepted (anything
 * else answers 415), malformed JSON answers 400 invalidSyntax, and a body over the limit 413 with a SCIM error.
 */
export function scimBodyReader(maxBodyBytes: number): BodyReader {
  const parse = express.json({ type: JSON_TYPES, limit: maxBodyBytes, strict: true });
  const tooLarge = `The request body is larger than ${maxBodyBytes} bytes; send fewer members per request.`;
  const refuse = (res: ServerResponse, status: number, scimType: 'tooMany' | 'invalidSyntax' | undefined, detail: string) => {
    sendScimError(res, status, scimType, detail);
    return false;
  };
  return (req, res) =>
    new Promise((resolve, reject) => {
      if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return resolve(true);
      const length = Number(req.headers['content-length'] ?? 'NaN');
      const hasBody = req.headers['transfer-encoding'] !== undefined || (Number.isFinite(length) && length > 0);
      if (hasBody && !isJsonType(req.headers['content-type'])) {
        return resolve(refuse(res, 415, undefined, `Send the body as application/scim+json (got ${JSON.stringify(req.headers['content-type'] ?? 'no content type')}).`));
      }
      if (Number.isFinite(length) && length > maxBodyBytes) return resolve(refuse(res, 413, 'tooMany', tooLarge));
      parse(req as Parameters<typeof parse>[0], res as Parameters<typeof parse>[1], (error?: unknown) => {
        if (!error) return resolve(true);
        const parser = error as ParserError;
        if (parser.type === 'entity.parse.failed') return resolve(refuse(res, 400, 'invalidSyntax', 'The request body is not valid JSON.'));
        if (parser.type === 'entity.too.large') return resolve(refuse(res, 413, 'tooMany', tooLarge));
        if (parser.status === 415) return resolve(refuse(res, 415, undefined, 'The request body uses an unsupported charset or encoding; send UTF-8 JSON.'));
        reject(error);
      });
    });
}
