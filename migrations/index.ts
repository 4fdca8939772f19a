import type { MigrationModule } from './_helpers.js';
import { migration as createOrganizations } from './20261122100000-create-organizations.js';
import { migration as createDirectories } from './20261122100100-create-directories.js';
import { migration as createDirectoryOrganizations } from './20261122100200-create-directory-organizations.js';
import { migration as createUsers } from './20261122100300-create-users.js';
import { migration as createUserEmails } from './20261122100400-create-user-emails.js';
import { migration as createUserPhoneNumbers } from './20261122100500-create-user-phone-numbers.js';
import { migration as createGroups } from './20261122100600-create-groups.js';
import { migration as createGroupMembers } from './20261122100700-create-group-members.js';
import { migration as createRoleMappings } from './20261122100800-create-role-mappings.js';
import { migration as createMemberships } from './20261122100900-create-memberships.js';
import { migration as createAuditEvents } from './20261122101000-create-audit-events.js';
import { migration as createOneTimeTokens } from './20261122101100-create-one-time-tokens.js';
import { migration as createScimTokens } from './20261122101200-create-scim-tokens.js';
import { migration as createMailMessages } from './20261122101300-create-mail-messages.js';
import { migration as createPasswordCredentials } from './20261122300000-create-password-credentials.js';
import { migration as createPasswordHistory } from './20261122300100-create-password-history.js';
import { migration as createTotpCredentials } from './20261122300200-create-totp-credentials.js';
import { migration as createRecoveryCodes } from './20261122300300-create-recovery-codes.js';
import { migration as createSignInFailures } from './20261122300400-create-sign-in-failures.js';
import { migration as createSessions } from './20261122300500-create-sessions.js';
import { migration as createSamlConfigs } from './20261122300600-create-saml-configs.js';
import { migration as createDirectoryDomains } from './20261122300700-create-directory-domains.js';
import { migration as createSamlRequestIds } from './20261122300800-create-saml-request-ids.js';
import { migration as createSamlAssertionIds } from './20261122300900-create-saml-assertion-ids.js';
import { migration as createAdminApiTokens } from './20261122301000-create-admin-api-tokens.js';
import { migration as createOidcClients } from './20261122301100-create-oidc-clients.js';
import { migration as createOidcPayloads } from './20261122301200-create-oidc-payloads.js';
import { migration as createRateLimitWindows } from './20261122301300-create-rate-limit-windows.js';
import { migration as addUsersDirectoryCreatedIndex } from './20261122301400-add-users-directory-created-index.js';
import { migration as countDirectoryUsers } from './20261202100000-count-directory-users.js';
import { migration as revokeUnlimitedLocalScimTokens } from './20261205100000-revoke-unlimited-local-scim-tokens.js';
import { migration as addPasswordChosenByUser } from './20261205100100-add-password-chosen-by-user.js';
import { migration as foldCompatibilityAndCase } from './20261206100000-fold-compatibility-and-case.js';
import { migration as createServiceTokens } from './20261206200000-create-service-tokens.js';
import { migration as addOneTimeTokenConsumedReason } from './20261207100000-add-one-time-token-consumed-reason.js';
import { migration as addOrganizationSupport } from './20261207100100-add-organization-support.js';
import { migration as addOrganizationBrands } from './20261209100000-add-organization-brands.js';
import { migration as createEvents } from './20261210100000-create-events.js';
import { migration as addMembershipsGroupUserIndex } from './20261208100000-add-memberships-group-user-index.js';
import { migration as createWebhookSubscriptions } from './20261210200000-create-webhook-subscriptions.js';
import { migration as createWebhookDeliveries } from './20261210200100-create-webhook-deliveries.js';
import { migration as addOidcClientBackchannelLogout } from './20261210300000-add-oidc-client-backchannel-logout.js';
import { migration as createOidcLogoutNotices } from './20261210300100-create-oidc-logout-notices.js';
import { migration as createScimRequestStats } from './20261210300200-create-scim-request-stats.js';
import { migration as eventsCheaperToWrite } from './20261211100000-events-cheaper-to-write.js';
import { migration as addWebhookLastAttempt } from './20261211200000-add-webhook-last-attempt.js';

