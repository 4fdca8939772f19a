import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

/** What a session may do: finish signing in, or everything. */
export type SessionStage = 'totp' | 'enrol_totp' | 'new_password' | 'signed_in';

export type SessionData = Record<string, unknown>;

export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  /** SHA-256 of the cookie's secret. */
  declare id: string;
  declare userId: string;
  declare stage: SessionStage;
  declare data: SessionData | null;
  declare createdAt: Date;
  declare lastSeenAt: Date;
  declare expiresAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(64), primaryKey: true },
        userId: { type: DataTypes.STRING(36), allowNull: false },
        stage: { type: DataTypes.STRING(32), allowNull: false },
        data: jsonText<SessionData>('data', {}, true),
        createdAt: { type: DataTypes.DATE, allowNull: false },
        lastSeenAt: { type: DataTypes.DATE, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'sessions' },
    );
  }
}
