import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('user_phone_numbers', {
      user_id: { ...references('users', 'CASCADE'), primaryKey: true },
      position: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true },
      value: { type: DataTypes.STRING(64), allowNull: false },
      type: { type: DataTypes.STRING(32), allowNull: true },
      primary: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      display: { type: DataTypes.STRING(64), allowNull: true },
    });
    await queryInterface.addIndex('user_phone_numbers', ['value'], { name: 'user_phone_numbers_value' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('user_phone_numbers');
  },
};