/**
 * Every migration, in order. Listed here (rather than globbed) so that the same code runs them under tsx, jest and
 * the compiled build; a unit test checks that each file of this folder is listed once, in name order.
 */
export const migrations: Array<{ name: string } & MigrationModule> = [
  { name: '20261122100000-create-organizations', ...createOrganizations },
  { name: '20261122100100-create-directories', ...createDirectories },
  { name: '20261122100200-create-directory-organizations', ...createDirectoryOrganizations },
  { name: '20261122100300-create-users', ...createUsers },
  { name: '20261122100400-create-user-emails', ...createUserEmails },
  { name: '20261122100500-create-user-phone-numbers', ...createUserPhoneNumbers },
  { name: '20261122100600-create-groups', ...createGroups },
  { name: '20261122100700-create-group-members', ...createGroupMembers },
  { name: '20261122100800-create-role-mappings', ...createRoleMappings },
  { name: '20261122100900-create-memberships', ...createMemberships },
  { name: '20261122101000-create-audit-events', ...createAuditEvents },
  { name: '20261122101100-create-one-time-tokens', ...createOneTimeTokens },
  { name: '20261122101200-create-scim-tokens', ...createScimTokens },
  { name: '20261122101300-create-mail-messages', ...createMailMessages },
  { name: '20261122300000-create-password-credentials', ...createPasswordCredentials },
  { name: '20261122300100-create-password-history', ...createPasswordHistory },
  { name: '20261122300200-create-totp-credentials', ...createTotpCredentials },
  { name: '20261122300300-create-recovery-codes', ...createRecoveryCodes },
  { name: '20261122300400-create-sign-in-failures', ...createSignInFailures },
  { name: '20261122300500-create-sessions', ...createSessions },
  { name: '20261122300600-create-saml-configs', ...createSamlConfigs },
  { name: '20261122300700-create-directory-domains', ...createDirectoryDomains },
  { name: '20261122300800-create-saml-request-ids', ...createSamlRequestIds },
  { name: '20261122300900-create-saml-assertion-ids', ...createSamlAssertionIds },
  { name: '20261122301000-create-admin-api-tokens', ...createAdminApiTokens },
  { name: '20261122301100-create-oidc-clients', ...createOidcClients },
  { name: '20261122301200-create-oidc-payloads', ...createOidcPayloads },
  { name: '20261122301300-create-rate-limit-windows', ...createRateLimitWindows },
  { name: '20261122301400-add-users-directory-created-index', ...addUsersDirectoryCreatedIndex },
  { name: '20261202100000-count-directory-users', ...countDirectoryUsers },
  { name: '20261205100000-revoke-unlimited-local-scim-tokens', ...revokeUnlimitedLocalScimTokens },
  { name: '20261205100100-add-password-chosen-by-user', ...addPasswordChosenByUser },
  { name: '20261206100000-fold-compatibility-and-case', ...foldCompatibilityAndCase },
  { name: '20261206200000-create-service-tokens', ...createServiceTokens },
  { name: '20261207100000-add-one-time-token-consumed-reason', ...addOneTimeTokenConsumedReason },
  { name: '20261207100100-add-organization-support', ...addOrganizationSupport },
  { name: '20261208100000-add-memberships-group-user-index', ...addMembershipsGroupUserIndex },
  { name: '20261209100000-add-organization-brands', ...addOrganizationBrands },
  { name: '20261210100000-create-events', ...createEvents },
  { name: '20261210200000-create-webhook-subscriptions', ...createWebhookSubscriptions },
  { name: '20261210200100-create-webhook-deliveries', ...createWebhookDeliveries },
  { name: '20261210300000-add-oidc-client-backchannel-logout', ...addOidcClientBackchannelLogout },
  { name: '20261210300100-create-oidc-logout-notices', ...createOidcLogoutNotices },
  { name: '20261210300200-create-scim-request-stats', ...createScimRequestStats },
  { name: '20261211100000-events-cheaper-to-write', ...eventsCheaperToWrite },
  { name: '20261211200000-add-webhook-last-attempt', ...addWebhookLastAttempt },
];
