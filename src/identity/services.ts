import type { DomainContext } from './context.js';
import { resendActivation } from './accounts/activation.js';
import { createAccountFromForm, grantableOrganizations, runAccountAction } from './accounts/administration.js';
import { addMemberByEmail } from './accounts/addMember.js';
import { createAccount } from './accounts/create.js';
import { resetMfa, sendPasswordReset, setAccountPassword } from './accounts/credentials.js';
import { grantMembership, removeMembership } from './accounts/memberships.js';
import { findListNeighbours } from './accounts/neighbours.js';
import { accountPermissions, listAccountPermissions } from './accounts/permissions.js';
import { bootstrapPlatformAdmin, createPlatformAdmin, reissueAdminSetupLink } from './accounts/platformAdmins.js';
import { changeProvisionedAccount, patchProvisionedAccount, provisionAccount } from './accounts/provisioning.js';
import { getAccount, getAccountDetail, listAccounts, listAccountSummaries, searchAccounts } from './accounts/read.js';
import { deleteAccount, deprovisionAccount } from './accounts/remove.js';
import { deactivateAccount, lockAccount, reactivateAccount, setAccountActive, unlockAccount } from './accounts/status.js';
import { editAccount, updateAccount } from './accounts/update.js';
import { authenticateAdminApiToken, createAdminApiToken, listAdminApiTokens, revokeAdminApiToken } from './apiTokens.js';
import { listAuditEvents } from './auditLog.js';
import { listEvents, sweepEvents } from './eventFeed.js';
import { sendExpiryReminders } from './credentials/expiryReminders.js';
import { createDirectory, deleteDirectory, getDirectory, linkOrganization, listDirectories, unlinkOrganization } from './directories.js';
import { changeGroup } from './groupChanges.js';
import { createGroup, deleteGroup, getGroup } from './groups.js';
import { accountClaims, mayUseClient } from './oidcAccounts.js';
import { createOidcClient, deleteOidcClient, getOidcClient, listOidcClients, oidcClientMetadata, updateOidcClient } from './oidcClients.js';
import { createOrganization, deleteOrganization, getOrganization, listOrganizations, updateOrganization } from './organizations.js';
import { brandForPage, getBrand, logoLimits, platformBrand, readLogo, removeBrandLogo, setBrand, setBrandLogo } from './branding/brands.js';
import { loadAdminPrincipal } from './principal.js';
import { countRequest, sweepRateLimits } from './rateLimits.js';
import { readiness } from './readiness.js';
import { createRoleMapping, deleteRoleMapping, listRoleMappings, updateRoleMapping } from './roleMappings.js';
import { rememberAssertion, requestIdCache, sweepSamlCaches } from './saml/replayCache.js';
import { configureSaml, directoryForEmail, getSamlSettings, removeSaml } from './saml/settings.js';
import { endSessionsFromIdp, recordSamlRefusal, samlConnection, samlServiceProvider, signInWithAssertion } from './saml/signIn.js';
import { authenticateScimToken, createScimToken, listScimTokens, revokeScimToken } from './scimTokens.js';
import { searchGroups } from './search/searchGroups.js';
import { authenticateServiceToken, createServiceToken, listServiceTokens, revokeServiceToken } from './serviceTokens.js';
import { accountOverview, chooseLanguage } from './selfService/account.js';
import { activateAccount, describeActivation } from './selfService/activation.js';
import { confirmTotpEnrolment, regenerateRecoveryCodes, startTotpEnrolment } from './selfService/enrolment.js';
import { changePassword, renewExpiredPassword } from './selfService/passwordChange.js';
import { completePasswordReset, describeResetLink, requestPasswordReset } from './selfService/passwordReset.js';
import { completeSignIn, isSignInAllowed, signInLock, signInWithPassword, verifySecondFactor } from './selfService/signIn.js';
import { createSession, destroySession, findSession, sweepSessions, updateSessionData } from './sessions.js';
import { signOut } from './selfService/signOut.js';
import { claimDueLogouts, queuePortalLogout, settleLogout, sweepLogoutNotices } from './oidcLogout/notices.js';
import { followEventsForLogout } from './oidcLogout/followEvents.js';
import { getProvisioningHealth } from './provisioningHealth/read.js';
import { flushProvisioningHealth, recordScimAnswer } from './provisioningHealth/recorder.js';
import { listWebhookDeliveries, resendWebhookDelivery, sweepWebhookDeliveries } from './webhooks/deliveryLog.js';
import { createWebhook, deleteWebhook, getWebhook, listWebhooks, rotateWebhookSecret, updateWebhook } from './webhooks/subscriptions.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any argument list: each function keeps its own type
type DomainFunction = (ctx: DomainContext, ...args: any[]) => unknown;
type Bound<F> = F extends (ctx: DomainContext, ...args: infer A) => infer R ? (...args: A) => R : never;
export type BoundFunctions<M extends Record<string, DomainFunction>> = { readonly [K in keyof M]: Bound<M[K]> };

/** The functions of `module` with the domain context given: what an edge calls. */
function bind<M extends Record<string, DomainFunction>>(ctx: DomainContext, module: M): BoundFunctions<M> {
  return Object.fromEntries(Object.entries(module).map(([name, fn]) => [name, (...args: unknown[]) => fn(ctx, ...args)])) as BoundFunctions<M>;
}

