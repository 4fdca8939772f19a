import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class DirectoryDomain extends Model<InferAttributes<DirectoryDomain>, InferCreationAttributes<DirectoryDomain>> {
  declare domain: string;
  declare directoryId: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        domain: { type: DataTypes.STRING(253), primaryKey: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'directory_domains' },
    );
  }
}
