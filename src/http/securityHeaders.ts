import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** The security headers of every response (helmet), for a server whose public URL is `https` or not. */
export function securityHeaders(https: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'frame-ancestors': ["'none'"],
        // No form-action: signing in ends in redirects to portals and IdPs on other origins, which it would block.
        'form-action': null,
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https,
  });
}

/**
 * The headers `middleware` sets, read once by running it against a response that only records them: for routes
 * served without Express (scim/hotPath.ts), which then send exactly what every other response carries. The
 * middleware must set the same headers whatever the request (helmet does, without a CSP nonce).
 */
export function fixedHeadersOf(middleware: RequestHandler): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  let passed = false;
  middleware({ headers: {} } as unknown as Parameters<RequestHandler>[0], response as unknown as Parameters<RequestHandler>[1], () => (passed = true));
  if (!passed) throw new Error('the security headers middleware did not pass the request on synchronously');
  return [...headers];
}

/** Sets headers read by fixedHeadersOf on a response. */
export function setFixedHeaders(res: ServerResponse<IncomingMessage>, headers: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}
