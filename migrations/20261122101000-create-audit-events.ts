import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // No foreign keys: the trail outlives the users, organizations and tokens it names.
    await queryInterface.createTable('audit_events', {
      // A sequence, so that events of the same millisecond keep the order they happened in.
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      occurred_at: { type: DataTypes.DATE, allowNull: false },
      actor_type: { type: DataTypes.STRING(16), allowNull: false },
      actor_id: { type: DataTypes.STRING(64), allowNull: true },
      actor_label: { type: DataTypes.STRING(320), allowNull: false },
      action: { type: DataTypes.STRING(64), allowNull: false },
      target_type: { type: DataTypes.STRING(32), allowNull: true },
      target_id: { type: DataTypes.STRING(64), allowNull: true },
      user_id: { type: DataTypes.STRING(36), allowNull: true },
      organization_id: { type: DataTypes.STRING(36), allowNull: true },
      directory_id: { type: DataTypes.STRING(36), allowNull: true },
      ip: { type: DataTypes.STRING(64), allowNull: true },
      request_id: { type: DataTypes.STRING(64), allowNull: true },
      details: { type: DataTypes.TEXT, allowNull: true },
    });
    await queryInterface.addIndex('audit_events', ['occurred_at'], { name: 'audit_events_time' });
    await queryInterface.addIndex('audit_events', ['user_id', 'occurred_at'], { name: 'audit_events_user' });
    await queryInterface.addIndex('audit_events', ['organization_id', 'occurred_at'], { name: 'audit_events_organization' });
    await queryInterface.addIndex('audit_events', ['actor_id', 'occurred_at'], { name: 'audit_events_actor' });
    await queryInterface.addIndex('audit_events', ['action', 'occurred_at'], { name: 'audit_events_action' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('audit_events');
  },
};
