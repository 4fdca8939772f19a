import { DataTypes } from 'sequelize';
import { idColumn, timestamps, type MigrationModule } from './_helpers.js';

/**
 * The back-channel logout outbox: one notice per portal application (and session, when the application wants the
 * sid) to tell that a user's session ended. Written in the transaction that ends the session, so a crash loses none;
 * sent by a job with retries. `oidc_logout_cursor` is how far that job has read the events outbox (memberships
 * removed, users deleted: the portals of organizations a user has left are told too); it starts at the events written
 * before this migration, which need no notice.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('oidc_logout_notices', {
      id: idColumn,
      client_id: { type: DataTypes.STRING(64), allowNull: false },
      // No foreign key: a deleted user's portals are told too.
      user_id: { type: DataTypes.STRING(36), allowNull: false },
      sid: { type: DataTypes.STRING(255), allowNull: true },
      reason: { type: DataTypes.STRING(32), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE, allowNull: false },
      last_error: { type: DataTypes.TEXT, allowNull: true },
      last_status: { type: DataTypes.INTEGER, allowNull: true },
      sent_at: { type: DataTypes.DATE, allowNull: true },
      ...timestamps,
    });
    await queryInterface.addIndex('oidc_logout_notices', ['status', 'next_attempt_at'], { name: 'oidc_logout_notices_due' });
    await queryInterface.createTable('oidc_logout_cursor', {
      id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
      last_position: { type: DataTypes.BIGINT, allowNull: false },
    });
    await queryInterface.sequelize.query('INSERT INTO oidc_logout_cursor (id, last_position) SELECT 1, last_position FROM event_sequence WHERE id = 1');
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('oidc_logout_cursor');
    await queryInterface.dropTable('oidc_logout_notices');
  },
};
