import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

/**
 * The events outbox: what changed, written in the transaction of the change (an event exists exactly when its change
 * committed). `position` is the commit order: each transaction takes its positions from event_sequence's single row
 * just before it commits, and holds that row's lock until then, so positions are never seen out of order by a reader
 * of the feed (one row per database; SQLite has one writer anyway). Webhooks, the change feed and back-channel logout
 * read from here.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('event_sequence', {
      id: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
      last_position: { type: DataTypes.BIGINT, allowNull: false },
    });
    await queryInterface.bulkInsert('event_sequence', [{ id: 1, last_position: 0 }]);
    await queryInterface.createTable('events', {
      position: { type: DataTypes.BIGINT, primaryKey: true, allowNull: false },
      id: { type: DataTypes.STRING(36), allowNull: false, unique: true },
      type: { type: DataTypes.STRING(64), allowNull: false },
      occurred_at: { type: DataTypes.DATE, allowNull: false },
      /** JSON array of the organizations the event concerns (the feed's and subscriptions' filter). */
      organization_ids: { type: DataTypes.TEXT, allowNull: false },
      user_id: { type: DataTypes.STRING(36), allowNull: true },
      group_id: { type: DataTypes.STRING(36), allowNull: true },
      directory_id: { type: DataTypes.STRING(36), allowNull: true },
      actor_type: { type: DataTypes.STRING(32), allowNull: false },
      actor_id: { type: DataTypes.STRING(255), allowNull: true },
      /** JSON: the resource after the change and what changed; never a password, hash or secret. */
      data: { type: DataTypes.TEXT, allowNull: false },
    });
    await queryInterface.addIndex('events', ['occurred_at'], { name: 'events_occurred_at' });
    await queryInterface.addIndex('events', ['user_id', 'position'], { name: 'events_user_position' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('events');
    await queryInterface.dropTable('event_sequence');
  },
};
