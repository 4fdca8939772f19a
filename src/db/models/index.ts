import type { Sequelize } from 'sequelize';
import { AuditEvent } from './AuditEvent.js';
import { Directory } from './Directory.js';
import { DirectoryOrganization } from './DirectoryOrganization.js';
import { Group } from './Group.js';
import { GroupMember } from './GroupMember.js';
import { MailMessage } from './MailMessage.js';
import { Membership } from './Membership.js';
import { OneTimeToken } from './OneTimeToken.js';
import { Organization } from './Organization.js';
import { RoleMapping } from './RoleMapping.js';
import { ScimToken } from './ScimToken.js';
import { User } from './User.js';
import { UserEmail } from './UserEmail.js';
import { UserPhoneNumber } from './UserPhoneNumber.js';

export {
  AuditEvent, Directory, DirectoryOrganization, Group, GroupMember, MailMessage, Membership, OneTimeToken, Organization,
  RoleMapping, ScimToken, User, UserEmail, UserPhoneNumber,
};

const all = {
  AuditEvent, Directory, DirectoryOrganization, Group, GroupMember, MailMessage, Membership, OneTimeToken, Organization,
  RoleMapping, ScimToken, User, UserEmail, UserPhoneNumber,
};

export type Models = typeof all;

/**
 * Binds every model to `sequelize`. Sequelize models are classes bound to one instance at a time; the process has
 * one database, and tests open one database per test file (jest isolates modules per file).
 */
export function defineModels(sequelize: Sequelize): Models {
  for (const model of Object.values(all)) model.initModel(sequelize);
  User.hasMany(UserEmail, { foreignKey: 'userId', as: 'emails' });
  User.hasMany(UserPhoneNumber, { foreignKey: 'userId', as: 'phoneNumbers' });
  User.hasMany(Membership, { foreignKey: 'userId', as: 'memberships' });
  Membership.belongsTo(Organization, { foreignKey: 'organizationId', as: 'organization' });
  Membership.belongsTo(Group, { foreignKey: 'groupId', as: 'group' });
  return all;
}
