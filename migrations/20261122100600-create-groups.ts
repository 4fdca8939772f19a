import { DataTypes } from 'sequelize';
import { idColumn, references, timestamps, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('groups', {
      id: idColumn,
      directory_id: references('directories', 'CASCADE'),
      display_name: { type: DataTypes.STRING(255), allowNull: false },
      display_name_normalized: { type: DataTypes.STRING(255), allowNull: false },
      external_id: { type: DataTypes.STRING(255), allowNull: true },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      ...timestamps,
    });
    await queryInterface.addIndex('groups', ['directory_id', 'display_name_normalized'], { name: 'groups_directory_display_name', unique: true });
    await queryInterface.addIndex('groups', ['directory_id', 'external_id'], { name: 'groups_directory_external_id' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('groups');
  },
};
