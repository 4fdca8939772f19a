import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class OidcPayload extends Model<InferAttributes<OidcPayload>, InferCreationAttributes<OidcPayload>> {
  declare model: string;
  declare id: string;
  declare payload: string;
  declare grantId: string | null;
  declare uid: string | null;
  declare userCode: string | null;
  declare accountId: string | null;
  declare expiresAt: Date | null;
  declare consumedAt: Date | null;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        model: { type: DataTypes.STRING(48), primaryKey: true },
        id: { type: DataTypes.STRING(255), primaryKey: true },
        payload: { type: DataTypes.TEXT, allowNull: false },
        grantId: { type: DataTypes.STRING(255), allowNull: true },
        uid: { type: DataTypes.STRING(255), allowNull: true },
        userCode: { type: DataTypes.STRING(255), allowNull: true },
        accountId: { type: DataTypes.STRING(255), allowNull: true },
        expiresAt: { type: DataTypes.DATE, allowNull: true },
        consumedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'oidc_payloads' },
    );
  }
}
