import { DataTypes } from 'sequelize';
import { idColumn, references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('scim_tokens', {
      id: idColumn,
      directory_id: references('directories', 'CASCADE'),
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
    await queryInterface.addIndex('scim_tokens', ['directory_id'], { name: 'scim_tokens_directory' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('scim_tokens');
  },
};
