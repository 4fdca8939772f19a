import { DataTypes } from 'sequelize';
import { idColumn, references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // Tokens for automation against the admin API; each acts with the rights of the administrator who made it.
    await queryInterface.createTable('admin_api_tokens', {
      id: idColumn,
      user_id: references('users', 'CASCADE'),
      name: { type: DataTypes.STRING(100), allowNull: false },
      token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      token_hint: { type: DataTypes.STRING(16), allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: true },
      last_used_at: { type: DataTypes.DATE, allowNull: true },
      revoked_at: { type: DataTypes.DATE, allowNull: true },
    });
    await queryInterface.addIndex('admin_api_tokens', ['user_id'], { name: 'admin_api_tokens_user' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('admin_api_tokens');
  },
};
