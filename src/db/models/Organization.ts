import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import { jsonText } from './json.js';

export type OrganizationKind = 'utility' | 'customer';

/** Per-organization overrides of the platform defaults; absent keys fall back to configuration. */
export interface OrganizationPolicy {
  mfaRequired?: boolean;
  passwordMaxAgeDays?: number;
  passwordResetTtlHours?: number;
  activationTtlHours?: number;
  /** The highest role a provisioning client limited to this organization (a SCIM token) may give. */
  provisioningMaxRole?: string;
}

/** Whom the organization's people ask when they cannot sign in; every part optional. Pages and emails show it. */
export interface OrganizationSupport {
  text?: string;
  email?: string;
  phone?: string;
  url?: string;
}

/**
 * How an organization presents itself to its people (identity/branding): every part optional, the platform's brand
 * (configuration) stands in for what is unset. The logo lives in organization_logos.
 */
export interface OrganizationBrand {
  /** The name pages and emails show ("River Water"); the organization's name when unset. */
  displayName?: string;
  /** #rrggbb, checked against WCAG AA with white text and the page background. */
  primaryColor?: string;
  /** The product named in emails ("River Water customer portal"). */
  productName?: string;
  /** The display name of the emails' sender (the address stays the platform's). */
  senderName?: string;
  /** The name authenticator apps list the account under. */
  authenticatorName?: string;
}

export class Organization extends Model<InferAttributes<Organization>, InferCreationAttributes<Organization>> {
  declare id: string;
  declare kind: OrganizationKind;
  declare name: string;
  declare slug: string;
  declare policy: CreationOptional<OrganizationPolicy>;
  declare support: CreationOptional<OrganizationSupport>;
  declare brand: CreationOptional<OrganizationBrand>;
  declare createdAt: Date;
  declare updatedAt: Date;

  static initModel(sequelize: Sequelize): void {
    this.init(
      {
        id: { type: DataTypes.STRING(36), primaryKey: true },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        name: { type: DataTypes.STRING(200), allowNull: false },
        slug: { type: DataTypes.STRING(64), allowNull: false },
        policy: jsonText<OrganizationPolicy>('policy', {}),
        support: jsonText<OrganizationSupport>('support', {}),
        brand: { ...jsonText<OrganizationBrand>('brand', {}), defaultValue: '{}' },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'organizations' },
    );
  }
}
