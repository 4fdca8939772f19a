import type { Dialect } from '../../db/database.js';
import { invalid } from '../errors.js';
import { normalise } from '../validation.js';
import type { Condition, FieldTest, SortSpec, TestValue } from './condition.js';

/** How one queryable field is stored. */
export interface FieldSpec {
  /** Qualified column, e.g. `users.title`. */
  column: string;
  type: 'string' | 'boolean' | 'date' | 'integer';
  /**
   * SQL giving `normalise(value)`, compared when the comparison ignores case: a normalised column (with its index), or
   * the attribute's entry in a `folded` column (folding.ts). A text field compared ignoring case must have one: the
   * database's own LOWER() differs between SQLite and PostgreSQL.
   */
  folded?: string | ((dialect: Dialect) => string);
  /** Whether comparisons respect case unless the caller says otherwise. */
  caseExact: boolean;
  /** The column never holds NULL (lets equality skip the null guard). */
  notNull?: boolean;
  /** A field computed from others (`active` from `status`): compiles the whole test. */
  compile?: (test: FieldTest, params: unknown[]) => string;
  sortable?: boolean;
}

/** A one-to-many collection (emails, members…): `column IN (select WHERE …)`. */
export interface CollectionSpec {
  /** The outer column the subquery's single result column matches, e.g. `users.id`. */
  outer: string;
  /** `SELECT e.user_id FROM user_emails e` (with any joins); conditions are appended after WHERE. */
  select: string;
  fields: Record<string, FieldSpec>;
}

export interface TableSpec {
  fields: Record<string, FieldSpec>;
  collections: Record<string, CollectionSpec>;
}

export interface CompiledSql {
  sql: string;
  params: unknown[];
}

const LIKE_ESCAPE = '\\';

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => LIKE_ESCAPE + c);
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (c) => `[${c}]`);
}

function unknownField(name: string): never {
  throw invalid('search.unknown_field', `"${name}" cannot be searched.`, 'filter');
}

function coerce(spec: FieldSpec, test: FieldTest): TestValue {
  const { value } = test;
  if (value === null || value === undefined) return null;
  switch (spec.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      throw invalid('search.invalid_value', `"${test.field}" is true or false; ${JSON.stringify(value)} cannot be compared with it.`, 'filter');
    case 'integer':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
      throw invalid('search.invalid_value', `"${test.field}" is a number; ${JSON.stringify(value)} cannot be compared with it.`, 'filter');
    case 'date': {
      const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
      if (Number.isNaN(date.getTime())) throw invalid('search.invalid_value', `"${test.field}" is a date-time; ${JSON.stringify(value)} is not one (use e.g. "2026-01-31T00:00:00Z").`, 'filter');
      return date;
    }
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return unknownField(test.field);
  }
}

function foldedExpression(spec: FieldSpec, field: string, dialect: Dialect): string {
  if (spec.folded === undefined) throw new Error(`"${field}" ignores case but has no folded form (search/fields.ts)`);
  return typeof spec.folded === 'string' ? spec.folded : spec.folded(dialect);
}

