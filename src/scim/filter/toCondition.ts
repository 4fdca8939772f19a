import type { Condition, FieldTest, SortSpec } from '../../identity/search/condition.js';
import { badRequest } from '../problem.js';
import type { FilterNode } from './ast.js';
import type { AttributeMap, CollectionMap } from './attributeMaps.js';

/** A filter path without the core schema URN, lower-cased: the key of the attribute maps. */
function keyOf(path: string, map: AttributeMap): string {
  const lower = path.toLowerCase();
  const core = `${map.coreSchema.toLowerCase()}:`;
  return lower.startsWith(core) ? lower.slice(core.length) : lower;
}

function caseRuleOf(map: AttributeMap, schemaPath: string): boolean | undefined {
  try {
    const attribute = map.definition().attribute(schemaPath) as { type?: unknown; config?: { caseExact?: boolean } };
    if (String(attribute.type) !== 'string') return undefined;
    return attribute.config?.caseExact !== true;
  } catch {
    return undefined;
  }
}

/** Case rules by attribute map and path: the schemas are declared once, at start, and looking one up is not free. */
const caseRules = new WeakMap<AttributeMap, Map<string, boolean | undefined>>();

/** Whether string comparisons on `schemaPath` ignore case, from the schema's caseExact characteristic. */
function ignoresCase(map: AttributeMap, schemaPath: string): boolean | undefined {
  let rules = caseRules.get(map);
  if (!rules) caseRules.set(map, (rules = new Map()));
  const key = schemaPath.toLowerCase();
  if (!rules.has(key)) rules.set(key, caseRuleOf(map, schemaPath));
  return rules.get(key);
}

function unknownAttribute(path: string): never {
  throw badRequest('invalidFilter', `"${path}" is not an attribute that can be filtered on; check the name against /Schemas.`);
}

type Resolved = { kind: 'field'; field: string } | { kind: 'collection'; map: CollectionMap; attribute: string; sub?: string };

function resolve(path: string, map: AttributeMap): Resolved {
  const key = keyOf(path, map);
  const field = map.fields[key];
  if (field) return { kind: 'field', field };
  for (const [name, collection] of Object.entries(map.collections)) {
    if (key === name) return { kind: 'collection', map: collection, attribute: path };
    if (key.startsWith(`${name}.`)) return { kind: 'collection', map: collection, attribute: path.slice(0, path.length - (key.length - name.length)), sub: key.slice(name.length + 1) };
  }
  return unknownAttribute(path);
}

function test(field: string, node: Extract<FilterNode, { kind: 'compare' | 'present' }>, ignoreCase: boolean | undefined): Condition {
  const result: FieldTest = node.kind === 'present' ? { field, op: 'pr' } : { field, op: node.op, value: node.value };
  if (ignoreCase !== undefined) result.ignoreCase = ignoreCase;
  return { test: result };
}

function subTest(collection: CollectionMap, attribute: string, sub: string, node: Extract<FilterNode, { kind: 'compare' | 'present' }>, map: AttributeMap): Condition {
  const field = collection.subs[sub.toLowerCase()];
  if (!field) return unknownAttribute(`${attribute}.${sub}`);
  return test(field, node, ignoresCase(map, `${attribute}.${sub}`));
}

/** Conditions inside `attr[…]`: paths are sub-attributes of the collection. */
function inner(node: FilterNode, collection: CollectionMap, attribute: string, map: AttributeMap): Condition {
  switch (node.kind) {
    case 'and':
      return { all: [inner(node.left, collection, attribute, map), inner(node.right, collection, attribute, map)] };
    case 'or':
      return { any: [inner(node.left, collection, attribute, map), inner(node.right, collection, attribute, map)] };
    case 'not':
      return { not: inner(node.expr, collection, attribute, map) };
    case 'valuePath':
      throw badRequest('invalidFilter', 'A value filter ("[...]") cannot contain another one.');
    default:
      return subTest(collection, attribute, node.path, node, map);
  }
}

/**
 * Translates a parsed SCIM filter into a domain condition, checking every attribute against the allowlist and taking
 * case-exactness from the schema. `and`/`or`/`not` keep the client's grouping; `emails[type eq "work" and value co "@x"]`
 * means one email matching both.
 */
export function filterToCondition(node: FilterNode, map: AttributeMap): Condition {
  switch (node.kind) {
    case 'and':
      return { all: [filterToCondition(node.left, map), filterToCondition(node.right, map)] };
    case 'or':
      return { any: [filterToCondition(node.left, map), filterToCondition(node.right, map)] };
    case 'not':
      return { not: filterToCondition(node.expr, map) };
    case 'valuePath': {
      const resolved = resolve(node.path, map);
      if (resolved.kind !== 'collection' || resolved.sub) throw badRequest('invalidFilter', `"${node.path}" is not a multi-valued attribute; "[...]" filters apply to those only.`);
      return { some: { collection: resolved.map.collection, where: inner(node.filter, resolved.map, node.path, map) } };
    }
    default: {
      const resolved = resolve(node.path, map);
      if (resolved.kind === 'field') return test(resolved.field, node, ignoresCase(map, node.path));
      if (!resolved.sub && node.kind === 'present') return { some: { collection: resolved.map.collection } };
      const sub = resolved.sub ?? resolved.map.primary;
      return { some: { collection: resolved.map.collection, where: subTest(resolved.map, resolved.attribute, sub, node, map) } };
    }
  }
}

/** sortBy → the domain sort; unknown or multi-valued attributes answer 400 invalidValue. */
export function sortToSpec(sortBy: string | undefined, sortOrder: string | undefined, map: AttributeMap): SortSpec | undefined {
  if (sortOrder !== undefined && sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw badRequest('invalidValue', `sortOrder must be "ascending" or "descending", not ${JSON.stringify(sortOrder)}.`);
  }
  if (sortBy === undefined) return undefined;
  const key = keyOf(sortBy, map);
  const field = map.sortAliases[key] ?? map.fields[key];
  if (!field || field === 'active') throw badRequest('invalidValue', `Results cannot be sorted by ${JSON.stringify(sortBy)}.`);
  return { field, descending: sortOrder === 'descending' };
}
