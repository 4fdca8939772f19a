import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/**
 * A bearer token of the admin API that is no one's account (automation: Terraform, CI jobs): platform level, or an
 * administrator of one organization. Stored as a hash; deleted with its organization.
 */
export class ServiceToken extends Model<InferAttributes<ServiceToken>, InferCreationAttributes<ServiceToken>> {
  declare id: string;
  /** Null: the token acts at platform level. */
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
      { sequelize, tableName: 'service_tokens' },
    );
  }
}
