import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** The logo of an organization's brand: checked image bytes (PNG, JPEG or WebP), kept apart from the organization. */
export class OrganizationLogo extends Model<InferAttributes<OrganizationLogo>, InferCreationAttributes<OrganizationLogo>> {
  declare organizationId: string;
  declare contentType: string;
  declare width: number;
  declare height: number;
  /** Hex SHA-256 of the bytes: the logo's address carries its start, so a changed logo is a new address. */
  declare sha256: string;
  declare data: Buffer;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        organizationId: { type: DataTypes.STRING(36), primaryKey: true },
        contentType: { type: DataTypes.STRING(32), allowNull: false },
        width: { type: DataTypes.INTEGER, allowNull: false },
        height: { type: DataTypes.INTEGER, allowNull: false },
        sha256: { type: DataTypes.STRING(64), allowNull: false },
        data: { type: DataTypes.BLOB, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'organization_logos' },
    );
  }
}
