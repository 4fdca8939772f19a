import { DataTypes } from 'sequelize';
import type { MigrationModule } from './_helpers.js';

/**
 * An organization's brand: its display name, colour, product name for emails, sender name and authenticator label as
 * JSON text on the organization (like its policy and support contact), and its logo in a table of its own, so that
 * reading an organization never reads image bytes. Plain SQL for the column: sequelize's addColumn names PostgreSQL's
 * public schema, not the one in use.
 */
export const migration: MigrationModule = {
  async up({ context: { queryInterface } }) {
    await queryInterface.sequelize.query("ALTER TABLE organizations ADD COLUMN brand TEXT NOT NULL DEFAULT '{}'");
    await queryInterface.createTable('organization_logos', {
      organization_id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false, references: { model: 'organizations', key: 'id' }, onDelete: 'CASCADE', onUpdate: 'CASCADE' },
      content_type: { type: DataTypes.STRING(32), allowNull: false },
      width: { type: DataTypes.INTEGER, allowNull: false },
      height: { type: DataTypes.INTEGER, allowNull: false },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      data: { type: DataTypes.BLOB, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    });
  },
  async down({ context: { queryInterface } }) {
    await queryInterface.dropTable('organization_logos');
    await queryInterface.sequelize.query('ALTER TABLE organizations DROP COLUMN brand');
  },
};
