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

/** A request body with the Entra/Okta normaliser (patch/normalise.ts) applied, before any handler sees it. */
export function normaliseScimBody(method: string, resourcePath: string, body: unknown): unknown {
  if (body === undefined || body === null) return body;
  if (method === 'PATCH') return normalisePatchBody(body, /^\/Groups\b/i.test(resourcePath) ? GROUPS : USERS);
  if (method === 'POST' || method === 'PUT') return normaliseResourceBody(body);
  return body;
}
