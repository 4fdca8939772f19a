import { DataTypes } from 'sequelize';
import { idColumn, timestamps, type MigrationModule } from './_helpers.js';

/**
 * Webhook deliveries: one event for one subscription, its status (pending, sending, delivered, failed), its attempts
 * and what the last one got (status code, duration, an excerpt of at most 200 characters of the response, never more).
 * A delivery is claimed by one instance at a time (`claim_id`, until `claimed_until`: after it, the claim of an
 * instance that died lapses and another retries). `order_key` (the user, else the group) keeps a subscription's
 * deliveries about one user in event order. The event itself is read from events when sent.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('webhook_deliveries', {
      id: idColumn,
      subscription_id: { type: DataTypes.STRING(36), allowNull: false, references: { model: 'webhook_subscriptions', key: 'id' }, onDelete: 'CASCADE', onUpdate: 'CASCADE' },
      event_position: { type: DataTypes.BIGINT, allowNull: false },
      event_id: { type: DataTypes.STRING(36), allowNull: false },
      event_type: { type: DataTypes.STRING(64), allowNull: false },
      order_key: { type: DataTypes.STRING(80), allowNull: true },
      status: { type: DataTypes.STRING(16), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE, allowNull: false },
      claim_id: { type: DataTypes.STRING(36), allowNull: true },
      claimed_until: { type: DataTypes.DATE, allowNull: true },
      first_attempt_at: { type: DataTypes.DATE, allowNull: true },
      last_attempt_at: { type: DataTypes.DATE, allowNull: true },
      last_status_code: { type: DataTypes.INTEGER, allowNull: true },
      last_duration_ms: { type: DataTypes.INTEGER, allowNull: true },
      last_error: { type: DataTypes.STRING(300), allowNull: true },
      last_response_excerpt: { type: DataTypes.STRING(200), allowNull: true },
      delivered_at: { type: DataTypes.DATE, allowNull: true },
      ...timestamps,
    });
    await queryInterface.addIndex('webhook_deliveries', ['subscription_id', 'event_position'], { name: 'webhook_deliveries_subscription_event', unique: true });
    await queryInterface.addIndex('webhook_deliveries', ['status', 'next_attempt_at'], { name: 'webhook_deliveries_due' });
    await queryInterface.addIndex('webhook_deliveries', ['subscription_id', 'order_key', 'event_position'], { name: 'webhook_deliveries_order' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('webhook_deliveries');
  },
};
