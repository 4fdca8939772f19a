import type { ScimTokenGrant } from '../../identity/principal.js';
import type { Services } from '../../identity/services.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The SCIM token that authenticated this request (set under /scim/v2 only). */
    scimGrant?: ScimTokenGrant;
  }
}

const REALM = 'Bearer realm="idbridge SCIM"';

/** A refused bearer: the 401 to answer, with its WWW-Authenticate challenge (RFC 6750 §3). */
export interface BearerRefusal {
  detail: string;
  challenge: string;
}

/** The principal of an Authorization header, or why it is refused. */
export async function checkBearer(services: Services, authorization: string | undefined): Promise<ScimTokenGrant | BearerRefusal> {
  const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i.exec(authorization ?? '');
  if (!match) return { detail: 'Authenticate with the bearer token idbridge issued for this directory (Authorization: Bearer …).', challenge: REALM };
  const grant = await services.scimTokens.authenticate(match[1]!);
  return grant ?? { detail: 'The bearer token is not valid: it is unknown, revoked or expired.', challenge: `${REALM}, error="invalid_token"` };
}

export function isRefusal(result: ScimTokenGrant | BearerRefusal): result is BearerRefusal {
  return 'challenge' in result;
}
