import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class ScimToken extends Model<InferAttributes<ScimToken>, InferCreationAttributes<ScimToken>> {
  declare id: string;
  declare directoryId: string;
  declare organizationId: string | null;
  declare name: string;
  declare tokenHash: string;
  /** The last characters of the token, so that an operator can tell tokens apart. */
  declare tokenHint: string;
  declare createdBy: string;
  declare createdAt: Date;
  declare expiresAt: Date | null;
  declare lastUsedAt: Date | null;
  declare revokedAt: Date | null;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: false },
        organizationId: { type: DataTypes.STRING(36), allowNull: true },
        name: { type: DataTypes.STRING(100), allowNull: false },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false },
        tokenHint: { type: DataTypes.STRING(16), allowNull: false },
        createdBy: { type: DataTypes.STRING(320), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: true },
        lastUsedAt: { type: DataTypes.DATE, allowNull: true },
        revokedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'scim_tokens' },
    );
  }
}
