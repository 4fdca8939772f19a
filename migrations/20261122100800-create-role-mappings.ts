import { DataTypes } from 'sequelize';
import { idColumn, references, timestamps, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('role_mappings', {
      id: idColumn,
      directory_id: references('directories', 'CASCADE'),
      match_type: { type: DataTypes.STRING(16), allowNull: false },
      match_value: { type: DataTypes.STRING(255), allowNull: false },
      organization_id: references('organizations', 'CASCADE'),
      role: { type: DataTypes.STRING(64), allowNull: false },
      ...timestamps,
    });
    await queryInterface.addIndex('role_mappings', ['directory_id', 'match_type', 'match_value', 'organization_id'], { name: 'role_mappings_unique', unique: true });
    await queryInterface.addIndex('role_mappings', ['organization_id'], { name: 'role_mappings_organization' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('role_mappings');
  },
};
