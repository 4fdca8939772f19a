import { DataTypes, type QueryInterface, type ModelAttributeColumnOptions } from 'sequelize';

/** What every migration receives from umzug. */
export interface MigrationContext {
  queryInterface: QueryInterface;
  /** Tells the operator something a migration found that needs a person (a warning in the log). */
  report?: (message: string, details: Record<string, unknown>) => void;
}

export interface MigrationModule {
  up(params: { context: MigrationContext }): Promise<void>;
  down(params: { context: MigrationContext }): Promise<void>;
}

/** Primary key: a UUID kept as text, so that a malformed id is simply not found on either database. */
export const idColumn: ModelAttributeColumnOptions = { type: DataTypes.STRING(36), primaryKey: true, allowNull: false };

export const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export function references(table: string, onDelete: 'CASCADE' | 'RESTRICT' | 'SET NULL', allowNull = false): ModelAttributeColumnOptions {
  return { type: DataTypes.STRING(36), allowNull, references: { model: table, key: 'id' }, onDelete, onUpdate: 'CASCADE' };
}
