import type { RequestHandler } from 'express';
import type { ScimOptions } from './context.js';
import { SCIM_CONTENT_TYPE } from './middleware/sendError.js';

/**
 * GET /ServiceProviderConfig, answered per token so that it says exactly what works for the caller: PATCH, filters
 * (with the enforced page limit), sorting and ETags (If-Match on PUT, PATCH and DELETE) everywhere; password changes
 * only in the local directory (an SSO directory's IdP keeps passwords); no Bulk.
 */
export function serviceProviderConfig(options: ScimOptions, baseUrl: string): RequestHandler {
  return (req, res) => {
    const local = req.scimGrant?.directoryKind === 'local';
    res.set('Content-Type', SCIM_CONTENT_TYPE).send(
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: options.maxResults },
        changePassword: { supported: local },
        sort: { supported: true },
        etag: { supported: true },
        authenticationSchemes: [
          {
            type: 'oauthbearertoken',
            name: 'OAuth Bearer Token',
            description: 'A bearer token that idbridge issues for one directory (npm run idbridge -- scim-token create).',
            specUri: 'https://www.rfc-editor.org/rfc/rfc6750',
            primary: true,
          },
        ],
        meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
      }),
    );
  };
}
