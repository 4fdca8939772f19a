import SCIMMY from 'scimmy';
import { badRequest } from '../problem.js';

type Definition = InstanceType<typeof SCIMMY.Types.SchemaDefinition>;

const SCHEMA_KEYS = new Set(['schemas', 'id', 'meta']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unknown(path: string): never {
  throw badRequest('invalidSyntax', `"${path}" is not an attribute of this resource type; check the name against /Schemas.`);
}

function lookup(definition: Definition, path: string): { type: unknown } | undefined {
  try {
    return definition.attribute(path) as unknown as { type: unknown };
  } catch {
    return undefined;
  }
}

function checkComplex(definition: Definition, path: string, value: unknown): void {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (!isObject(item)) continue;
    for (const key of Object.keys(item)) if (!lookup(definition, `${path}.${key}`)) unknown(`${path}.${key}`);
  }
}

/**
 * Refuses attributes the schema does not declare, at the top level and one level down (scimmy silently drops them,
 * which would lose data the client believes stored). Extension attributes may come nested under the extension's URN
 * or as `urn:…:attribute` keys. Unknown URNs in `schemas` are tolerated (Entra adds one of its own to groups).
 */
export function assertKnownAttributes(definition: Definition, body: Record<string, unknown>, checkedElsewhere: readonly string[] = []): void {
  for (const [key, value] of Object.entries(body)) {
    if (SCHEMA_KEYS.has(key.toLowerCase()) || checkedElsewhere.includes(key.toLowerCase())) continue;
    const attribute = lookup(definition, key);
    if (!attribute) unknown(key);
    if (attribute instanceof SCIMMY.Types.SchemaDefinition) {
      if (!isObject(value)) continue;
      for (const [inner, innerValue] of Object.entries(value)) {
        const path = `${key}:${inner}`;
        const innerAttribute = lookup(definition, path);
        if (!innerAttribute) unknown(path);
        if (String(innerAttribute.type) === 'complex') checkComplex(definition, path, innerValue);
      }
    } else if (String(attribute.type) === 'complex') {
      checkComplex(definition, key, value);
    }
  }
}