/**
 * What the edges get of the domain: its commands and queries, each taking the acting principal first (or, for
 * authentication, what is presented), the database out of reach. The composition root (deps.ts) builds it; an edge
 * never touches a model or the database handle (lint enforces it), so every rule of the policy applies to every edge.
 */
export function createServices(ctx: DomainContext) {
  return {
    accounts: bind(ctx, {
      get: getAccount,
      detail: getAccountDetail,
      list: listAccounts,
      search: searchAccounts,
      summaries: listAccountSummaries,
      create: createAccount,
      createFromForm: createAccountFromForm,
      update: updateAccount,
      edit: editAccount,
      lock: lockAccount,
      unlock: unlockAccount,
      deactivate: deactivateAccount,
      reactivate: reactivateAccount,
      setActive: setAccountActive,
      setPassword: setAccountPassword,
      sendPasswordReset,
      resendActivation,
      resetMfa,
      runAction: runAccountAction,
      permissions: accountPermissions,
      listPermissions: listAccountPermissions,
      neighbours: findListNeighbours,
      grantableOrganizations,
      grantMembership,
      addMemberByEmail,
      removeMembership,
      delete: deleteAccount,
      provision: provisionAccount,
      changeProvisioned: changeProvisionedAccount,
      patchProvisioned: patchProvisionedAccount,
      deprovision: deprovisionAccount,
      createPlatformAdmin,
      reissueAdminSetupLink,
      bootstrapPlatformAdmin,
    }),
    selfService: bind(ctx, {
      signInWithPassword,
      verifySecondFactor,
      completeSignIn,
      isSignInAllowed,
      signInLock,
      describeActivation,
      activate: activateAccount,
      requestPasswordReset,
      describeResetLink,
      completePasswordReset,
      changePassword,
      renewExpiredPassword,
      startTotpEnrolment,
      confirmTotpEnrolment,
      regenerateRecoveryCodes,
      overview: accountOverview,
      chooseLanguage,
      signOut,
    }),
    administrators: bind(ctx, {
      principalFor: loadAdminPrincipal,
      authenticateApiToken: authenticateAdminApiToken,
      createApiToken: createAdminApiToken,
      listApiTokens: listAdminApiTokens,
      revokeApiToken: revokeAdminApiToken,
    }),
    branding: bind(ctx, { get: getBrand, set: setBrand, setLogo: setBrandLogo, removeLogo: removeBrandLogo, readLogo, forPage: brandForPage, platform: platformBrand, logoLimits }),
    organizations: bind(ctx, { list: listOrganizations, get: getOrganization, create: createOrganization, update: updateOrganization, delete: deleteOrganization }),
    directories: bind(ctx, { list: listDirectories, get: getDirectory, create: createDirectory, delete: deleteDirectory, link: linkOrganization, unlink: unlinkOrganization }),
    saml: bind(ctx, {
      settings: getSamlSettings,
      configure: configureSaml,
      remove: removeSaml,
      directoryForEmail,
      connection: samlConnection,
      serviceProvider: samlServiceProvider,
      signIn: signInWithAssertion,
      endSessionsFromIdp,
      recordRefusal: recordSamlRefusal,
      requestIdCache,
      rememberAssertion,
    }),
    scimTokens: bind(ctx, { create: createScimToken, list: listScimTokens, revoke: revokeScimToken, authenticate: authenticateScimToken }),
    serviceTokens: bind(ctx, { create: createServiceToken, list: listServiceTokens, revoke: revokeServiceToken, authenticate: authenticateServiceToken }),
    roleMappings: bind(ctx, { list: listRoleMappings, create: createRoleMapping, update: updateRoleMapping, delete: deleteRoleMapping }),
    oidcClients: bind(ctx, { list: listOidcClients, get: getOidcClient, create: createOidcClient, update: updateOidcClient, delete: deleteOidcClient, metadata: oidcClientMetadata }),
    oidcAccounts: bind(ctx, { claims: accountClaims, mayUseClient }),
    // Back-channel logout: the notices queued when users' sessions end, for the job that sends them (oidc/).
    oidcLogout: bind(ctx, { queuePortalLogout, followEvents: followEventsForLogout, claimDue: claimDueLogouts, settle: settleLogout, sweep: sweepLogoutNotices }),
    provisioningHealth: bind(ctx, { get: getProvisioningHealth, record: recordScimAnswer, flush: flushProvisioningHealth }),
    audit: bind(ctx, { list: listAuditEvents }),
    events: bind(ctx, { list: listEvents, sweep: sweepEvents }),
    groups: bind(ctx, { create: createGroup, get: getGroup, search: searchGroups, change: changeGroup, delete: deleteGroup }),
    sessions: bind(ctx, { create: createSession, find: findSession, update: updateSessionData, destroy: destroySession }),
    rateLimits: bind(ctx, { count: countRequest }),
    health: bind(ctx, { readiness }),
    webhooks: bind(ctx, {
      list: listWebhooks,
      get: getWebhook,
      create: createWebhook,
      update: updateWebhook,
      delete: deleteWebhook,
      rotateSecret: rotateWebhookSecret,
      deliveries: listWebhookDeliveries,
      resend: resendWebhookDelivery,
    }),
    maintenance: bind(ctx, { sendExpiryReminders, sweepSessions, sweepSamlCaches, sweepRateLimits, sweepWebhookDeliveries }),
  };
}

export type Services = ReturnType<typeof createServices>;
