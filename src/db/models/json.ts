import { DataTypes, type ModelAttributeColumnOptions, type Model } from 'sequelize';

/** A TEXT column holding JSON, identical on SQLite and PostgreSQL (no dialect-specific JSON type or operator). */
export function jsonText<T>(field: string, fallback: T, allowNull = false): ModelAttributeColumnOptions<Model> {
  return {
    type: DataTypes.TEXT,
    allowNull,
    get(this: Model) {
      const raw = this.getDataValue(field) as string | null;
      return raw === null || raw === undefined ? (allowNull ? null : fallback) : (JSON.parse(raw) as T);
    },
    set(this: Model, value: T | null) {
      this.setDataValue(field, value === null || value === undefined ? (allowNull ? null : JSON.stringify(fallback)) : JSON.stringify(value));
    },
  };
}
