import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // Lockout counters live in the database so that every instance counts the same failures.
    await queryInterface.createTable('sign_in_failures', {
      user_id: { ...references('users', 'CASCADE'), primaryKey: true },
      failure_count: { type: DataTypes.INTEGER, allowNull: false },
      window_started_at: { type: DataTypes.DATE, allowNull: false },
      locked_at: { type: DataTypes.DATE, allowNull: true },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('sign_in_failures');
  },
};
