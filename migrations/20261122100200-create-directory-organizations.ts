import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('directory_organizations', {
      directory_id: { ...references('directories', 'CASCADE'), primaryKey: true },
      organization_id: { ...references('organizations', 'CASCADE'), primaryKey: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('directory_organizations', ['organization_id'], { name: 'directory_organizations_organization' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('directory_organizations');
  },
};
