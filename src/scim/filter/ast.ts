/**
 * A parsed SCIM filter (RFC 7644 §3.4.2.2) as a tree that keeps the grouping the client wrote: `not (A or B)` stays a
 * negation of a disjunction. Attribute paths are kept as written (case and URN prefix included); the attribute maps
 * resolve them against the schema.
 */
export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';

export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { kind: 'and'; left: FilterNode; right: FilterNode }
  | { kind: 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'compare'; path: string; op: CompareOp; value: FilterValue }
  | { kind: 'present'; path: string }
  /** `emails[type eq "work"]`: some element of the multi-valued attribute matches `filter` (paths inside are relative). */
  | { kind: 'valuePath'; path: string; filter: FilterNode };

export const COMPARE_OPS: readonly CompareOp[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'];
