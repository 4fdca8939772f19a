import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class TotpCredential extends Model<InferAttributes<TotpCredential>, InferCreationAttributes<TotpCredential>> {
  declare userId: string;
  /** Encrypted with DATA_ENCRYPTION_KEY. */
  declare secret: string;
  declare confirmedAt: Date | null;
  declare lastUsedStep: number | null;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        userId: { type: DataTypes.STRING(36), primaryKey: true },
        secret: { type: DataTypes.TEXT, allowNull: false },
        confirmedAt: { type: DataTypes.DATE, allowNull: true },
        lastUsedStep: { type: DataTypes.INTEGER, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'totp_credentials' },
    );
  }
}
