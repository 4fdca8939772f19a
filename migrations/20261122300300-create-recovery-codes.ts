import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('recovery_codes', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      user_id: references('users', 'CASCADE'),
      code_hash: { type: DataTypes.STRING(64), allowNull: false },
      used_at: { type: DataTypes.DATE, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('recovery_codes', ['user_id', 'code_hash'], { name: 'recovery_codes_user_code', unique: true });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('recovery_codes');
  },
};
