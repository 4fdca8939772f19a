import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { inspectJsonText } from '../../lib/jsonText.js';
import type { ScimType } from '../problem.js';
import { sendScimError } from './sendError.js';

const JSON_TYPES = ['application/scim+json', 'application/json'];

/** How deep a SCIM body's arrays and objects may nest: a PatchOp with a complex value is about 6 levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * The largest body of any SCIM request but a group's (a user, a user's PATCH, a search): a user with every attribute
 * and a PATCH with the most operations allowed are a few tens of kilobytes. Only a group's members need more
 * (SCIM_MAX_BODY_BYTES). Parsing stays short: JSON.parse holds the event loop about 10 ms per megabyte.
 */
export const MAX_OTHER_BODY_BYTES = 1024 * 1024;

/** Bodies larger than this are read in several turns of the event loop. */
const YIELD_ABOVE_BYTES = 256 * 1024;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads a SCIM request's body into `req.body`, with or without Express (it uses only what node:http gives): true
 * when the request may go on, false when the reader has answered it (415, 413, 400). `resourcePath` (/Users/…,
 * /Groups/…) decides the size limit.
 */
export type BodyReader = (req: IncomingMessage & { body?: unknown }, res: ServerResponse, resourcePath: string) => Promise<boolean>;

type Refusal = { status: number; scimType?: ScimType; detail: string };

function mediaType(contentType: string | undefined): { type: string; charset: string | undefined } {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const charset = parameters.map((p) => p.trim().split('=')).find(([name]) => name?.trim().toLowerCase() === 'charset')?.[1];
  return { type: type.trim().toLowerCase(), charset: charset?.trim().replace(/^"|"$/g, '').toLowerCase() };
}

/** The decoder of a Content-Encoding (undefined: none needed; null: one we do not speak). */
function decoderOf(encoding: string): Transform | undefined | null {
  switch (encoding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/** The body's bytes, decoded, at most `max` of them once decoded (a small compressed body can expand enormously). */
function readBytes(req: IncomingMessage, max: number, advice: string): Promise<Buffer | Refusal> {
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  const decoder = decoderOf(encoding);
  if (decoder === null) return Promise.resolve({ status: 415, detail: `The Content-Encoding ${JSON.stringify(encoding)} is not supported; send the body as is, or gzip, deflate or br.` });
  const source: Readable = decoder ? req.pipe(decoder) : req;
  const tooLarge: Refusal = { status: 413, scimType: 'tooMany', detail: `The request body is larger than ${max} bytes${decoder ? ' once decoded' : ''}; ${advice}.` };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: Buffer | Refusal) => {
      if (settled) return;
      settled = true;
      if (!(result instanceof Buffer)) {
        source.removeAllListeners('data');
        source.resume();
        if (decoder) req.unpipe(decoder);
        req.resume();
      }
      resolve(result);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) finish(tooLarge);
      else chunks.push(chunk);
    });
    source.on('end', () => finish(Buffer.concat(chunks)));
    source.on('error', () => finish(decoder ? { status: 400, scimType: 'invalidSyntax', detail: `The request body does not decode as its Content-Encoding (${encoding}) says.` } : { status: 400, scimType: 'invalidSyntax', detail: 'The request body could not be read.' }));
    req.on('aborted', () => finish({ status: 400, scimType: 'invalidSyntax', detail: 'The request body was cut off.' }));
  });
}

/**
 * Reads request bodies as SCIM requires: only `application/scim+json` (or `application/json`) in UTF-8 is accepted
 * (anything else answers 415); gzip, deflate and br bodies are decoded (one that does not decode answers 400); a body
 * over the limit, before or after decoding, answers 413; a body nested deeper than MAX_JSON_DEPTH, one holding a NUL
 * character, malformed JSON or a bare scalar answer 400. Each answer is a SCIM error saying which.
 */
export function scimBodyReader(maxGroupBodyBytes: number): BodyReader {
  const refuse = (res: ServerResponse, refusal: Refusal) => {
    sendScimError(res, refusal.status, refusal.scimType, refusal.detail);
    return false;
  };
  const otherBodyBytes = Math.min(maxGroupBodyBytes, MAX_OTHER_BODY_BYTES);
  return async (req, res, resourcePath) => {
    if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return true;
    const group = /^\/groups(\/|$)/i.test(resourcePath);
    const maxBodyBytes = group ? maxGroupBodyBytes : otherBodyBytes;
    const advice = group ? 'send fewer members per request' : "only a group's body may be larger";
    const length = Number(req.headers['content-length'] ?? 'NaN');
    const hasBody = req.headers['transfer-encoding'] !== undefined || (Number.isFinite(length) && length > 0);
    const { type, charset } = mediaType(req.headers['content-type']);
    const isJson = JSON_TYPES.includes(type);
    if (hasBody && !isJson) return refuse(res, { status: 415, detail: `Send the body as application/scim+json (got ${JSON.stringify(req.headers['content-type'] ?? 'no content type')}).` });
    if (isJson && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return refuse(res, { status: 415, detail: `Send the body in UTF-8 (got charset ${JSON.stringify(charset)}).` });
    if (Number.isFinite(length) && length > maxBodyBytes) return refuse(res, { status: 413, scimType: 'tooMany', detail: `The request body is larger than ${maxBodyBytes} bytes; ${advice}.` });
    if (!isJson) return true;
    const bytes = await readBytes(req, maxBodyBytes, advice);
    if (!Buffer.isBuffer(bytes)) return refuse(res, bytes as Refusal);
    if (bytes.length === 0) {
      req.body = {};
      return true;
    }
    // A large body is decoded, inspected and parsed in separate turns of the event loop, so that other requests
    // (a health check, another client) are answered between them rather than after all three.
    const large = bytes.length > YIELD_ABOVE_BYTES;
    if (large) await nextTurn();
    const text = bytes.toString('utf8');
    if (large) await nextTurn();
    const problem = inspectJsonText(text, MAX_JSON_DEPTH);
    if (problem?.problem === 'too_deep') return refuse(res, { status: 400, scimType: 'invalidSyntax', detail: `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.` });
    if (large) await nextTurn();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return refuse(res, { status: 400, scimType: 'invalidSyntax', detail: 'The request body is not valid JSON.' });
    }
    if (parsed === null || typeof parsed !== 'object') return refuse(res, { status: 400, scimType: 'invalidSyntax', detail: 'The request body must be a JSON object.' });
    if (problem?.problem === 'nul') return refuse(res, { status: 400, scimType: 'invalidValue', detail: 'The request body holds a NUL character (\\u0000) in a string; no attribute may contain one.' });
    req.body = parsed;
    return true;
  };
}
