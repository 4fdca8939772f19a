import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

export type SamlMatchAttribute = 'userName' | 'email' | 'externalId';

export class SamlConfig extends Model<InferAttributes<SamlConfig>, InferCreationAttributes<SamlConfig>> {
  declare directoryId: string;
  declare idpEntityId: string;
  declare ssoUrl: string;
  declare sloUrl: string | null;
  declare certificates: string[];
  declare nameIdFormat: string;
  declare matchAttribute: SamlMatchAttribute;
  declare allowIdpInitiated: boolean;
  declare jit: boolean;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        directoryId: { type: DataTypes.STRING(36), primaryKey: true },
        idpEntityId: { type: DataTypes.STRING(1024), allowNull: false },
        ssoUrl: { type: DataTypes.STRING(2048), allowNull: false },
        sloUrl: { type: DataTypes.STRING(2048), allowNull: true },
        certificates: jsonText<string[]>('certificates', []),
        nameIdFormat: { type: DataTypes.STRING(255), allowNull: false },
        matchAttribute: { type: DataTypes.STRING(16), allowNull: false },
        allowIdpInitiated: { type: DataTypes.BOOLEAN, allowNull: false },
        jit: { type: DataTypes.BOOLEAN, allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'saml_configs' },
    );
  }
}
