import type { ScimTokenGrant, ScimTokenPrincipal } from '../identity/principal.js';
import { scimTokenPrincipal } from '../identity/principal.js';
import type { Services } from '../identity/services.js';
import type { Logger } from '../lib/logger.js';
import type { FilterLimits } from './filter/parseFilter.js';

/** The SCIM settings the adapter works with (from configuration). */
export interface ScimOptions {
  /** The largest page a list answers with; larger `count`s are clamped to it. */
  maxResults: number;
  /** The largest request body accepted, in bytes; larger ones answer 413. */
  maxBodyBytes: number;
  /** Per-token request rate (requests per second) and the burst a token may spend at once. */
  rateLimitPerSecond: number;
  rateLimitBurst: number;
  filterLimits: FilterLimits;
}

/**
 * What every resource handler gets for one request (scimmy passes it as `ctx`): the domain's services, the token
 * calling as a principal (the policy decides what it sees and changes), and the request's conditional headers.
 * Tenancy flows only through here, never through scimmy's globals.
 */
export interface ScimRequestContext {
  services: Services;
  logger: Logger;
  options: ScimOptions;
  principal: ScimTokenPrincipal;
  /** `${PUBLIC_URL}/scim/v2`, the base of every meta.location. */
  baseUrl: string;
  /** The raw If-Match header, when the request has one. */
  ifMatch: string | undefined;
  requestId: string;
}

/** What every request of one SCIM server shares. */
export interface ScimServerContext {
  services: Services;
  logger: Logger;
  options: ScimOptions;
  baseUrl: string;
}

/** The context of one authenticated request. */
export function scimRequestContext(server: ScimServerContext, grant: ScimTokenGrant, request: { ip: string | undefined; requestId: string; ifMatch: string | undefined }): ScimRequestContext {
  return {
    ...server,
    principal: scimTokenPrincipal(grant, { ...(request.ip ? { ip: request.ip } : {}), requestId: request.requestId }),
    ifMatch: request.ifMatch,
    requestId: request.requestId,
  };
}
