import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** One event for one webhook subscription, and how its delivery went (identity/webhooks). */
export class WebhookDelivery extends Model<InferAttributes<WebhookDelivery>, InferCreationAttributes<WebhookDelivery>> {
  declare id: string;
  declare subscriptionId: string;
  declare eventPosition: number;
  declare eventId: string;
  declare eventType: string;
  /** The user (else the group) the event is about: a subscription's deliveries with one key go in event order. */
  declare orderKey: string | null;
  declare status: WebhookDeliveryStatus;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date;
  declare claimId: string | null;
  declare claimedUntil: Date | null;
  declare firstAttemptAt: Date | null;
  declare lastAttemptAt: Date | null;
  declare lastStatusCode: number | null;
  declare lastDurationMs: number | null;
  declare lastError: string | null;
  declare lastResponseExcerpt: string | null;
  declare deliveredAt: Date | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        subscriptionId: { type: DataTypes.STRING(36), allowNull: false },
        eventPosition: { type: DataTypes.BIGINT, allowNull: false, get(this: WebhookDelivery) { return Number(this.getDataValue('eventPosition')); } },
        eventId: { type: DataTypes.STRING(36), allowNull: false },
        eventType: { type: DataTypes.STRING(64), allowNull: false },
        orderKey: { type: DataTypes.STRING(80), allowNull: true },
        status: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE, allowNull: false },
        claimId: { type: DataTypes.STRING(36), allowNull: true },
        claimedUntil: { type: DataTypes.DATE, allowNull: true },
        firstAttemptAt: { type: DataTypes.DATE, allowNull: true },
        lastAttemptAt: { type: DataTypes.DATE, allowNull: true },
        lastStatusCode: { type: DataTypes.INTEGER, allowNull: true },
        lastDurationMs: { type: DataTypes.INTEGER, allowNull: true },
        lastError: { type: DataTypes.STRING(300), allowNull: true },
        lastResponseExcerpt: { type: DataTypes.STRING(200), allowNull: true },
        deliveredAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'webhook_deliveries' },
    );
  }
}
