import { DataTypes } from 'sequelize';
import { idColumn, references, timestamps, type MigrationModule } from './_helpers.js';

const text = (length: number) => ({ type: DataTypes.STRING(length), allowNull: true });

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('users', {
      id: idColumn,
      directory_id: references('directories', 'RESTRICT'),
      user_name: { type: DataTypes.STRING(255), allowNull: false },
      // lower-cased userName: with the unique index below, userName is unique per directory ignoring case.
      user_name_normalized: { type: DataTypes.STRING(255), allowNull: false },
      external_id: text(255),
      display_name: text(255),
      formatted_name: text(255),
      given_name: text(255),
      family_name: text(255),
      middle_name: text(255),
      honorific_prefix: text(64),
      honorific_suffix: text(64),
      nick_name: text(255),
      profile_url: text(1024),
      title: text(255),
      user_type: text(64),
      preferred_language: text(35),
      locale: text(35),
      timezone: text(64),
      email: text(320),
      email_normalized: text(320),
      phone: text(64),
      employee_number: text(64),
      cost_center: text(128),
      enterprise_organization: text(255),
      division: text(255),
      department: text(255),
      manager_id: text(255),
      manager_display_name: text(255),
      extra: { type: DataTypes.TEXT, allowNull: true },
      status: { type: DataTypes.STRING(32), allowNull: false },
      status_before: text(64),
      sdk_access: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      is_platform_admin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      last_sign_in_at: { type: DataTypes.DATE, allowNull: true },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      ...timestamps,
    });
    await queryInterface.addIndex('users', ['directory_id', 'user_name_normalized'], { name: 'users_directory_user_name', unique: true });
    await queryInterface.addIndex('users', ['directory_id', 'external_id'], { name: 'users_directory_external_id' });
    await queryInterface.addIndex('users', ['email_normalized'], { name: 'users_email' });
    await queryInterface.addIndex('users', ['status'], { name: 'users_status' });
    await queryInterface.addIndex('users', ['created_at', 'id'], { name: 'users_created' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('users');
  },
};
