import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class PasswordCredential extends Model<InferAttributes<PasswordCredential>, InferCreationAttributes<PasswordCredential>> {
  declare userId: string;
  declare hash: string;
  declare changedAt: Date;
  declare reminderSentAt: Date | null;
  /** The user chose it (activation, reset, change); false when a provisioning client set it. */
  declare chosenByUser: boolean;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        userId: { type: DataTypes.STRING(36), primaryKey: true },
        hash: { type: DataTypes.STRING(255), allowNull: false },
        changedAt: { type: DataTypes.DATE, allowNull: false },
        reminderSentAt: { type: DataTypes.DATE, allowNull: true },
        chosenByUser: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      },
      { sequelize, tableName: 'password_credentials' },
    );
  }
}
