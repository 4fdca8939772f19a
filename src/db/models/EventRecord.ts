import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

/** One event of the outbox (identity/events.ts): what changed, in commit order (`position`). */
export class EventRecord extends Model<InferAttributes<EventRecord>, InferCreationAttributes<EventRecord>> {
  declare position: number;
  declare id: string;
  declare type: string;
  declare occurredAt: Date;
  declare organizationIds: string[];
  declare userId: string | null;
  declare groupId: string | null;
  declare directoryId: string | null;
  declare actorType: string;
  declare actorId: string | null;
  declare data: Record<string, unknown>;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        position: { type: DataTypes.BIGINT, primaryKey: true, get(this: EventRecord) { return Number(this.getDataValue('position')); } },
        id: { type: DataTypes.STRING(36), allowNull: false },
        type: { type: DataTypes.STRING(64), allowNull: false },
        occurredAt: { type: DataTypes.DATE, allowNull: false },
        organizationIds: jsonText<string[]>('organizationIds', []),
        userId: { type: DataTypes.STRING(36), allowNull: true },
        groupId: { type: DataTypes.STRING(36), allowNull: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: true },
        actorType: { type: DataTypes.STRING(32), allowNull: false },
        actorId: { type: DataTypes.STRING(255), allowNull: true },
        data: jsonText<Record<string, unknown>>('data', {}),
      },
      { sequelize, tableName: 'events' },
    );
  }
}
