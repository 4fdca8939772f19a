import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** How a mapping chooses its groups: exact displayName or externalId (ignoring case), or a `*` wildcard pattern on displayName. */
export type RoleMappingMatch = 'displayName' | 'externalId' | 'pattern';

export class RoleMapping extends Model<InferAttributes<RoleMapping>, InferCreationAttributes<RoleMapping>> {
  declare id: string;
  declare directoryId: string;
  declare matchType: RoleMappingMatch;
  declare matchValue: string;
  declare organizationId: string;
  declare role: string;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: false },
        matchType: { type: DataTypes.STRING(16), allowNull: false },
        matchValue: { type: DataTypes.STRING(255), allowNull: false },
        organizationId: { type: DataTypes.STRING(36), allowNull: false },
        role: { type: DataTypes.STRING(64), allowNull: false },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'role_mappings' },
    );
  }
}
