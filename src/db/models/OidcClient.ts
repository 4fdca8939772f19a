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
  /** Where a back-channel logout token is POSTed when a user's session ends (OpenID Connect Back-Channel Logout). */
  declare backchannelLogoutUri: string | null;
  /** Whether the logout token must name the session (`sid`); the ID tokens then carry it too. */
  declare backchannelLogoutSessionRequired: boolean;
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
        backchannelLogoutUri: { type: DataTypes.STRING(2000), allowNull: true },
        backchannelLogoutSessionRequired: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'oidc_clients' },
    );
  }
}
