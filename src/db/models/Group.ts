import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class Group extends Model<InferAttributes<Group>, InferCreationAttributes<Group>> {
  declare id: string;
  declare directoryId: string;
  declare displayName: string;
  declare displayNameNormalized: string;
  declare externalId: string | null;
  declare version: CreationOptional<number>;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: false },
        displayName: { type: DataTypes.STRING(255), allowNull: false },
        displayNameNormalized: { type: DataTypes.STRING(255), allowNull: false },
        externalId: { type: DataTypes.STRING(255), allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'groups' },
    );
  }
}
