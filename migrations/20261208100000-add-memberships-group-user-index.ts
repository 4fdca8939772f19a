import type { MigrationModule } from './_helpers.js';

/**
 * Memberships a group gives, by group and user: removing one member from a group mapped to a role deleted its
 * memberships through the index on group_id alone, reading every membership the group gives (one per member). The new
 * index serves whatever the old one did (its first column is group_id), which goes. Plain SQL: the same statements on
 * SQLite and PostgreSQL, in the schema in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('CREATE INDEX memberships_group_user ON memberships (group_id, user_id)');
    await queryInterface.sequelize.query('DROP INDEX memberships_group');
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('CREATE INDEX memberships_group ON memberships (group_id)');
    await queryInterface.sequelize.query('DROP INDEX memberships_group_user');
  },
};
