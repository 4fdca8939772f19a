import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class SamlRequestId extends Model<InferAttributes<SamlRequestId>, InferCreationAttributes<SamlRequestId>> {
  declare id: string;
  declare directoryId: string;
  declare value: string;
  declare expiresAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(128), primaryKey: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: false },
        value: { type: DataTypes.STRING(64), allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'saml_request_ids' },
    );
  }
}
