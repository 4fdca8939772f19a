import { DataTypes } from 'sequelize';
import { idColumn, timestamps, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('organizations', {
      id: idColumn,
      kind: { type: DataTypes.STRING(16), allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      slug: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      policy: { type: DataTypes.TEXT, allowNull: false, defaultValue: '{}' },
      ...timestamps,
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('organizations');
  },
};
