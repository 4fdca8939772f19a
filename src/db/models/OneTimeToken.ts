import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type TokenPurpose = 'activation' | 'password_reset';

/** Why a token stopped working: its form was completed, a newer link replaced it, or the account no longer needs it. */
export type TokenEndReason = 'used' | 'replaced' | 'revoked';

export class OneTimeToken extends Model<InferAttributes<OneTimeToken>, InferCreationAttributes<OneTimeToken>> {
  declare id: string;
  declare userId: string;
  declare purpose: TokenPurpose;
  declare tokenHash: string;
  declare expiresAt: Date;
  declare consumedAt: Date | null;
  /** Null while the token is usable; null on a token ended before the reason was recorded (read as "used"). */
  declare consumedReason: CreationOptional<TokenEndReason | null>;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        userId: { type: DataTypes.STRING(36), allowNull: false },
        purpose: { type: DataTypes.STRING(32), allowNull: false },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        consumedAt: { type: DataTypes.DATE, allowNull: true },
        consumedReason: { type: DataTypes.STRING(16), allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'one_time_tokens' },
    );
  }
}
