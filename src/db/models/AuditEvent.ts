import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

export type AuditDetails = Record<string, unknown>;

export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare id: CreationOptional<number>;
  declare occurredAt: Date;
  declare actorType: string;
  declare actorId: string | null;
  declare actorLabel: string;
  declare action: string;
  declare targetType: string | null;
  declare targetId: string | null;
  declare userId: string | null;
  declare organizationId: string | null;
  declare directoryId: string | null;
  declare ip: string | null;
  declare requestId: string | null;
  declare details: AuditDetails | null;

  static initModel(sequelize: Sequelize): void {
    const text = (length: number) => ({ type: DataTypes.STRING(length), allowNull: true });
    this.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        occurredAt: { type: DataTypes.DATE, allowNull: false },
        actorType: { type: DataTypes.STRING(16), allowNull: false },
        actorId: text(64),
        actorLabel: { type: DataTypes.STRING(320), allowNull: false },
        action: { type: DataTypes.STRING(64), allowNull: false },
        targetType: text(32),
        targetId: text(64),
        userId: text(36),
        organizationId: text(36),
        directoryId: text(36),
        ip: text(64),
        requestId: text(64),
        details: jsonText<AuditDetails>('details', {}, true),
      },
      { sequelize, tableName: 'audit_events' },
    );
  }
}
