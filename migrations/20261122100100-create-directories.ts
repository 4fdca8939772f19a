import { randomUUID } from 'node:crypto';
import { DataTypes } from 'sequelize';
import { idColumn, timestamps, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('directories', {
      id: idColumn,
      kind: { type: DataTypes.STRING(8), allowNull: false },
      name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      ...timestamps,
    });
    // There is always exactly one local directory; it is born with the schema.
    const now = new Date();
    await queryInterface.bulkInsert('directories', [{ id: randomUUID(), kind: 'local', name: 'local', created_at: now, updated_at: now }]);
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('directories');
  },
};
