import type { RequestHandler } from 'express';
import SCIMMY from 'scimmy';
import { normalisePatchBody, normaliseResourceBody, type PatchSchema } from '../patch/normalise.js';

type Definition = InstanceType<typeof SCIMMY.Types.SchemaDefinition>;

function patchSchema(definition: () => Definition): PatchSchema {
  return {
    get extensions() {
      return (definition().attributes as unknown[]).filter((a): a is Definition => a instanceof SCIMMY.Types.SchemaDefinition).map((a) => a.id);
    },
    isMultiValued(path) {
      if (path.includes('[')) return false;
      try {
        return (definition().attribute(path) as { config?: { multiValued?: boolean } }).config?.multiValued === true;
      } catch {
        return false;
      }
    },
  };
}

const USERS = patchSchema(() => SCIMMY.Schemas.User.definition);
const GROUPS = patchSchema(() => SCIMMY.Schemas.Group.definition);

/** Applies the Entra/Okta normaliser (patch/normalise.ts) to request bodies, before scimmy sees them. */
export const normaliseScimBodies: RequestHandler = (req, _res, next) => {
  if (req.body === undefined || req.body === null) return next();
  if (req.method === 'PATCH') {
    const schema = /^\/Groups\b/i.test(req.path) ? GROUPS : USERS;
    req.body = normalisePatchBody(req.body, schema);
  } else if (req.method === 'POST' || req.method === 'PUT') {
    req.body = normaliseResourceBody(req.body);
  }
  next();
};
