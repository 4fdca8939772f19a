/**
 * A query condition in the domain's own words: fields of users or groups, not any wire format. Edges translate their
 * filter languages into this (SCIM filters, admin search boxes); `compileCondition` turns it into SQL.
 */
export type TestOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le' | 'pr';

export type TestValue = string | number | boolean | Date | null;

export interface FieldTest {
  field: string;
  op: TestOp;
  /** Absent for `pr`. */
  value?: TestValue;
  /** Compare strings ignoring case (the field's own rule unless the caller says otherwise). */
  ignoreCase?: boolean;
}

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { test: FieldTest }
  /** Some element of a collection (a user's emails, a group's members…) matches `where`; fields inside are the collection's. */
  | { some: { collection: string; where?: Condition } };

export interface SortSpec {
  field: string;
  descending?: boolean;
}

export interface PageRequest {
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
}
