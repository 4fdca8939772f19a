import type { MigrationModule } from './_helpers.js';

/**
 * An organization's support contact (text, email, phone, URL, each optional), as JSON text like the policy: pages
 * and emails tell people who cannot sign in whom to ask. Plain SQL: sequelize's addColumn names PostgreSQL's public
 * schema, not the one in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.sequelize.query("ALTER TABLE organizations ADD COLUMN support TEXT NOT NULL DEFAULT '{}'");
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE organizations DROP COLUMN support');
  },
};
