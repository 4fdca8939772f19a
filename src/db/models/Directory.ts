import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type DirectoryKind = 'local' | 'sso';

export class Directory extends Model<InferAttributes<Directory>, InferCreationAttributes<Directory>> {
  declare id: string;
  declare kind: DirectoryKind;
  declare name: string;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        kind: { type: DataTypes.STRING(8), allowNull: false },
        name: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'directories' },
    );
  }
}
