import type { RequestHandler } from 'express';

interface Body {
  meta?: { version?: unknown; location?: unknown };
  Resources?: unknown;
}

/**
 * Single resources carry their version as an ETag header (RFC 7644 §3.14), and a created one its Location (§3.3).
 * scimmy-routers sends what our resource handlers return through res.send → res.json, wrapped here.
 */
export const scimResponseHeaders: RequestHandler = (_req, res, next) => {
  const json = res.json.bind(res);
  res.json = (body?: unknown) => {
    const resource = body as Body | undefined;
    if (resource && typeof resource === 'object' && !('Resources' in resource) && typeof resource.meta?.version === 'string') {
      res.setHeader('ETag', resource.meta.version);
      if (res.statusCode === 201 && typeof resource.meta.location === 'string') res.setHeader('Location', resource.meta.location);
    }
    return json(body);
  };
  next();
};
