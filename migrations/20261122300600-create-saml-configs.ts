import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.createTable('saml_configs', {
      directory_id: { ...references('directories', 'CASCADE'), primaryKey: true },
      idp_entity_id: { type: DataTypes.STRING(1024), allowNull: false },
      sso_url: { type: DataTypes.STRING(2048), allowNull: false },
      slo_url: { type: DataTypes.STRING(2048), allowNull: true },
      // JSON list of PEM certificates: several at once while the IdP rotates its key.
      certificates: { type: DataTypes.TEXT, allowNull: false },
      name_id_format: { type: DataTypes.STRING(255), allowNull: false },
      match_attribute: { type: DataTypes.STRING(16), allowNull: false },
      allow_idp_initiated: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      jit: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('saml_configs');
  },
};
