import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

/** Where a portal application or an organization receives events (identity/webhooks). */
export class WebhookSubscription extends Model<InferAttributes<WebhookSubscription>, InferCreationAttributes<WebhookSubscription>> {
  declare id: string;
  /** The portal application (OpenID Connect client) that owns it, or null for an organization's. */
  declare clientId: string | null;
  /** The organization that owns it, or null for a portal application's. */
  declare organizationId: string | null;
  /** A client subscription limited to these organizations' events; null: every organization. */
  declare organizationFilter: string[] | null;
  declare description: string;
  declare url: string;
  /** null: every event type. */
  declare eventTypes: string[] | null;
  /** Encrypted with DATA_ENCRYPTION_KEY. */
  declare secret: string;
  declare previousSecret: string | null;
  declare previousSecretExpiresAt: Date | null;
  declare enabled: boolean;
  declare eventCursor: number;
  declare consecutiveFailures: CreationOptional<number>;
  declare pausedUntil: Date | null;
  declare failedAt: Date | null;
  /** The last attempt of any of its deliveries: when, the receiver's status code (null: no answer), the error. */
  declare lastAttemptAt: CreationOptional<Date | null>;
  declare lastAttemptStatusCode: CreationOptional<number | null>;
  declare lastAttemptError: CreationOptional<string | null>;
  declare createdBy: string;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        clientId: { type: DataTypes.STRING(64), allowNull: true },
        organizationId: { type: DataTypes.STRING(36), allowNull: true },
        organizationFilter: jsonText<string[] | null>('organizationFilter', null, true),
        description: { type: DataTypes.STRING(200), allowNull: false },
        url: { type: DataTypes.TEXT, allowNull: false },
        eventTypes: jsonText<string[] | null>('eventTypes', null, true),
        secret: { type: DataTypes.TEXT, allowNull: false },
        previousSecret: { type: DataTypes.TEXT, allowNull: true },
        previousSecretExpiresAt: { type: DataTypes.DATE, allowNull: true },
        enabled: { type: DataTypes.BOOLEAN, allowNull: false },
        eventCursor: { type: DataTypes.BIGINT, allowNull: false, get(this: WebhookSubscription) { return Number(this.getDataValue('eventCursor')); } },
        consecutiveFailures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        pausedUntil: { type: DataTypes.DATE, allowNull: true },
        failedAt: { type: DataTypes.DATE, allowNull: true },
        lastAttemptAt: { type: DataTypes.DATE, allowNull: true, defaultValue: null },
        lastAttemptStatusCode: { type: DataTypes.INTEGER, allowNull: true, defaultValue: null },
        lastAttemptError: { type: DataTypes.STRING(300), allowNull: true, defaultValue: null },
        createdBy: { type: DataTypes.STRING(255), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'webhook_subscriptions' },
    );
  }
}
