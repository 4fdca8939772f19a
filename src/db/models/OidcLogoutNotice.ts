import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type OidcLogoutNoticeStatus = 'queued' | 'sending' | 'sent' | 'abandoned';

/** One back-channel logout to send: a portal application (client) told that a user's session ended. */
export class OidcLogoutNotice extends Model<InferAttributes<OidcLogoutNotice>, InferCreationAttributes<OidcLogoutNotice>> {
  declare id: string;
  declare clientId: string;
  /** The `sub` of the logout token. */
  declare userId: string;
  /** The session (`sid`), for a client that registered backchannel_logout_session_required. */
  declare sid: string | null;
  declare reason: string;
  declare status: OidcLogoutNoticeStatus;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date;
  declare lastError: string | null;
  /** The HTTP status the portal answered the last attempt with, if it answered. */
  declare lastStatus: number | null;
  declare sentAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        clientId: { type: DataTypes.STRING(64), allowNull: false },
        userId: { type: DataTypes.STRING(36), allowNull: false },
        sid: { type: DataTypes.STRING(255), allowNull: true },
        reason: { type: DataTypes.STRING(32), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE, allowNull: false },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        lastStatus: { type: DataTypes.INTEGER, allowNull: true },
        sentAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'oidc_logout_notices' },
    );
  }
}
