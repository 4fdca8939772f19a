import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export const DIRECT_SOURCE = 'direct';

export class Membership extends Model<InferAttributes<Membership>, InferCreationAttributes<Membership>> {
  declare id: string;
  declare userId: string;
  declare organizationId: string;
  declare role: string;
  /** "direct", or "<role mapping id>:<group id>" when a group gives it through a role mapping. */
  declare sourceKey: string;
  declare roleMappingId: string | null;
  declare groupId: string | null;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        userId: { type: DataTypes.STRING(36), allowNull: false },
        organizationId: { type: DataTypes.STRING(36), allowNull: false },
        role: { type: DataTypes.STRING(64), allowNull: false },
        sourceKey: { type: DataTypes.STRING(80), allowNull: false },
        roleMappingId: { type: DataTypes.STRING(36), allowNull: true },
        groupId: { type: DataTypes.STRING(36), allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'memberships' },
    );
  }
}
