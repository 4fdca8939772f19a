import type { RequestHandler } from 'express';
import SCIMMY from 'scimmy';
import type { ScimIncoming } from './pipeline.js';
import { IDBRIDGE_USER_SCHEMA, LIST_RESPONSE_SCHEMA } from './schemas.js';
import { SCIM_CONTENT_TYPE, sendScimError } from './middleware/sendError.js';

interface DescribedAttribute {
  name: string;
  mutability?: string;
  description?: string;
  subAttributes?: DescribedAttribute[];
}

interface DescribedSchema {
  id: string;
  attributes: DescribedAttribute[];
}

/**
 * What /Schemas says, per token, so that a schema-driven client reads what this token can do: the idbridge
 * extension's `role` is set at creation by a token limited to one organization (immutable), and read-only for any
 * other token (which is refused when it sends one).
 */
function forGrant(schema: DescribedSchema, grant: ScimIncoming['scimGrant']): DescribedSchema {
  if (schema.id !== IDBRIDGE_USER_SCHEMA || grant?.organizationId) return schema;
  return {
    ...schema,
    attributes: schema.attributes.map((attribute) =>
      attribute.name === 'role'
        ? { ...attribute, mutability: 'readOnly', description: 'The role in the organization of a token limited to one organization, which sets it when it creates the user. Read-only for this token, which is not limited to one organization: a value sent is refused.' }
        : attribute,
    ),
  };
}

/** GET /Schemas and /Schemas/{id} (RFC 7644 §4): the declared schemas, told as this token may use them. */
export function schemaDocuments(baseUrl: string): RequestHandler {
  return (req, res) => {
    const grant = (req as unknown as ScimIncoming).scimGrant;
    if (typeof req.query.filter === 'string') return sendScimError(res, 403, undefined, 'Schemas cannot be filtered: read them all, or one by its id.');
    const described = SCIMMY.Schemas.declared().map((S) => forGrant(JSON.parse(JSON.stringify(S.describe(`${baseUrl}/Schemas`))) as DescribedSchema, grant));
    const id = req.params.id as string | undefined;
    if (id !== undefined) {
      const schema = described.find((s) => s.id === id);
      if (!schema) return sendScimError(res, 404, undefined, `There is no schema "${id}"; GET /Schemas lists them.`);
      return res.set('Content-Type', SCIM_CONTENT_TYPE).send(JSON.stringify(schema));
    }
    res.set('Content-Type', SCIM_CONTENT_TYPE).send(JSON.stringify({ schemas: [LIST_RESPONSE_SCHEMA], totalResults: described.length, startIndex: 1, itemsPerPage: described.length, Resources: described }));
  };
}
