import type { Model, ModelStatic } from 'sequelize';

type Prepare = (record: Record<string, unknown>) => unknown;

/** The INSERT of whole rows of a model, in plain SQL: its columns, and how a record's values are written. */
export interface ModelInsert {
  /** `INSERT INTO "table" ("col", …) VALUES ` — followed by one `(?, …)` group per row. */
  head: string;
  /** `(?, ?, …)` for one row. */
  row: string;
  /** How many values a row has. */
  width: number;
  values(record: Record<string, unknown>): unknown[];
}

/**
 * The plain-SQL INSERT of `model` rows, written as sequelize would write them: every attribute's column, an absent
 * value replaced by the attribute's default (or null), and each value passed through the attribute's own setter (the
 * JSON text columns stringify there). An auto-increment key is left to the database. Defaults computed by
 * sequelize (NOW, UUIDV4) are not supported: such a model is refused here rather than written differently.
 */
export function modelInsert(model: ModelStatic<Model>): ModelInsert {
  const columns: string[] = [];
  const prepares: Prepare[] = [];
  for (const [name, attribute] of Object.entries(model.getAttributes())) {
    if (attribute.autoIncrement) continue;
    const fallback: unknown = attribute.defaultValue;
    if (fallback !== undefined && fallback !== null && (typeof fallback === 'object' || typeof fallback === 'function')) throw new Error(`${model.name}.${name}: a computed default cannot be written in plain SQL`);
    const setter = attribute.set as ((this: { setDataValue(key: string, value: unknown): void }, value: unknown) => void) | undefined;
    columns.push(`"${attribute.field ?? name}"`);
    prepares.push((record) => {
      const value = record[name] === undefined ? (fallback ?? null) : record[name];
      if (!setter) return value;
      let written: unknown = null;
      setter.call({ setDataValue: (_key, v) => (written = v) }, value);
      return written;
    });
  }
  return {
    head: `INSERT INTO "${model.tableName}" (${columns.join(', ')}) VALUES `,
    row: `(${columns.map(() => '?').join(', ')})`,
    width: columns.length,
    values: (record) => prepares.map((prepare) => prepare(record)),
  };
}
