import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('user_emails', {
      user_id: { ...references('users', 'CASCADE'), primaryKey: true },
      position: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      value: { type: DataTypes.STRING(320), allowNull: false },
      value_normalized: { type: DataTypes.STRING(320), allowNull: false },
      type: { type: DataTypes.STRING(32), allowNull: true },
      primary: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      display: { type: DataTypes.STRING(320), allowNull: true },
    });
    await queryInterface.addIndex('user_emails', ['value_normalized'], { name: 'user_emails_value' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('user_emails');
  },
};
