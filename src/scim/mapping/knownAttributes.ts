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

/** The schema URN a key names (`urn:…:2.0:User`, or the URN part of `urn:…:2.0:User:attribute`), if it is one. */
function urnOf(key: string, definition: Definition): string | undefined {
  if (!/^urn:/i.test(key)) return undefined;
  const known = definition.attributes.filter((a) => a instanceof SCIMMY.Types.SchemaDefinition).map((a) => (a as Definition).id.toLowerCase());
  if (known.some((id) => key.toLowerCase() === id || key.toLowerCase().startsWith(`${id}:`))) return undefined;
  return /^(urn:(?:[^:]+:)*\d+\.\d+:[A-Za-z]+)(?::|$)/.exec(key)?.[1] ?? key;
}

/**
 * An extension this server does not know: refused (RFC 7644 lets a server refuse what it would not store), naming
 * the URN, rather than dropped while the client believes it stored.
 */
function unknownExtension(urn: string, definition: Definition): never {
  const known = definition.attributes.filter((a) => a instanceof SCIMMY.Types.SchemaDefinition).map((a) => (a as Definition).id);
  throw badRequest(
    'invalidValue',
    `The schema extension "${urn}" is not one idbridge stores (${known.length ? `it knows ${known.join(' and ')}` : 'it knows none for this resource type'}); leave it out of the mapping. README, "SCIM: attributes idbridge does not know", says why.`,
  );
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
 * which would lose data the client believes stored), and attributes of an extension it does not know (named in the
 * error). Extension attributes may come nested under the extension's URN or as `urn:…:attribute` keys. Unknown URNs
 * in `schemas` alone are tolerated (Entra adds one of its own to groups): only data under them is refused.
 */
export function assertKnownAttributes(definition: Definition, body: Record<string, unknown>, checkedElsewhere: readonly string[] = []): void {
  for (const [key, value] of Object.entries(body)) {
    if (SCHEMA_KEYS.has(key.toLowerCase()) || checkedElsewhere.includes(key.toLowerCase())) continue;
    const attribute = lookup(definition, key);
    if (!attribute) {
      const urn = urnOf(key, definition);
      if (urn) unknownExtension(urn, definition);
      unknown(key);
    }
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
