import type { MigrationModule } from './_helpers.js';

/**
 * Whether the user chose the current password (activation, a reset, a change) or a provisioning client set it. A
 * password the user chose is never replaced by provisioning. Existing passwords count as the users' own. Plain SQL:
 * sequelize's addColumn names PostgreSQL's public schema, not the one in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE password_credentials ADD COLUMN chosen_by_user BOOLEAN NOT NULL DEFAULT TRUE');
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE password_credentials DROP COLUMN chosen_by_user');
  },
};
