import type { MigrationModule } from './_helpers.js';

/**
 * OpenID Connect Back-Channel Logout 1.0: where a portal application is told that a user's session ended
 * (backchannel_logout_uri), and whether it needs the session id (sid) in the logout token. Plain SQL: sequelize's
 * addColumn names PostgreSQL's public schema, not the one in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE oidc_clients ADD COLUMN backchannel_logout_uri VARCHAR(2000)');
    await queryInterface.sequelize.query('ALTER TABLE oidc_clients ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE');
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.sequelize.query('ALTER TABLE oidc_clients DROP COLUMN backchannel_logout_session_required');
    await queryInterface.sequelize.query('ALTER TABLE oidc_clients DROP COLUMN backchannel_logout_uri');
  },
};
