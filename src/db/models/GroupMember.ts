import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class GroupMember extends Model<InferAttributes<GroupMember>, InferCreationAttributes<GroupMember>> {
  declare groupId: string;
  declare userId: string;
  declare createdAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        groupId: { type: DataTypes.STRING(36), primaryKey: true },
        userId: { type: DataTypes.STRING(36), primaryKey: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'group_members' },
    );
  }
}
