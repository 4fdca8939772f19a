import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // oidc-provider's state (sessions, grants, codes, tokens, interactions), shared by every instance.
    await queryInterface.createTable('oidc_payloads', {
      model: { type: DataTypes.STRING(48), primaryKey: true, allowNull: false },
      id: { type: DataTypes.STRING(255), primaryKey: true, allowNull: false },
      payload: { type: DataTypes.TEXT, allowNull: false },
      grant_id: { type: DataTypes.STRING(255), allowNull: true },
      uid: { type: DataTypes.STRING(255), allowNull: true },
      user_code: { type: DataTypes.STRING(255), allowNull: true },
      account_id: { type: DataTypes.STRING(255), allowNull: true },
      expires_at: { type: DataTypes.DATE, allowNull: true },
      consumed_at: { type: DataTypes.DATE, allowNull: true },
    });
    await queryInterface.addIndex('oidc_payloads', ['grant_id'], { name: 'oidc_payloads_grant' });
    await queryInterface.addIndex('oidc_payloads', ['uid'], { name: 'oidc_payloads_uid' });
    await queryInterface.addIndex('oidc_payloads', ['account_id'], { name: 'oidc_payloads_account' });
    await queryInterface.addIndex('oidc_payloads', ['expires_at'], { name: 'oidc_payloads_expiry' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('oidc_payloads');
  },
};
