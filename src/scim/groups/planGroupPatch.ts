import type { GroupChange } from '../../identity/groupChanges.js';
import type { Condition } from '../../identity/search/condition.js';
import type { FilterNode } from '../filter/ast.js';
import { GROUP_ATTRIBUTES } from '../filter/attributeMaps.js';
import { parseFilter, type FilterLimits } from '../filter/parseFilter.js';
import { filterToCondition } from '../filter/toCondition.js';
import { memberIds } from '../mapping/groupIn.js';
import { badRequest } from '../problem.js';
import { CORE_GROUP_SCHEMA } from '../schemas.js';
import type { PatchOperation } from '../users/prepareUserOperations.js';

const MEMBER_FILTER = /^members\[(.*)\]$/is;

/** `value eq "a" or value eq "b"` → ["a", "b"] (ids are lower-case UUIDs; the schema's members.value ignores case). */
function idsOfEqualities(node: FilterNode): string[] | undefined {
  if (node.kind === 'or') {
    const left = idsOfEqualities(node.left);
    const right = idsOfEqualities(node.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (node.kind === 'compare' && node.op === 'eq' && node.path.toLowerCase() === 'value' && typeof node.value === 'string') return [node.value.toLowerCase()];
  return undefined;
}

function memberRemoval(filterText: string, limits: FilterLimits): GroupChange {
  const node = parseFilter(filterText, limits);
  const ids = idsOfEqualities(node);
  if (ids) return { type: 'removeMembers', userIds: ids };
  const where: Condition = filterToCondition({ kind: 'valuePath', path: 'members', filter: node }, GROUP_ATTRIBUTES);
  if (!('some' in where) || !where.some.where) throw badRequest('invalidPath', `members[${filterText}] does not select members.`);
  return { type: 'removeMembersWhere', where: where.some.where };
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw badRequest('invalidValue', `${path} must be a string.`);
  return value;
}

/**
 * Turns a group's PATCH operations (already normalised: lower-case ops, path-less values split per attribute) into
 * domain changes, without reading the group: members are added, removed (by value list, by `members[…]` filter, or
 * all) and replaced as sets in SQL. Okta's rename sends `{id, displayName}`: its own id is accepted and ignored.
 */
export function planGroupPatch(operations: readonly PatchOperation[], groupId: string, limits: FilterLimits): GroupChange[] {
  const changes: GroupChange[] = [];
  for (const [index, operation] of operations.entries()) {
    const op = operation.op.toLowerCase();
    const rawPath = operation.path;
    if (rawPath === undefined) throw badRequest('invalidValue', `Operation ${index + 1}: a value without a path must be an object of attributes.`);
    const path = rawPath.toLowerCase().startsWith(`${CORE_GROUP_SCHEMA.toLowerCase()}:`) ? rawPath.slice(CORE_GROUP_SCHEMA.length + 1) : rawPath;
    const key = path.toLowerCase();
    const filtered = MEMBER_FILTER.exec(path);
    if (key === 'displayname') {
      if (op === 'remove') throw badRequest('invalidValue', 'displayName is required: a group cannot lose its name.');
      changes.push({ type: 'attributes', displayName: text(operation.value, 'displayName') });
    } else if (key === 'externalid') {
      changes.push({ type: 'attributes', externalId: op === 'remove' || operation.value === null ? null : text(operation.value, 'externalId') });
    } else if (key === 'id') {
      if (op === 'remove' || operation.value !== groupId) throw badRequest('mutability', 'The id of a group is given by idbridge and never changes.');
    } else if (key === 'schemas' || key === 'meta' || key.startsWith('meta.')) {
      continue;
    } else if (key === 'members') {
      if (op === 'add') changes.push({ type: 'addMembers', userIds: memberIds(operation.value) });
      else if (op === 'replace') changes.push({ type: 'replaceMembers', userIds: operation.value === null ? [] : memberIds(operation.value) });
      else if (operation.value === undefined) changes.push({ type: 'removeAllMembers' });
      else changes.push({ type: 'removeMembers', userIds: memberIds(operation.value) });
    } else if (filtered) {
      if (op === 'add') throw badRequest('invalidPath', 'Members are added with the path "members", not a filter.');
      changes.push(memberRemoval(filtered[1]!, limits));
      if (op === 'replace' && operation.value !== undefined && operation.value !== null) changes.push({ type: 'addMembers', userIds: memberIds(operation.value) });
    } else {
      throw badRequest('invalidPath', `"${rawPath}" is not an attribute of groups (displayName, externalId, members).`);
    }
  }
  return changes;
}
