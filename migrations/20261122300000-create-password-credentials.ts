import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('password_credentials', {
      user_id: { ...references('users', 'CASCADE'), primaryKey: true },
      hash: { type: DataTypes.STRING(255), allowNull: false },
      changed_at: { type: DataTypes.DATE, allowNull: false },
      // Set when the expiry reminder for this password went out, so that it goes once per password.
      reminder_sent_at: { type: DataTypes.DATE, allowNull: true },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('password_credentials');
  },
};
