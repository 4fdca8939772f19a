import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class SamlAssertionId extends Model<InferAttributes<SamlAssertionId>, InferCreationAttributes<SamlAssertionId>> {
  declare directoryId: string;
  declare assertionId: string;
  declare expiresAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        directoryId: { type: DataTypes.STRING(36), primaryKey: true },
        assertionId: { type: DataTypes.STRING(255), primaryKey: true },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'saml_assertion_ids' },
    );
  }
}
