import { DataTypes } from 'sequelize';
import { idColumn, references, timestamps, type MigrationModule } from './_helpers.js';

/**
 * Webhook subscriptions: where a portal application (an OpenID Connect client) or an organization wants the events of
 * the outbox (events) POSTed, signed. The signing secret is kept encrypted (DATA_ENCRYPTION_KEY), with the previous one
 * while a rotation's grace period lasts. `event_cursor` is the position of the last event fanned out into deliveries
 * for it (the dispatcher moves it; the write path of a change never touches this table). The circuit: consecutive
 * failures, and the time until which the endpoint is paused. `failed_at` flags a subscription one of whose deliveries
 * was given up (its administrators were emailed then).
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('webhook_subscriptions', {
      id: idColumn,
      client_id: { type: DataTypes.STRING(64), allowNull: true, references: { model: 'oidc_clients', key: 'id' }, onDelete: 'CASCADE', onUpdate: 'CASCADE' },
      organization_id: references('organizations', 'CASCADE', true),
      /** JSON array of organization ids (a client subscription limited to their events); null: every organization. */
      organization_filter: { type: DataTypes.TEXT, allowNull: true },
      description: { type: DataTypes.STRING(200), allowNull: false },
      url: { type: DataTypes.TEXT, allowNull: false },
      /** JSON array of event types; null: every type, present and future. */
      event_types: { type: DataTypes.TEXT, allowNull: true },
      secret: { type: DataTypes.TEXT, allowNull: false },
      previous_secret: { type: DataTypes.TEXT, allowNull: true },
      previous_secret_expires_at: { type: DataTypes.DATE, allowNull: true },
      enabled: { type: DataTypes.BOOLEAN, allowNull: false },
      event_cursor: { type: DataTypes.BIGINT, allowNull: false },
      consecutive_failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      paused_until: { type: DataTypes.DATE, allowNull: true },
      failed_at: { type: DataTypes.DATE, allowNull: true },
      created_by: { type: DataTypes.STRING(255), allowNull: false },
      ...timestamps,
    });
    await queryInterface.addIndex('webhook_subscriptions', ['organization_id'], { name: 'webhook_subscriptions_organization' });
    await queryInterface.addIndex('webhook_subscriptions', ['client_id'], { name: 'webhook_subscriptions_client' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('webhook_subscriptions');
  },
};
