import type { MigrationModule } from './_helpers.js';

/**
 * Why a one-time token stopped working: "used" (its form was completed), "replaced" (a newer link of the same purpose
 * was sent) or "revoked" (the account no longer needs it). The link's page tells a replaced link from a used one.
 * Tokens ended before this column existed keep NULL, read as "used". Plain SQL: sequelize's addColumn names
 * PostgreSQL's public schema, not the one in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE one_time_tokens ADD COLUMN consumed_reason VARCHAR(16)');
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE one_time_tokens DROP COLUMN consumed_reason');
  },
};
