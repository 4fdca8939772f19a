import type { Sequelize } from 'sequelize';
import { AdminApiToken } from './AdminApiToken.js';
import { AuditEvent } from './AuditEvent.js';
import { Directory } from './Directory.js';
import { DirectoryDomain } from './DirectoryDomain.js';
import { DirectoryOrganization } from './DirectoryOrganization.js';
import { EventRecord } from './EventRecord.js';
import { Group } from './Group.js';
import { GroupMember } from './GroupMember.js';
import { MailMessage } from './MailMessage.js';
import { Membership } from './Membership.js';
import { OidcClient } from './OidcClient.js';
import { OidcLogoutNotice } from './OidcLogoutNotice.js';
import { OidcPayload } from './OidcPayload.js';
import { OneTimeToken } from './OneTimeToken.js';
import { PasswordCredential } from './PasswordCredential.js';
import { PasswordHistory } from './PasswordHistory.js';
import { RecoveryCode } from './RecoveryCode.js';
import { Session } from './Session.js';
import { SignInFailure } from './SignInFailure.js';
import { TotpCredential } from './TotpCredential.js';
import { Organization } from './Organization.js';
import { OrganizationLogo } from './OrganizationLogo.js';
import { RoleMapping } from './RoleMapping.js';
import { SamlAssertionId } from './SamlAssertionId.js';
import { SamlConfig } from './SamlConfig.js';
import { SamlRequestId } from './SamlRequestId.js';
import { ScimToken } from './ScimToken.js';
import { ServiceToken } from './ServiceToken.js';
import { User } from './User.js';
import { UserEmail } from './UserEmail.js';
import { UserPhoneNumber } from './UserPhoneNumber.js';
import { WebhookDelivery } from './WebhookDelivery.js';
import { WebhookSubscription } from './WebhookSubscription.js';

export {
  AdminApiToken, AuditEvent, Directory, DirectoryDomain, DirectoryOrganization, EventRecord, Group, GroupMember, MailMessage, Membership, OidcClient, OidcLogoutNotice, OidcPayload, OneTimeToken,
  Organization, OrganizationLogo, PasswordCredential, PasswordHistory, RecoveryCode, RoleMapping, SamlAssertionId, SamlConfig, SamlRequestId,
  ScimToken, ServiceToken, Session, SignInFailure, TotpCredential, User, UserEmail, UserPhoneNumber, WebhookDelivery, WebhookSubscription,
};

const classes = {
  AdminApiToken, AuditEvent, Directory, DirectoryDomain, DirectoryOrganization, EventRecord, Group, GroupMember, MailMessage, Membership, OidcClient, OidcLogoutNotice, OidcPayload, OneTimeToken,
  Organization, OrganizationLogo, PasswordCredential, PasswordHistory, RecoveryCode, RoleMapping, SamlAssertionId, SamlConfig, SamlRequestId,
  ScimToken, ServiceToken, Session, SignInFailure, TotpCredential, User, UserEmail, UserPhoneNumber, WebhookDelivery, WebhookSubscription,
};

export type Models = typeof classes;

/**
 * Model classes bound to `sequelize`. Each database gets its own subclasses, so that two databases can be open in one
 * process (the CLI tests, a migration check) without one rebinding the other's models.
 */
export function defineModels(sequelize: Sequelize): Models {
  const bound = Object.fromEntries(
    Object.entries(classes).map(([name, base]) => {
      const subclass = { [name]: class extends (base as typeof Organization) {} }[name] as typeof Organization;
      subclass.initModel(sequelize);
      return [name, subclass];
    }),
  ) as unknown as Models;
  bound.User.hasMany(bound.UserEmail, { foreignKey: 'userId', as: 'emails' });
  bound.User.hasMany(bound.UserPhoneNumber, { foreignKey: 'userId', as: 'phoneNumbers' });
  bound.User.hasMany(bound.Membership, { foreignKey: 'userId', as: 'memberships' });
  bound.Membership.belongsTo(bound.Organization, { foreignKey: 'organizationId', as: 'organization' });
  bound.Membership.belongsTo(bound.Group, { foreignKey: 'groupId', as: 'group' });
  return bound;
}
