import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // Fixed-window request counters of the hosted pages' rate limits, shared by every instance. The bucket is a hash
    // of the limit's name and the client address (no address is stored); rows are swept once their window is over.
    await queryInterface.createTable('rate_limit_windows', {
      bucket: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
      window_start: { type: DataTypes.BIGINT, primaryKey: true, allowNull: false },
      hits: { type: DataTypes.INTEGER, allowNull: false },
      expires_at: { type: DataTypes.BIGINT, allowNull: false },
    });
    await queryInterface.addIndex('rate_limit_windows', ['expires_at'], { name: 'rate_limit_windows_expiry' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('rate_limit_windows');
  },
};
