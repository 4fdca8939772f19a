import { DataTypes, type Model, type ModelStatic, type Sequelize, type Transaction } from 'sequelize';
import { keptResults } from '../lib/keptResults.js';
import type { Dialect } from './database.js';

/** A result row as the driver returns it. */
export type SqlRow = Record<string, unknown>;

interface SqliteConnection {
  allPrepared(sql: string, params: readonly unknown[], callback: (error: Error | null, rows: SqlRow[]) => void): void;
  runPrepared(sql: string, params: readonly unknown[], callback: (error: Error | null, changes: number) => void): void;
}
interface PgConnection {
  query(sql: string, params: unknown[]): Promise<{ rows: SqlRow[]; rowCount: number | null }>;
}
interface ConnectionManager {
  getConnection(options: object): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void> | void;
}

/** `?` placeholders as PostgreSQL numbers them (`$1`, `$2`…), leaving quoted literals alone. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
}

/**
 * PostgreSQL texts of the statements run so far (the hot paths' SQL is built once and run again and again), far more
 * than the shapes the server runs.
 */
const pgTexts = keptResults<string>(1000);
const pgText = (sql: string): string => pgTexts(sql, () => numberPlaceholders(sql));

/** A date as sequelize writes DATE columns on SQLite (so that comparisons with stored values hold). */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', ' +00:00');
}

function sqliteParam(value: unknown): unknown {
  if (value instanceof Date) return sqliteDate(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/** What a statement answers: its rows, or for a write the number of rows it changed. */
type Answer<K> = K extends 'rows' ? SqlRow[] : number;

/**
 * Runs one statement straight on the driver's connection: the surrounding transaction's when there is one, otherwise
 * the connection sequelize uses outside transactions (SQLite) or one from its pool (PostgreSQL). SQL is written once
 * for both databases, with `?` placeholders and standard (double-quoted) identifiers. On SQLite the statement is
 * prepared once per connection and reused (see the driver's allPrepared).
 */
async function onDriver<K extends 'rows' | 'changes'>(kind: K, sequelize: Sequelize, dialect: Dialect, t: Transaction | undefined, sql: string, params: readonly unknown[]): Promise<Answer<K>> {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const held = (t as unknown as { connection?: unknown } | undefined)?.connection;
  const failed = (error: unknown) => Object.assign(error as Error, { sql });
  if (dialect === 'sqlite') {
    const connection = (held ?? (await manager.getConnection({}))) as SqliteConnection;
    const values = params.map(sqliteParam);
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, answer: SqlRow[] | number) => (error ? reject(failed(error)) : resolve(answer as Answer<K>));
      if (kind === 'rows') connection.allPrepared(sql, values, done);
      else connection.runPrepared(sql, values, done);
    });
  }
  const connection = (held ?? (await manager.getConnection({}))) as PgConnection;
  try {
    const result = await connection.query(pgText(sql), [...params]);
    return (kind === 'rows' ? result.rows : (result.rowCount ?? 0)) as Answer<K>;
  } catch (error) {
    throw failed(error);
  } finally {
    if (!held) await manager.releaseConnection(connection);
  }
}

/**
 * One SELECT in plain SQL on the driver (see onDriver). The hot paths (SCIM lookups and pages, token checks) read
 * this way because sequelize's query pipeline costs more than the query: on SQLite it asks for the column types of
 * the table (PRAGMA table_info) before every SELECT and formats a stack trace after it, and it builds a model
 * instance per row.
 */
export function selectRows(sequelize: Sequelize, dialect: Dialect, t: Transaction | undefined, sql: string, params: readonly unknown[] = []): Promise<SqlRow[]> {
  return onDriver('rows', sequelize, dialect, t, sql, params);
}

/** One write in plain SQL on the driver (see onDriver); answers the number of rows it changed. */
export function executeSql(sequelize: Sequelize, dialect: Dialect, t: Transaction | undefined, sql: string, params: readonly unknown[] = []): Promise<number> {
  return onDriver('changes', sequelize, dialect, t, sql, params);
}

/** Whether a driver error is a unique constraint refusing a write (SQLite and PostgreSQL). */
export function isUniqueViolation(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '23505' || (code === 'SQLITE_CONSTRAINT' && /UNIQUE constraint failed/.test(String(message)));
}

/**
 * `LIMIT n OFFSET ?` for a page of `count` rows: the limit is written into the SQL, the offset stays a parameter.
 * SQLite prepares a statement with a bound LIMIT again on every run (twice the CPU of a user view query, measured),
 * and a page size takes few values, so each stays one reusable statement.
 */
export function limitOffset(count: number): string {
  if (!Number.isSafeInteger(count) || count < 0) throw new Error(`a page size must be a whole number, not ${count}`);
  return `LIMIT ${count} OFFSET ?`;
}

