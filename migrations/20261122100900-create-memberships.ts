import { DataTypes } from 'sequelize';
import { idColumn, references, timestamps, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('memberships', {
      id: idColumn,
      user_id: references('users', 'CASCADE'),
      organization_id: references('organizations', 'CASCADE'),
      role: { type: DataTypes.STRING(64), allowNull: false },
      // "direct", or "<role mapping id>:<group id>" for a membership a group gives through a mapping.
      source_key: { type: DataTypes.STRING(80), allowNull: false },
      role_mapping_id: references('role_mappings', 'CASCADE', true),
      group_id: references('groups', 'CASCADE', true),
      ...timestamps,
    });
    await queryInterface.addIndex('memberships', ['user_id', 'organization_id', 'source_key'], { name: 'memberships_unique', unique: true });
    await queryInterface.addIndex('memberships', ['organization_id', 'user_id'], { name: 'memberships_organization' });
    await queryInterface.addIndex('memberships', ['group_id'], { name: 'memberships_group' });
    await queryInterface.addIndex('memberships', ['role_mapping_id'], { name: 'memberships_role_mapping' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('memberships');
  },
};
