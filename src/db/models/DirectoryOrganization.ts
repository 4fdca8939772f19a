import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class DirectoryOrganization extends Model<InferAttributes<DirectoryOrganization>, InferCreationAttributes<DirectoryOrganization>> {
  declare directoryId: string;
  declare organizationId: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        directoryId: { type: DataTypes.STRING(36), primaryKey: true },
        organizationId: { type: DataTypes.STRING(36), primaryKey: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'directory_organizations' },
    );
  }
}
