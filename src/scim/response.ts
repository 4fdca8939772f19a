import type { IncomingMessage, ServerResponse } from 'node:http';
import { noteAnsweredError } from './answeredError.js';
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
  if (res.statusCode >= 400) noteAnsweredError(res, body);
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
  res.setHeader('Content-Type', SCIM_CONTENT_TYPE);
  const large = largeList(body);
  if (large) {
    void streamJson(res, body as Record<string, unknown>, large);
    return;
  }
  const json = JSON.stringify(body) ?? '';
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** A top-level list longer than this (a big group's members, in practice) is written a slice at a time. */
const STREAM_ABOVE = 10_000;
/** Entries serialised in one turn of the event loop (about 5 ms of CPU for a group's members). */
const SLICE = 5_000;

/** The key of a top-level list too long to serialise in one go, if the body has one. */
function largeList(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  // A plain loop: this runs for every answer, and Object.entries would copy each one's keys and values.
  for (const key in body) {
    const value = (body as Record<string, unknown>)[key];
    if (Array.isArray(value) && value.length > STREAM_ABOVE) return key;
  }
  return undefined;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes `body` with its list under `key` serialised a slice at a time, letting other requests run between slices:
 * a group of 50,000 members is 5 MB of JSON, and serialising it whole would hold every other request for tens of
 * milliseconds. The text is the one JSON.stringify would write (keys in their order). Honours backpressure, and stops
 * if the client goes away.
 */
async function streamJson(res: ServerResponse, body: Record<string, unknown>, key: string): Promise<void> {
  const items = body[key] as unknown[];
  // The body with the list empty, split where the list goes: `"key":[]` cannot occur earlier in the text, since
  // quotes inside strings are escaped.
  const shell = JSON.stringify({ ...body, [key]: [] });
  const marker = `${JSON.stringify(key)}:[]`;
  const at = shell.indexOf(marker) + marker.length - 1;
  let closed = false;
  res.on('close', () => (closed = true));
  const write = async (text: string) => {
    if (!res.write(text)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve));
  };
  try {
    await write(shell.slice(0, at));
    for (let start = 0; start < items.length && !closed; start += SLICE) {
      await nextTurn();
      const slice = JSON.stringify(items.slice(start, start + SLICE)).slice(1, -1);
      await write(start === 0 ? slice : `,${slice}`);
    }
    res.end(shell.slice(at));
  } catch {
    res.destroy();
  }
}
