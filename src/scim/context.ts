import type { Actor } from '../identity/actor.js';
import type { DomainContext } from '../identity/context.js';
import type { GroupScope } from '../identity/groups.js';
import { provisioningScope, type ProvisioningClient } from '../identity/provisioning/provisionedUsers.js';
import type { UserScope } from '../identity/scope.js';
import { scimTokenActor, type ScimPrincipal } from '../identity/scimTokens.js';
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
 * What every resource handler gets for one request (scimmy passes it as `ctx`): the domain, who is calling and what it
 * may see, and the request's conditional headers. Tenancy flows only through here, never through scimmy's globals.
 */
export interface ScimRequestContext {
  domain: DomainContext;
  logger: Logger;
  options: ScimOptions;
  principal: ScimPrincipal;
  client: ProvisioningClient;
  actor: Actor;
  userScope: UserScope;
  groupScope: GroupScope;
  /** `${PUBLIC_URL}/scim/v2`, the base of every meta.location. */
  baseUrl: string;
  /** The raw If-Match header, when the request has one. */
  ifMatch: string | undefined;
  requestId: string;
}

/** What every request of one SCIM server shares. */
export interface ScimServerContext {
  domain: DomainContext;
  logger: Logger;
  options: ScimOptions;
  baseUrl: string;
}

/** The context of one authenticated request. */
export function scimRequestContext(server: ScimServerContext, principal: ScimPrincipal, request: { ip: string | undefined; requestId: string; ifMatch: string | undefined }): ScimRequestContext {
  const client: ProvisioningClient = {
    directoryId: principal.directoryId,
    organizationId: principal.organizationId,
    directory: { id: principal.directoryId, name: principal.directoryName, kind: principal.directoryKind },
  };
  return {
    ...server,
    principal,
    client,
    actor: scimTokenActor(principal, { ...(request.ip ? { ip: request.ip } : {}), requestId: request.requestId }),
    userScope: provisioningScope(client),
    groupScope: { directoryId: principal.directoryId },
    ifMatch: request.ifMatch,
    requestId: request.requestId,
  };
}
