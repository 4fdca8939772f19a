import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class SignInFailure extends Model<InferAttributes<SignInFailure>, InferCreationAttributes<SignInFailure>> {
  declare userId: string;
  declare failureCount: number;
  declare windowStartedAt: Date;
  declare lockedAt: Date | null;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        userId: { type: DataTypes.STRING(36), primaryKey: true },
        failureCount: { type: DataTypes.INTEGER, allowNull: false },
        windowStartedAt: { type: DataTypes.DATE, allowNull: false },
        lockedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'sign_in_failures' },
    );
  }
}
