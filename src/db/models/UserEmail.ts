import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class UserEmail extends Model<InferAttributes<UserEmail>, InferCreationAttributes<UserEmail>> {
  declare userId: string;
  declare position: number;
  declare value: string;
  declare valueNormalized: string;
  declare type: string | null;
  declare primary: boolean;
  declare display: string | null;
  /** The folded forms of the texts compared ignoring case, as JSON (identity/folding.ts). */
  declare folded: string | null;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        userId: { type: DataTypes.STRING(36), primaryKey: true },
        position: { type: DataTypes.INTEGER, primaryKey: true },
        value: { type: DataTypes.STRING(320), allowNull: false },
        valueNormalized: { type: DataTypes.STRING(320), allowNull: false },
        type: { type: DataTypes.STRING(32), allowNull: true },
        primary: { type: DataTypes.BOOLEAN, allowNull: false },
        display: { type: DataTypes.STRING(320), allowNull: true },
        folded: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: 'user_emails' },
    );
  }
}
