/** A SCIM request as the metrics name it: the route pattern and its resource type. */
export interface ScimRoute {
  /** The full pattern, e.g. /scim/v2/Users/:id; `unmatched` for a path no SCIM endpoint serves. */
  readonly route: string;
  /** Users, Groups, Schemas, ResourceTypes, ServiceProviderConfig, Bulk, Me; `other` for the root and the unknown. */
  readonly resourceType: string;
}

/** The endpoints of scimmy-routers and of the hot path, with what may follow their name. */
const ENDPOINTS = [
  { name: 'Users', ids: true, search: true },
  { name: 'Groups', ids: true, search: true },
  { name: 'Schemas', ids: true, search: false },
  { name: 'ResourceTypes', ids: true, search: false },
  { name: 'ServiceProviderConfig', ids: false, search: false },
  { name: 'Bulk', ids: false, search: false },
  { name: 'Me', ids: false, search: false },
] as const;

interface EndpointRoutes {
  base: ScimRoute;
  search: ScimRoute | undefined;
  id: ScimRoute | undefined;
}

export const UNMATCHED_SCIM_ROUTE: ScimRoute = { route: 'unmatched', resourceType: 'other' };

/**
 * Names the route of a path under the SCIM base (`/Users/2819c223…` → `/scim/v2/Users/:id`): one of a closed set of
 * patterns, never the path itself, so that ids, userNames or anything else a client sends never become a label.
 * Endpoint names match in any case, as Express routes them; the labels are built once.
 */
export function scimRouteLabels(basePath: string): (resourcePath: string) => ScimRoute {
  const byName = new Map<string, EndpointRoutes>();
  for (const { name, ids, search } of ENDPOINTS) {
    const base = `${basePath}/${name}`;
    byName.set(name.toLowerCase(), {
      base: { route: base, resourceType: name },
      search: search ? { route: `${base}/.search`, resourceType: name } : undefined,
      id: ids ? { route: `${base}/:id`, resourceType: name } : undefined,
    });
  }
  const root: ScimRoute = { route: basePath, resourceType: 'other' };
  const rootSearch: ScimRoute = { route: `${basePath}/.search`, resourceType: 'other' };

  return (resourcePath) => {
    // Express ignores one trailing slash.
    const path = resourcePath.length > 1 && resourcePath.endsWith('/') ? resourcePath.slice(0, -1) : resourcePath;
    if (path === '/' || path === '') return root;
    const second = path.indexOf('/', 1);
    const first = second === -1 ? path.slice(1) : path.slice(1, second);
    if (first === '.search' && second === -1) return rootSearch;
    const endpoint = byName.get(first.toLowerCase());
    if (!endpoint) return UNMATCHED_SCIM_ROUTE;
    if (second === -1) return endpoint.base;
    const rest = path.slice(second + 1);
    if (rest === '' || rest.includes('/')) return UNMATCHED_SCIM_ROUTE;
    if (rest === '.search') return endpoint.search ?? UNMATCHED_SCIM_ROUTE;
    return endpoint.id ?? UNMATCHED_SCIM_ROUTE;
  };
}
