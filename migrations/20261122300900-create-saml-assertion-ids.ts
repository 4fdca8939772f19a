import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // Assertions already used, kept until they would have expired anyway: a replayed response is refused.
    await queryInterface.createTable('saml_assertion_ids', {
      directory_id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
      assertion_id: { type: DataTypes.STRING(255), primaryKey: true, allowNull: false },
      expires_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('saml_assertion_ids', ['expires_at'], { name: 'saml_assertion_ids_expiry' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('saml_assertion_ids');
  },
};
