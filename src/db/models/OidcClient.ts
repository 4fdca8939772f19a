import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

export class OidcClient extends Model<InferAttributes<OidcClient>, InferCreationAttributes<OidcClient>> {
  declare id: string;
  declare name: string;
  /** Encrypted with DATA_ENCRYPTION_KEY. */
  declare secret: string;
  declare redirectUris: string[];
  declare postLogoutRedirectUris: string[];
  declare firstParty: boolean;
  declare organizationIds: string[];
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(64), primaryKey: true },
        name: { type: DataTypes.STRING(200), allowNull: false },
        secret: { type: DataTypes.TEXT, allowNull: false },
        redirectUris: jsonText<string[]>('redirectUris', []),
        postLogoutRedirectUris: jsonText<string[]>('postLogoutRedirectUris', []),
        firstParty: { type: DataTypes.BOOLEAN, allowNull: false },
        organizationIds: jsonText<string[]>('organizationIds', []),
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'oidc_clients' },
    );
  }
}
