import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('group_members', {
      group_id: { ...references('groups', 'CASCADE'), primaryKey: true },
      user_id: { ...references('users', 'CASCADE'), primaryKey: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('group_members', ['user_id'], { name: 'group_members_user' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('group_members');
  },
};
