import { DataTypes } from 'sequelize';
import { idColumn, references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('one_time_tokens', {
      id: idColumn,
      user_id: references('users', 'CASCADE'),
      purpose: { type: DataTypes.STRING(32), allowNull: false },
      token_hash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      expires_at: { type: DataTypes.DATE, allowNull: false },
      consumed_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('one_time_tokens', ['user_id', 'purpose'], { name: 'one_time_tokens_user' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('one_time_tokens');
  },
};
