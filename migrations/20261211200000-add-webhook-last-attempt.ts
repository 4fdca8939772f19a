import type { MigrationModule } from './_helpers.js';

/**
 * A subscription remembers its last attempt (when, the receiver's status code, the error), written with the
 * subscription's circuit in the statement that records each outcome anyway: the console's list shows how each
 * endpoint is doing without reading its deliveries. Plain SQL: sequelize's addColumn names PostgreSQL's public schema,
 * not the one in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    const date = sequelize.getDialect() === 'postgres' ? 'TIMESTAMP WITH TIME ZONE' : 'DATETIME';
    await sequelize.query(`ALTER TABLE webhook_subscriptions ADD COLUMN last_attempt_at ${date}`);
    await sequelize.query('ALTER TABLE webhook_subscriptions ADD COLUMN last_attempt_status_code INTEGER');
    await sequelize.query('ALTER TABLE webhook_subscriptions ADD COLUMN last_attempt_error VARCHAR(300)');
  },
  async down({ context: { queryInterface } }) {
    const sequelize = queryInterface.sequelize;
    await sequelize.query('ALTER TABLE webhook_subscriptions DROP COLUMN last_attempt_error');
    await sequelize.query('ALTER TABLE webhook_subscriptions DROP COLUMN last_attempt_status_code');
    await sequelize.query('ALTER TABLE webhook_subscriptions DROP COLUMN last_attempt_at');
  },
};
