import type { ScimJson } from './userOut.js';

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.9) over an outgoing resource. Names ignore case and may carry the
 * schema URN (`urn:…:enterprise:2.0:User:department`, or a whole extension). `id` and `schemas` are always returned.
 */
export interface Projection {
  attributes?: string[];
  excludedAttributes?: string[];
}

interface Path {
  /** A top-level key of the resource (an attribute, or an extension URN). */
  key: string;
  /** A sub-attribute, when the path names one. */
  sub?: string;
}

const ALWAYS = new Set(['id', 'schemas']);

export function parseAttributeList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : String(value).split(',')).map((a) => String(a).trim()).filter(Boolean);
  return list.length ? list : undefined;
}

/** Resolves `path` against the resource's keys and the schema URNs it uses. */
function resolve(path: string, coreSchema: string, extensions: readonly string[]): Path | undefined {
  let rest = path;
  const lower = path.toLowerCase();
  if (lower.startsWith('urn:')) {
    const extension = extensions.find((urn) => lower === urn.toLowerCase() || lower.startsWith(`${urn.toLowerCase()}:`));
    if (extension) {
      const inner = path.slice(extension.length + 1);
      if (!inner) return { key: extension };
      const [attr, sub] = inner.split('.', 2) as [string, string | undefined];
      return { key: extension, sub: sub ? `${attr}.${sub}` : attr };
    }
    if (!lower.startsWith(`${coreSchema.toLowerCase()}:`)) return undefined;
    rest = path.slice(coreSchema.length + 1);
  }
  const [key, sub] = rest.split('.', 2) as [string, string | undefined];
  return sub ? { key, sub } : { key };
}

function findKey(object: ScimJson, key: string): string | undefined {
  const lower = key.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

function pick(value: unknown, sub: string): unknown {
  const [head, tail] = sub.split('.', 2) as [string, string | undefined];
  const one = (item: unknown) => {
    if (!item || typeof item !== 'object') return undefined;
    const found = findKey(item as ScimJson, head);
    if (found === undefined) return undefined;
    const inner = (item as ScimJson)[found];
    return { [found]: tail ? pick(inner, tail) : inner };
  };
  if (Array.isArray(value)) return value.map(one).filter((v) => v !== undefined);
  return one(value);
}

function merge(target: ScimJson, key: string, value: unknown): void {
  const existing = target[key];
  if (existing && typeof existing === 'object' && value && typeof value === 'object') {
    if (Array.isArray(existing) && Array.isArray(value)) target[key] = existing.map((item, i) => ({ ...(item as ScimJson), ...(value[i] as ScimJson) }));
    else if (!Array.isArray(existing)) target[key] = { ...(existing as ScimJson), ...(value as ScimJson) };
  } else {
    target[key] = value;
  }
}

function withoutSub(value: unknown, sub: string): unknown {
  const [head, tail] = sub.split('.', 2) as [string, string | undefined];
  const one = (item: unknown) => {
    if (!item || typeof item !== 'object') return item;
    const copy = { ...(item as ScimJson) };
    const found = findKey(copy, head);
    if (found !== undefined) {
      if (tail) copy[found] = withoutSub(copy[found], tail);
      else delete copy[found];
    }
    return copy;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

/** Whether the projection keeps `attribute` (a top-level name), e.g. to skip loading a group's members. */
export function keeps(projection: Projection, attribute: string, coreSchema: string): boolean {
  const lower = attribute.toLowerCase();
  if (projection.attributes) return projection.attributes.some((p) => resolve(p, coreSchema, [])?.key.toLowerCase() === lower);
  if (projection.excludedAttributes) return !projection.excludedAttributes.some((p) => { const r = resolve(p, coreSchema, []); return r?.key.toLowerCase() === lower && !r.sub; });
  return true;
}

export function project(resource: ScimJson, projection: Projection, coreSchema: string): ScimJson {
  if (!projection.attributes && !projection.excludedAttributes) return resource;
  const schemas = (resource.schemas as string[]) ?? [coreSchema];
  const extensions = schemas.filter((s) => s !== coreSchema);
  let out: ScimJson;
  if (projection.attributes) {
    out = { schemas, id: resource.id };
    for (const name of projection.attributes) {
      const path = resolve(name, coreSchema, extensions);
      const key = path && findKey(resource, path.key);
      if (!path || key === undefined || ALWAYS.has(key)) continue;
      merge(out, key, path.sub ? pick(resource[key], path.sub) : resource[key]);
    }
  } else {
    out = { ...resource };
    for (const name of projection.excludedAttributes ?? []) {
      const path = resolve(name, coreSchema, extensions);
      const key = path && findKey(out, path.key);
      if (!path || key === undefined || ALWAYS.has(key)) continue;
      if (path.sub) out[key] = withoutSub(out[key], path.sub);
      else delete out[key];
    }
  }
  out.schemas = schemas.filter((s) => s === coreSchema || out[s] !== undefined);
  return out;
}
