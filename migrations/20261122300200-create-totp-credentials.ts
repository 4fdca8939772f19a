import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('totp_credentials', {
      user_id: { ...references('users', 'CASCADE'), primaryKey: true },
      // The shared secret, encrypted with DATA_ENCRYPTION_KEY (AES-256-GCM, bound to the user id).
      secret: { type: DataTypes.TEXT, allowNull: false },
      // Null until the user proves the authenticator works by entering a code.
      confirmed_at: { type: DataTypes.DATE, allowNull: true },
      // The last 30-second step whose code was accepted: a code is accepted once.
      last_used_step: { type: DataTypes.INTEGER, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('totp_credentials');
  },
};
