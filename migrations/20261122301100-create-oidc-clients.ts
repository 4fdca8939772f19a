import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // The portal applications that sign users in through idbridge (OpenID Connect relying parties).
    await queryInterface.createTable('oidc_clients', {
      id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
      name: { type: DataTypes.STRING(200), allowNull: false },
      // The client secret, encrypted with DATA_ENCRYPTION_KEY: the token endpoint needs it back to compare.
      secret: { type: DataTypes.TEXT, allowNull: false },
      redirect_uris: { type: DataTypes.TEXT, allowNull: false },
      post_logout_redirect_uris: { type: DataTypes.TEXT, allowNull: false },
      first_party: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      // JSON list of organization ids whose users may use the client; empty: everyone.
      organization_ids: { type: DataTypes.TEXT, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('oidc_clients');
  },
};
