import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('password_history', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      user_id: references('users', 'CASCADE'),
      hash: { type: DataTypes.STRING(255), allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('password_history', ['user_id', 'created_at'], { name: 'password_history_user' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('password_history');
  },
};
