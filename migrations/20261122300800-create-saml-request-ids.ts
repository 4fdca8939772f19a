import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // The AuthnRequest and LogoutRequest ids we issued and have not seen answered, shared by every instance.
    await queryInterface.createTable('saml_request_ids', {
      id: { type: DataTypes.STRING(128), primaryKey: true, allowNull: false },
      directory_id: { type: DataTypes.STRING(36), allowNull: false },
      value: { type: DataTypes.STRING(64), allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('saml_request_ids', ['expires_at'], { name: 'saml_request_ids_expiry' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('saml_request_ids');
  },
};
