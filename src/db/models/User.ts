import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { UserStatus } from '../../identity/statusMachine.js';
import { jsonText } from './json.js';

/** SCIM attributes kept as sent but not queried: addresses, ims, photos, entitlements, roles, x509Certificates. */
export type UserExtra = Record<string, unknown>;

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: string;
  declare directoryId: string;
  declare userName: string;
  declare userNameNormalized: string;
  declare externalId: string | null;
  declare displayName: string | null;
  declare formattedName: string | null;
  declare givenName: string | null;
  declare familyName: string | null;
  declare middleName: string | null;
  declare honorificPrefix: string | null;
  declare honorificSuffix: string | null;
  declare nickName: string | null;
  declare profileUrl: string | null;
  declare title: string | null;
  declare userType: string | null;
  declare preferredLanguage: string | null;
  declare locale: string | null;
  declare timezone: string | null;
  declare email: string | null;
  declare emailNormalized: string | null;
  declare phone: string | null;
  declare employeeNumber: string | null;
  declare costCenter: string | null;
  declare enterpriseOrganization: string | null;
  declare division: string | null;
  declare department: string | null;
  declare managerId: string | null;
  declare managerDisplayName: string | null;
  declare extra: UserExtra | null;
  /** The folded forms of the texts compared ignoring case, as JSON (identity/folding.ts). */
  declare folded: string | null;
  declare status: UserStatus;
  /** Statuses to return to, nearest first, joined by ">" (see statusMachine.encodeResume). */
  declare statusBefore: string | null;
  declare sdkAccess: CreationOptional<boolean>;
  declare isPlatformAdmin: CreationOptional<boolean>;
  declare lastSignInAt: Date | null;
  declare version: CreationOptional<number>;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    const text = (length: number) => ({ type: DataTypes.STRING(length), allowNull: true });
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        directoryId: { type: DataTypes.STRING(36), allowNull: false },
        userName: { type: DataTypes.STRING(255), allowNull: false },
        userNameNormalized: { type: DataTypes.STRING(255), allowNull: false },
        externalId: text(255),
        displayName: text(255),
        formattedName: text(255),
        givenName: text(255),
        familyName: text(255),
        middleName: text(255),
        honorificPrefix: text(64),
        honorificSuffix: text(64),
        nickName: text(255),
        profileUrl: text(1024),
        title: text(255),
        userType: text(64),
        preferredLanguage: text(35),
        locale: text(35),
        timezone: text(64),
        email: text(320),
        emailNormalized: text(320),
        phone: text(64),
        employeeNumber: text(64),
        costCenter: text(128),
        enterpriseOrganization: text(255),
        division: text(255),
        department: text(255),
        managerId: text(255),
        managerDisplayName: text(255),
        extra: jsonText<UserExtra>('extra', {}, true),
        folded: { type: DataTypes.TEXT, allowNull: true },
        status: { type: DataTypes.STRING(32), allowNull: false },
        statusBefore: text(64),
        sdkAccess: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isPlatformAdmin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        lastSignInAt: { type: DataTypes.DATE, allowNull: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'users' },
    );
  }
}