/** SQL for one test, always TRUE or FALSE (never NULL), so that NOT keeps its meaning for missing values. */
function compileTest(spec: FieldSpec, test: FieldTest, dialect: Dialect, params: unknown[]): string {
  if (spec.compile) return spec.compile(test, params);
  const col = spec.column;
  const guard = (sql: string) => (spec.notNull ? sql : `(${col} IS NOT NULL AND ${sql})`);
  if (test.op === 'pr') return spec.type === 'string' ? `(${col} IS NOT NULL AND ${col} <> '')` : `${col} IS NOT NULL`;
  const value = coerce(spec, test);
  if (value === null) {
    if (test.op === 'eq') return `${col} IS NULL`;
    if (test.op === 'ne') return `${col} IS NOT NULL`;
    throw invalid('search.invalid_value', `"${test.field}" can only be compared with null using eq or ne.`, 'filter');
  }
  if (spec.type === 'boolean' && test.op !== 'eq' && test.op !== 'ne') {
    throw invalid('search.invalid_operator', `"${test.field}" is true or false: only eq, ne and pr apply to it.`, 'filter');
  }
  // A case-exact field without a folded form (ids, keys, statuses) holds no case variants to ignore: compared as stored.
  const ignoreCase = spec.type === 'string' && (test.ignoreCase ?? !spec.caseExact) && !(spec.caseExact && spec.folded === undefined);
  let target = col;
  let operand: unknown = value;
  if (ignoreCase) {
    operand = normalise(String(value));
    target = foldedExpression(spec, test.field, dialect);
  }
  switch (test.op) {
    case 'eq':
      params.push(operand);
      return guard(`${target} = ?`);
    case 'ne':
      params.push(operand);
      return spec.notNull ? `${target} <> ?` : `(${col} IS NULL OR ${target} <> ?)`;
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      params.push(operand);
      return guard(`${target} ${{ gt: '>', ge: '>=', lt: '<', le: '<=' }[test.op]} ?`);
    case 'co':
    case 'sw':
    case 'ew': {
      if (spec.type !== 'string') throw invalid('search.invalid_operator', `"${test.field}" is not text: co, sw and ew do not apply to it.`, 'filter');
      const text = String(operand);
      const [before, after] = [test.op === 'sw' ? '' : '%', test.op === 'ew' ? '' : '%'];
      if (!ignoreCase && dialect === 'sqlite') {
        // SQLite's LIKE ignores ASCII case; GLOB respects it.
        params.push(`${before && '*'}${escapeGlob(text)}${after && '*'}`);
        return guard(`${target} GLOB ?`);
      }
      params.push(`${before}${escapeLike(text)}${after}`);
      return guard(`${target} LIKE ? ESCAPE '${LIKE_ESCAPE}'`);
    }
  }
}

/** Compiles a condition over `table` into a SQL boolean expression with `?` placeholders. */
export function compileCondition(condition: Condition, table: TableSpec, dialect: Dialect, params: unknown[] = []): CompiledSql {
  const walk = (node: Condition, fields: Record<string, FieldSpec>, allowCollections: boolean): string => {
    if ('all' in node) return node.all.length ? `(${node.all.map((c) => walk(c, fields, allowCollections)).join(' AND ')})` : '(1=1)';
    if ('any' in node) return node.any.length ? `(${node.any.map((c) => walk(c, fields, allowCollections)).join(' OR ')})` : '(1=0)';
    if ('not' in node) return `(NOT ${walk(node.not, fields, allowCollections)})`;
    if ('some' in node) {
      const collection = allowCollections ? table.collections[node.some.collection] : undefined;
      if (!collection) return unknownField(node.some.collection);
      const where = node.some.where ? ` WHERE ${walk(node.some.where, collection.fields, false)}` : '';
      return `${collection.outer} IN (${collection.select}${where})`;
    }
    const spec = fields[node.test.field];
    if (!spec) return unknownField(node.test.field);
    return compileTest(spec, node.test, dialect, params);
  };
  return { sql: walk(condition, table.fields, true), params };
}

/** What a sort orders by: `missing` (1 for a missing value, sorted last; null when the field is never missing), then `expr` in its direction. */
export interface OrderTerm {
  missing: string | null;
  expr: string;
  descending: boolean;
}

export function orderTerm(sort: SortSpec, table: TableSpec, dialect: Dialect): OrderTerm {
  const spec = table.fields[sort.field];
  if (!spec || spec.sortable === false) throw invalid('search.unsortable', `Results cannot be sorted by "${sort.field}".`, 'sortBy');
  const expr = spec.type === 'string' && !spec.caseExact ? foldedExpression(spec, sort.field, dialect) : spec.column;
  return { missing: spec.notNull ? null : `CASE WHEN ${spec.column} IS NULL THEN 1 ELSE 0 END`, expr, descending: sort.descending === true };
}

/** ORDER BY for a sort (missing values last in both directions), ending with `tieBreaker` so that pages are stable. */
export function compileOrder(sort: SortSpec | undefined, table: TableSpec, dialect: Dialect, tieBreaker: string, fallback: string): string {
  if (!sort) return `${fallback}, ${tieBreaker}`;
  const term = orderTerm(sort, table, dialect);
  return `${term.missing ? `${term.missing}, ` : ''}${term.expr} ${term.descending ? 'DESC' : 'ASC'}, ${tieBreaker}`;
}
