/** What Express leaves on a request once a route or a mounted router has answered it. */
export interface RoutedRequest {
  /** Where the request is mounted (the path text the mounts matched): '' at the application's level. */
  baseUrl?: string;
  /** The route that matched, if any: its pattern, relative to `baseUrl`. */
  route?: { path?: unknown } | undefined;
  /** The whole URL as received (Express keeps it while mounts rewrite `url`). */
  originalUrl?: string;
}

/** The label of a request that no route or mount answered. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route of an answered request as the metrics name it: its full pattern (`/api/admin/v1/users/:id`), never the
 * path itself, so that the ids and names in paths never become labels and there are as many labels as routes.
 * `handledPrefixes` are paths served by something other than Express's routes (oidc-provider): `/oidc/*`.
 * Mount paths are lower-case constants and Express matches them in any case, hence the lower-casing of the base.
 */
export function routeLabelOf(req: RoutedRequest, handledPrefixes: readonly string[] = []): string {
  const base = req.baseUrl ? req.baseUrl.toLowerCase() : '';
  const pattern = req.route?.path;
  if (typeof pattern === 'string') return base + pattern || '/';
  if (pattern !== undefined) return `${base}${Array.isArray(pattern) ? pattern.map(String).join('|') : String(pattern)}`;
  // Answered by a mounted middleware (static files, a redirect of a guard): the mount, not what follows it.
  if (base) return `${base}/*`;
  const url = req.originalUrl ?? '';
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  for (const prefix of handledPrefixes) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return `${prefix}/*`;
  }
  return UNMATCHED_ROUTE;
}
