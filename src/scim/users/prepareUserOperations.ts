import type { ScimJson } from '../mapping/userOut.js';
import { badRequest } from '../problem.js';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

const TYPED_ELEMENT = /^([A-Za-z][\w$]*)\[\s*type\s+eq\s+"([^"]*)"\s*\]\.([A-Za-z$][\w$]*)$/i;
const IGNORED = /^(meta(\..*)?|schemas)$/i;
const GROUPS = /^groups(\..*|\[.*)?$/i;
const IDBRIDGE_READ_ONLY = /^urn:ietf:params:scim:schemas:extension:idbridge:2\.0:User:(status|memberships)\b/i;

function findKey(object: ScimJson, key: string): string | undefined {
  const lower = key.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

/**
 * Adjusts a user's PATCH operations to the user they apply to, where scimmy alone would refuse what the IdPs send:
 * - `add`/`replace` of `emails[type eq "work"].value` when the user has no such email adds one (Entra sends this
 *   for a first work email; scimmy answers noTarget), and a type written in another case matches the stored one;
 * - `id` set to the user's own id (Okta repeats it), `meta` and `schemas` are dropped; another id, or a change of
 *   the read-only `groups`, answers 400 mutability.
 */
export function prepareUserOperations(operations: readonly PatchOperation[], current: ScimJson): PatchOperation[] {
  const out: PatchOperation[] = [];
  for (const operation of operations) {
    const op = operation.op.toLowerCase();
    const path = operation.path;
    if (path !== undefined && /^id$/i.test(path)) {
      if (op !== 'remove' && operation.value === current.id) continue;
      throw badRequest('mutability', 'The id of a user is given by idbridge and never changes.');
    }
    if (path !== undefined && IGNORED.test(path)) continue;
    if (path !== undefined && IDBRIDGE_READ_ONLY.test(path)) throw badRequest('mutability', 'The idbridge status and memberships are read-only: idbridge administrators change them.');
    if (path !== undefined && GROUPS.test(path)) throw badRequest('mutability', "A user's groups are read-only here: change the group's members through /Groups.");
    const typed = path !== undefined && (op === 'add' || op === 'replace') ? TYPED_ELEMENT.exec(path) : null;
    if (!typed) {
      out.push({ ...operation, op });
      continue;
    }
    const [, attribute, type, sub] = typed as unknown as [string, string, string, string];
    const key = findKey(current, attribute);
    const list = key ? (current[key] as Array<Record<string, unknown>>) : [];
    const match = list.find((item) => typeof item.type === 'string' && item.type.toLowerCase() === type.toLowerCase());
    if (match) {
      out.push({ op, path: `${attribute}[type eq ${JSON.stringify(match.type)}].${sub}`, value: operation.value });
    } else {
      const element: Record<string, unknown> = { type, [sub]: operation.value };
      if (list.length === 0 && /^(emails|phoneNumbers)$/i.test(attribute)) element.primary = true;
      out.push({ op: 'add', path: attribute, value: [element] });
    }
  }
  return out;
}
