import { LIST_RESPONSE_SCHEMA } from '../schemas.js';
import type { ScimJson } from './userOut.js';

/** A ListResponse (RFC 7644 §3.4.2) for one page that SQL already cut: scimmy's ListResponse would cut it again. */
export function listResponse(totalResults: number, startIndex: number, resources: ScimJson[]): ScimJson {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
