import { DataTypes } from 'sequelize';
import { idColumn, references, type MigrationModule } from './_helpers.js';

/**
 * Service tokens: bearer tokens of the admin API that belong to no user (automation: Terraform, CI jobs). Platform
 * level without an organization, else an administrator of that one organization, and deleted with it. A table of
 * their own rather than admin_api_tokens with a nullable owner: an administrator's own tokens keep their owner NOT
 * NULL (SQLite cannot relax a column without rebuilding the table), and nothing that reads "my tokens" can meet one.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('service_tokens', {
      id: idColumn,
      organization_id: references('organizations', 'CASCADE', true),
      name: { type: DataTypes.STRING(100), allowNull: false },
      token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      token_hint: { type: DataTypes.STRING(16), allowNull: false },
      created_by: { type: DataTypes.STRING(320), allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: true },
      last_used_at: { type: DataTypes.DATE, allowNull: true },
      revoked_at: { type: DataTypes.DATE, allowNull: true },
    });
    await queryInterface.addIndex('service_tokens', ['organization_id'], { name: 'service_tokens_organization' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('service_tokens');
  },
};
