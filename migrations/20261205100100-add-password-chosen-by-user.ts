import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

/**
 * Whether the user chose the current password (activation, a reset, a change) or a provisioning client set it. A
 * password the user chose is never replaced by provisioning. Existing passwords count as the users' own.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.addColumn('password_credentials', 'chosen_by_user', { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.removeColumn('password_credentials', 'chosen_by_user');
  },
};