type Reader = (value: unknown) => unknown;
/** A DATE column's value: a Date from PostgreSQL, sequelize's `YYYY-MM-DD HH:MM:SS.SSS +00:00` text from SQLite. */
export const readDate = (v: unknown): Date | null => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
/** A BOOLEAN column's value: a boolean from PostgreSQL, 0 or 1 from SQLite. */
export const readBoolean = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 't' || v === 'true');
const asInteger: Reader = (v) => (v === null || v === undefined ? null : Number(v));
const asText: Reader = (v) => (v === null || v === undefined ? null : String(v));

/** The columns of a model as a SELECT list, and how to read a row of it back into the model's attribute values. */
export interface ModelColumns<T> {
  /** `alias.column AS "attribute", …` */
  list: string;
  /**
   * The same columns as one JSON object per dialect (`{"attribute": value, …}`), to select as a single column: the
   * driver then builds one value instead of one property per column. Read it with readJsonObject, then `read`.
   */
  json: Record<Dialect, string>;
  read(row: SqlRow): T;
}

/** Pairs per JSON object call: PostgreSQL's json_build_object takes at most 100 arguments. */
const JSON_PAIRS = 50;

/** A JSON object of `'key', expression` pairs, in as many calls as the database needs. */
export function jsonObjectOf(dialect: Dialect, pairs: string[]): string {
  const groups: string[] = [];
  for (let i = 0; i < pairs.length; i += JSON_PAIRS) groups.push(pairs.slice(i, i + JSON_PAIRS).join(', '));
  if (dialect === 'postgres') return groups.length === 1 ? `json_build_object(${groups[0]})` : `(${groups.map((g) => `jsonb_build_object(${g})`).join(' || ')})`;
  return groups.map((g) => `json_object(${g})`).reduce((merged, next) => `json_patch(${merged}, ${next})`);
}

/** A JSON object column's value: text on SQLite, already parsed by the driver on PostgreSQL. */
export function readJsonObject(value: unknown): SqlRow {
  return (typeof value === 'string' ? JSON.parse(value) : value) as SqlRow;
}

/**
 * Select list and row reader for `model` under a table alias: dates become Date, booleans boolean, integers number,
 * and the JSON text columns (read through getters on the model) their parsed values — what the model instance would
 * hold, without building one. Attributes named in `omit` are not read.
 */
export function modelColumns<T>(model: ModelStatic<Model>, alias: string, omit: readonly string[] = []): ModelColumns<T> {
  const readers: Array<[string, Reader]> = [];
  const selected: string[] = [];
  const pairs: string[] = [];
  for (const [name, attribute] of Object.entries(model.getAttributes())) {
    if (omit.includes(name)) continue;
    const key = (attribute.type as { key?: string }).key;
    let reader: Reader = (v) => (v === undefined ? null : v);
    if (key === DataTypes.DATE.key) reader = readDate;
    else if (key === DataTypes.BOOLEAN.key) reader = readBoolean;
    else if (key === DataTypes.INTEGER.key) reader = asInteger;
    else if (key === DataTypes.TEXT.key && attribute.get) {
      reader = (v) => (v === null || v === undefined ? null : JSON.parse(String(v)));
    } else if (key === DataTypes.STRING.key || key === DataTypes.TEXT.key) reader = asText;
    readers.push([name, reader]);
    selected.push(`${alias}.${attribute.field ?? name} AS "${name}"`);
    pairs.push(`'${name}', ${alias}.${attribute.field ?? name}`);
  }
  return {
    list: selected.join(', '),
    json: { sqlite: jsonObjectOf('sqlite', pairs), postgres: jsonObjectOf('postgres', pairs) },
    read(row) {
      const out: SqlRow = {};
      for (const [name, reader] of readers) out[name] = reader(row[name]);
      return out as T;
    },
  };
}

/** The JSON text attributes of each model (TEXT columns read through a getter), which instances hold as text. */
const jsonAttributes = new WeakMap<object, string[]>();

/**
 * A model instance of a record read with modelColumns, as sequelize would have built it from the database (the JSON
 * text attributes back to text, which their getters parse), unchanged: saving it writes only what is changed later.
 */
export function modelInstance<M extends Model>(model: ModelStatic<M>, record: object): M {
  let json = jsonAttributes.get(model);
  if (!json) {
    json = Object.entries(model.getAttributes()).filter(([, a]) => (a.type as { key?: string }).key === DataTypes.TEXT.key && a.get).map(([name]) => name);
    jsonAttributes.set(model, json);
  }
  const values: SqlRow = { ...record };
  for (const name of json) if (values[name] !== null && values[name] !== undefined) values[name] = JSON.stringify(values[name]);
  return model.build(values as M["_creationAttributes"], { isNewRecord: false, raw: true });
}
