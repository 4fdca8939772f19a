import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('sessions', {
      // SHA-256 of the cookie's secret: a database read does not yield a usable session.
      id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
      user_id: references('users', 'CASCADE'),
      // What the session may do: finish signing in (a second factor, a new password) or everything.
      stage: { type: DataTypes.STRING(32), allowNull: false },
      data: { type: DataTypes.TEXT, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      last_seen_at: { type: DataTypes.DATE, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('sessions', ['user_id'], { name: 'sessions_user' });
    await queryInterface.addIndex('sessions', ['expires_at'], { name: 'sessions_expiry' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('sessions');
  },
};
