import { badRequest } from '../problem.js';
import { ENTERPRISE_USER_SCHEMA } from '../schemas.js';

/**
 * The most operations one PATCH may carry (RFC 7644 leaves the number to the server). Okta and Entra send a few;
 * members in bulk travel as the values of one operation. More answers 400 tooMany before any is applied.
 */
export const MAX_PATCH_OPERATIONS = 1000;

const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Rewrites what Microsoft Entra ID (both its default and its `aadOptscim062020` modes) and Okta send into the RFC 7644
 * shapes scimmy validates and applies, before anything else sees the body:
 * - booleans sent as the strings "True"/"False" (`active`, `primary`) become booleans;
 * - the enterprise `manager` sent as a plain id (or as a one-element list, or under the bare path "manager") becomes
 *   `{value: id}` under the enterprise URN;
 * - a PATCH operation without a path is split into one operation per key, and complex single values
 *   (`name`, an extension object, `manager`) into one operation per sub-attribute: so that `replace` replaces each
 *   attribute it names (multi-valued ones as a whole, not appended to) and leaves the sub-attributes it does not name
 *   alone (RFC 7644 §3.5.2.3);
 * - `op` is lower-cased (Entra sends "Replace", "Add", "Remove").
 */
type Json = Record<string, unknown>;

const BOOLEAN_KEY = /(^|[.:\]])(active|primary)$/i;
const MEMBERS = /^members$/i;
const MANAGER_PATH = /^(?:urn:ietf:params:scim:schemas:extension:enterprise:2\.0:user:)?manager$/i;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toBoolean(value: unknown): unknown {
  return typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === 'true' : value;
}

function managerValue(value: unknown): unknown {
  if (typeof value === 'string') return value === '' ? null : { value };
  if (Array.isArray(value)) return value.length === 0 ? null : managerValue(value[0]);
  if (isObject(value)) {
    // The manager's $ref is ours to compute; clients send URLs of their own.
    const { $ref: _ref, ...rest } = value;
    return rest;
  }
  return value;
}

/** Booleans and managers anywhere in a value, judged by the key (or path) they sit under. */
export function normaliseValue(value: unknown, key = ''): unknown {
  // A group's members hold no boolean or manager: left as they are (a 50,000-member body is not copied).
  if (MEMBERS.test(key)) return value;
  if (MANAGER_PATH.test(key)) value = managerValue(value);
  if (Array.isArray(value)) return value.map((item) => normaliseValue(item, key));
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = normaliseValue(v, k);
    return out;
  }
  return BOOLEAN_KEY.test(key) ? toBoolean(value) : value;
}

/** A POST or PUT body: the same value fixes as in PATCH. */
export function normaliseResourceBody(body: unknown): unknown {
  return isObject(body) ? normaliseValue(body) : body;
}

interface Operation {
  op: unknown;
  path?: unknown;
  value?: unknown;
  [key: string]: unknown;
}

/** What the normaliser needs to know of the resource type's schema. */
export interface PatchSchema {
  /** The extension URNs: their objects nest attributes with ":" rather than ".". */
  extensions: readonly string[];
  /** Whether a path names a multi-valued attribute (an object value is then one element, not sub-attributes). */
  isMultiValued(path: string): boolean;
}

/** Expands `{path, value: {sub: …}}` for a complex single value into one operation per sub-attribute. */
function expand(op: string, rawPath: string, value: unknown, out: Operation[], schema: PatchSchema): void {
  const path = MANAGER_PATH.test(rawPath) ? `${ENTERPRISE_USER_SCHEMA}:manager` : rawPath;
  const fixed = normaliseValue(value, path);
  const isExtension = schema.extensions.some((e) => e.toLowerCase() === path.toLowerCase());
  // The manager stays whole: scimmy cannot create `manager.value` inside an extension the user does not have yet.
  const expandable = isExtension || (!schema.isMultiValued(path) && !MANAGER_PATH.test(path));
  if (isObject(fixed) && Object.keys(fixed).length > 0 && expandable) {
    for (const [key, sub] of Object.entries(fixed)) expand(op, isExtension ? `${path}:${key}` : `${path}.${key}`, sub, out, schema);
    return;
  }
  out.push({ op, path, value: fixed });
}

/**
 * Normalises a PatchOp body for a resource type described by `schema`. Every operation must be an object whose `op` is
 * add, remove or replace; `replace` with the value null removes the attribute it names (there is nothing to replace
 * it with), and `add` needs a value. What breaks these answers 400 saying which operation.
 */
export function normalisePatchBody(body: unknown, schema: PatchSchema): unknown {
  const shape = `A PATCH body is a PatchOp: {"schemas": ["${PATCH_OP_SCHEMA}"], "Operations": [ … ]}`;
  if (!isObject(body) || !Array.isArray(body.Operations)) throw badRequest('invalidSyntax', `${shape}; this one has no list of Operations.`);
  if (!Array.isArray(body.schemas) || !body.schemas.includes(PATCH_OP_SCHEMA)) throw badRequest('invalidSyntax', `${shape}; its "schemas" must name the PatchOp schema.`);
  const raws = body.Operations as unknown[];
  if (raws.length > MAX_PATCH_OPERATIONS) throw badRequest('tooMany', `A PATCH carries at most ${MAX_PATCH_OPERATIONS} operations (this one has ${raws.length}); send the rest in further requests.`);
  const operations: Operation[] = [];
  for (const [index, raw] of raws.entries()) {
    if (!isObject(raw) || typeof raw.op !== 'string' || !/^(add|remove|replace)$/i.test(raw.op)) {
      throw badRequest('invalidSyntax', `Operation ${index + 1} must be an object whose "op" is "add", "remove" or "replace".`);
    }
    const op = raw.op.toLowerCase();
    if (raw.path !== undefined && typeof raw.path !== 'string') throw badRequest('invalidPath', `Operation ${index + 1}: "path" must be a string.`);
    if (raw.value === null && op !== 'remove') {
      if (op === 'add' || raw.path === undefined) throw badRequest('invalidValue', `Operation ${index + 1}: "${op}" needs a value${op === 'replace' ? ' and a path' : ''}; to clear an attribute, remove it.`);
      operations.push({ op: 'remove', path: typeof raw.path === 'string' && MANAGER_PATH.test(raw.path) ? `${ENTERPRISE_USER_SCHEMA}:manager` : raw.path });
      continue;
    }
    if (raw.path === undefined && isObject(raw.value) && op !== 'remove') {
      for (const [key, value] of Object.entries(raw.value)) expand(op, key, value, operations, schema);
    } else if (typeof raw.path === 'string' && raw.value !== undefined && op !== 'remove') {
      expand(op, raw.path, raw.value, operations, schema);
    } else {
      const path = typeof raw.path === 'string' && MANAGER_PATH.test(raw.path) ? `${ENTERPRISE_USER_SCHEMA}:manager` : raw.path;
      operations.push({ ...raw, op, ...(path !== undefined ? { path } : {}), ...(raw.value !== undefined ? { value: normaliseValue(raw.value, typeof path === 'string' ? path : '') } : {}) });
    }
  }
  return { ...body, Operations: operations };
}
