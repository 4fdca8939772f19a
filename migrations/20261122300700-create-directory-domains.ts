import { DataTypes } from 'sequelize';
import { references, type MigrationModule } from './_helpers.js';

export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    // An email domain belongs to at most one directory: the sign-in page sends its addresses to that IdP.
    await queryInterface.createTable('directory_domains', {
      domain: { type: DataTypes.STRING(253), primaryKey: true, allowNull: false },
      directory_id: references('directories', 'CASCADE'),
      created_at: { type: DataTypes.DATE, allowNull: false },
    });
    await queryInterface.addIndex('directory_domains', ['directory_id'], { name: 'directory_domains_directory' });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('directory_domains');
  },
};
