import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

/**
 * Provisioning health: what each directory's IdP asked of SCIM, as every instance adds it up (counts per directory,
 * hour and answer), the last errors as they were answered, and when the IdP last called. No foreign keys: an
 * instance may write a directory's counts just after it was deleted; those rows go with the hourly sweep.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('scim_request_counts', {
      directory_id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
      hour_start: { type: DataTypes.DATE, primaryKey: true, allowNull: false },
      status: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
      // '' when the answer had none.
      scim_type: { type: DataTypes.STRING(32), primaryKey: true, allowNull: false },
      count: { type: DataTypes.INTEGER, allowNull: false },
    });
    await queryInterface.addIndex('scim_request_counts', ['hour_start'], { name: 'scim_request_counts_hour' });
    await queryInterface.createTable('scim_request_errors', {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      directory_id: { type: DataTypes.STRING(36), allowNull: false },
      occurred_at: { type: DataTypes.DATE, allowNull: false },
      method: { type: DataTypes.STRING(10), allowNull: false },
      // The path and the names of the query's parameters, never their values (a filter holds a userName).
      path: { type: DataTypes.STRING(300), allowNull: false },
      status: { type: DataTypes.INTEGER, allowNull: false },
      scim_type: { type: DataTypes.STRING(32), allowNull: true },
      detail: { type: DataTypes.TEXT, allowNull: true },
    });
    await queryInterface.addIndex('scim_request_errors', ['directory_id', 'id'], { name: 'scim_request_errors_directory' });
    await queryInterface.createTable('scim_directory_activity', {
      directory_id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
      last_request_at: { type: DataTypes.DATE, allowNull: false },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('scim_directory_activity');
    await queryInterface.dropTable('scim_request_errors');
    await queryInterface.dropTable('scim_request_counts');
  },
};
