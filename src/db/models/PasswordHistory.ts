import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class PasswordHistory extends Model<InferAttributes<PasswordHistory>, InferCreationAttributes<PasswordHistory>> {
  declare id: CreationOptional<number>;
  declare userId: string;
  declare hash: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        userId: { type: DataTypes.STRING(36), allowNull: false },
        hash: { type: DataTypes.STRING(255), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'password_history' },
    );
  }
}
