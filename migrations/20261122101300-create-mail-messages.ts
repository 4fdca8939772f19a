import { DataTypes } from 'sequelize';
import { idColumn, references, timestamps, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('mail_messages', {
      id: idColumn,
      user_id: references('users', 'SET NULL', true),
      to_address: { type: DataTypes.STRING(320), allowNull: false },
      template: { type: DataTypes.STRING(64), allowNull: false },
      locale: { type: DataTypes.STRING(35), allowNull: false },
      // The template's data (links carry one-time tokens), encrypted with DATA_ENCRYPTION_KEY; cleared once sent.
      payload: { type: DataTypes.TEXT, allowNull: true },
      status: { type: DataTypes.STRING(16), allowNull: false },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: DataTypes.DATE, allowNull: false },
      last_error: { type: DataTypes.TEXT, allowNull: true },
      sent_at: { type: DataTypes.DATE, allowNull: true },
      ...timestamps,
    });
    await queryInterface.addIndex('mail_messages', ['status', 'next_attempt_at'], { name: 'mail_messages_due' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('mail_messages');
  },
};
