import type { IncomingMessage, ServerResponse } from 'node:http';
import { SCIM_CONTENT_TYPE } from './middleware/sendError.js';

interface Body {
  meta?: { version?: unknown; location?: unknown };
}

const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;

/** Whether the client's copy (If-None-Match) is `etag` (weak comparison, RFC 7232 §3.2), as Express's `fresh` decides. */
function clientHas(req: IncomingMessage, etag: string): boolean {
  const noneMatch = req.headers['if-none-match'];
  if (!noneMatch || NO_CACHE.test(req.headers['cache-control'] ?? '')) return false;
  if (noneMatch.trim() === '*') return true;
  return noneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === etag || `W/${t}` === etag || t === `W/${etag}`;
  });
}

/**
 * Writes a SCIM JSON answer with the status already set on `res`. A single resource carries its version as an ETag
 * (RFC 7644 §3.14), a created one its Location (§3.3), and a GET whose If-None-Match names the version answers 304.
 * Every SCIM JSON answer goes through here, with scimmy-routers (its res.json) or without (hotPath.ts).
 */
export function sendScimJson(req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const resource = body as Body | undefined;
  const version = resource && typeof resource === 'object' && !('Resources' in resource) ? resource.meta?.version : undefined;
  if (typeof version === 'string') {
    res.setHeader('ETag', version);
    if (res.statusCode === 201 && typeof resource?.meta?.location === 'string') res.setHeader('Location', resource.meta.location);
    if ((req.method === 'GET' || req.method === 'HEAD') && res.statusCode === 200 && clientHas(req, version)) {
      res.statusCode = 304;
      res.end();
      return;
    }
  }
  const json = JSON.stringify(body) ?? '';
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
