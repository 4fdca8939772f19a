import path from 'node:path';
import { createAccount } from '../../src/identity/accounts/create.js';
import { resendActivation } from '../../src/identity/accounts/activation.js';
import { resetMfa, sendPasswordReset, setAccountPassword } from '../../src/identity/accounts/credentials.js';
import { grantMembership, removeMembership } from '../../src/identity/accounts/memberships.js';
import { createPlatformAdmin } from '../../src/identity/accounts/platformAdmins.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { deleteAccount } from '../../src/identity/accounts/remove.js';
import { deactivateAccount, lockAccount, reactivateAccount, unlockAccount } from '../../src/identity/accounts/status.js';
import { updateAccount } from '../../src/identity/accounts/update.js';
import { createAdminApiToken, listAdminApiTokens, revokeAdminApiToken } from '../../src/identity/apiTokens.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { listEvents } from '../../src/identity/eventFeed.js';
import { createDirectory, listDirectories } from '../../src/identity/directories.js';
import { isDomainError } from '../../src/identity/errors.js';
import { createGroup } from '../../src/identity/groups.js';
import { createOidcClient, listOidcClients } from '../../src/identity/oidcClients.js';
import { createOrganization, getOrganization } from '../../src/identity/organizations.js';
import { setBrand } from '../../src/identity/branding/brands.js';
import { POLICY, PRINCIPAL_KINDS, type Action, type Rule } from '../../src/identity/policy/index.js';
import { loadAdminPrincipal, selfPrincipal, systemPrincipal, type Principal, type SelfPrincipal } from '../../src/identity/principal.js';
import { createRoleMapping, listRoleMappings } from '../../src/identity/roleMappings.js';
import { configureSaml, getSamlSettings } from '../../src/identity/saml/settings.js';
import { createScimToken, listScimTokens } from '../../src/identity/scimTokens.js';
import { searchGroups } from '../../src/identity/search/searchGroups.js';
import { authenticateServiceToken, createServiceToken } from '../../src/identity/serviceTokens.js';
import { startTotpEnrolment } from '../../src/identity/selfService/enrolment.js';
import { createWebhook } from '../../src/identity/webhooks/subscriptions.js';
import { GOOD_PASSWORD } from '../helpers/accounts.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { organizationAdministrator, scimToken } from '../helpers/principals.js';
import { testDatabase } from '../helpers/settings.js';
import { scaled } from '../helpers/machine.js';

/**
 * The authorization policy as a table, at the domain level: every command, run by every kind of principal, on
 * targets inside and outside its scope, below, level with and above its rights. Each cell is what the policy
 * answers: the command passes it ("ok": it then succeeds, or fails for a reason that is not authorization), or the
 * exact refusal. Every case runs in a transaction that is rolled back, so no case changes another's world.
 *
 * The principals, in the table's column order:
 *   platform  a platform administrator            operator  the CLI's operator        system  idbridge itself
 *   admin     Administrator of River (utility)    super     Supervisor of River (a lower role that manages users)
 *   token     a local SCIM token limited to River (it may give at most Viewer)
 *   okta      the SCIM token of the "okta" SSO directory (its role mapping gives Full Access in Acme)
 *   self      the user "viewer" themself
 *   svc       a service token at platform level (a platform administrator that is no one's account, and never
 *             reaches a platform administrator)
 *   rsvc      a service token of River (an organization administrator holding River's highest managing role)
 * The users:
 *   viewer    Viewer of River               super2  Supervisor of River       admin2  Administrator of River
 *   mixed     Viewer of River, Administrator of Lake                           shared  Viewer of River and of Lake
 *   outsider  Viewer of Lake                platform  a platform administrator, also Viewer of River
 *   sso       a user of the okta directory, Standard User of Acme
 */
const COLUMNS = ['platform', 'operator', 'system', 'admin', 'super', 'token', 'okta', 'self', 'svc', 'rsvc'] as const;
type Column = (typeof COLUMNS)[number];

/** The kind of principal of each column (the policy's column it is read in). */
const kindOf = (column: Column): string =>
  column === 'admin' || column === 'super' || column === 'rsvc' ? 'org_admin' : column === 'token' || column === 'okta' ? 'scim_token' : column === 'platform' || column === 'svc' ? 'platform_admin' : column;

/** What the policy answers, in short. */
const REFUSALS: Record<string, string> = {
  nf: 'not found (out of sight)',
  den: 'policy.denied',
  plat: 'policy.platform_only',
  abv: 'policy.target_above',
  cred: 'policy.credentials_protected',
  svc: 'policy.service_token_cannot_manage',
  own: 'admin.role_above_own',
  lim: 'provisioning.role_above_limit',
  oth: 'user.in_other_organizations',
  dtok: 'policy.directory_token_only',
  req: 'user.organization_required',
};

const NOT_FOUND_CODES = new Set(['user.not_found', 'organization.not_found', 'group.not_found', 'directory.not_found', 'api_token.not_found', 'service_token.not_found', 'webhook.not_found']);

function outcomeOf(error: unknown): string {
  if (error === undefined) return 'ok';
  if (!isDomainError(error)) return `error: ${(error as Error)?.message ?? String(error)}`;
  if (error.kind === 'not_found') return NOT_FOUND_CODES.has(error.code) ? 'nf' : 'ok';
  const short = Object.entries(REFUSALS).find(([, code]) => code === error.code)?.[0];
  return short ?? 'ok';
}

//                                                       platform operator system admin super token okta self  svc rsvc
const TABLE: ReadonlyArray<readonly [Action, string, string]> = [
  ['user.read', 'viewer', '                            ok ok ok ok ok ok nf ok  ok ok'],
  ['user.read', 'admin2', '                            ok ok ok ok ok ok nf nf  ok ok'],
  ['user.read', 'mixed', '                             ok ok ok ok ok ok nf nf  ok ok'],
  ['user.read', 'outsider', '                          ok ok ok nf nf nf nf nf  ok nf'],
  ['user.read', 'platform', '                          ok ok ok nf nf nf nf nf  nf nf'],
  ['user.read', 'sso', '                               ok ok ok nf nf nf ok nf  ok nf'],

  ['user.create', 'local: River Viewer', '             ok ok ok ok ok ok nf den  ok ok'],
  ['user.create', 'local: River Administrator', '      ok ok ok ok own lim nf den  ok ok'],
  ['user.create', 'local: Lake Viewer', '              ok ok ok nf nf req nf den  ok nf'],
  ['user.create', 'local: no organization', '          ok ok ok req req req nf den  ok req'],
  ['user.create', 'okta: River Viewer', '              ok ok ok nf nf nf nf den  ok nf'],
  ['user.create', 'okta: no organization', '           ok ok ok nf nf nf ok den  ok nf'],

  ['user.update', 'viewer', '                          ok ok den ok ok ok nf den  ok ok'],
  ['user.update', 'super2', '                          ok ok den ok ok abv nf den  ok ok'],
  ['user.update', 'admin2', '                          ok ok den ok abv abv nf den  ok ok'],
  ['user.update', 'mixed', '                           ok ok den abv abv abv nf den  ok abv'],
  ['user.update', 'outsider', '                        ok ok den nf nf nf nf den  ok nf'],
  ['user.update', 'platform', '                        ok ok den nf nf nf nf den  nf nf'],
  ['user.update', 'sso', '                             ok ok den nf nf nf ok den  ok nf'],

  ['user.change_sign_in', 'viewer', '                  ok ok den ok ok ok nf den  ok ok'],
  ['user.change_sign_in', 'super2', '                  ok ok den ok cred cred nf den  ok ok'],
  ['user.change_sign_in', 'admin2', '                  ok ok den cred cred cred nf den  ok cred'],
  ['user.change_sign_in', 'mixed', '                   ok ok den cred cred cred nf den  ok cred'],
  ['user.change_sign_in', 'outsider', '                ok ok den nf nf nf nf den  ok nf'],

  ['user.set_password', 'viewer', '                    den den den den den ok nf ok  den den'],
  ['user.set_password', 'super2', '                    den den den den den cred nf nf  den den'],
  ['user.set_password', 'outsider', '                  den den den den den nf nf nf  den den'],
  ['user.set_password', 'platform', '                  den den den den den nf nf nf  den den'],
  ['user.set_password', 'sso', '                       den den den den den nf ok nf  den den'],

  ['user.send_password_reset', 'viewer', '             ok ok den ok ok den den den  ok ok'],
  ['user.send_password_reset', 'super2', '             ok ok den ok cred den den den  ok ok'],
  ['user.send_password_reset', 'admin2', '             ok ok den cred cred den den den  ok cred'],
  ['user.send_password_reset', 'outsider', '           ok ok den nf nf den den den  ok nf'],

  ['user.resend_activation', 'viewer', '               ok ok den ok ok den den den  ok ok'],
  ['user.resend_activation', 'admin2', '               ok ok den ok abv den den den  ok ok'],
  ['user.resend_activation', 'mixed', '                ok ok den abv abv den den den  ok abv'],
  ['user.resend_activation', 'platform', '             ok ok den nf nf den den den  nf nf'],

  ['user.reset_mfa', 'viewer', '                       ok ok den ok ok den den den  ok ok'],
  ['user.reset_mfa', 'super2', '                       ok ok den ok cred den den den  ok ok'],
  ['user.reset_mfa', 'mixed', '                        ok ok den cred cred den den den  ok cred'],
  ['user.reset_mfa', 'platform', '                     ok ok den nf nf den den den  nf nf'],

  ['user.enrol_mfa', 'themselves', '                   den den den den den den den ok  den den'],

  ['user.lock', 'viewer', '                            ok ok ok ok ok den den den  ok ok'],
  ['user.lock', 'admin2', '                            ok ok ok ok abv den den den  ok ok'],
  ['user.lock', 'mixed', '                             ok ok ok abv abv den den den  ok abv'],
  ['user.lock', 'platform', '                          ok ok ok nf nf den den den  nf nf'],
  ['user.unlock', 'viewer', '                          ok ok ok ok ok den den den  ok ok'],
  ['user.unlock', 'admin2', '                          ok ok ok ok abv den den den  ok ok'],
  ['user.unlock', 'outsider', '                        ok ok ok nf nf den den den  ok nf'],

  ['user.deactivate', 'viewer', '                      ok ok den ok ok ok nf den  ok ok'],
  ['user.deactivate', 'super2', '                      ok ok den ok ok abv nf den  ok ok'],
  ['user.deactivate', 'admin2', '                      ok ok den ok abv abv nf den  ok ok'],
  ['user.deactivate', 'platform', '                    ok ok den nf nf nf nf den  nf nf'],
  ['user.deactivate', 'sso', '                         ok ok den nf nf nf ok den  ok nf'],
  ['user.reactivate', 'viewer', '                      ok ok den ok ok ok nf den  ok ok'],
  ['user.reactivate', 'mixed', '                       ok ok den abv abv abv nf den  ok abv'],
  ['user.reactivate', 'sso', '                         ok ok den nf nf nf ok den  ok nf'],

  ['user.delete', 'viewer', '                          ok ok den ok ok ok nf den  ok ok'],
  ['user.delete', 'shared', '                          ok ok den oth oth ok nf den  ok oth'],
  ['user.delete', 'super2', '                          ok ok den ok ok abv nf den  ok ok'],
  ['user.delete', 'admin2', '                          ok ok den ok abv abv nf den  ok ok'],
  ['user.delete', 'platform', '                        ok ok den nf nf nf nf den  nf nf'],
  ['user.delete', 'sso', '                             ok ok den nf nf nf ok den  ok nf'],

  ['membership.grant', 'viewer: River Viewer', '       ok ok ok ok ok ok nf den  ok ok'],
  ['membership.grant', 'viewer: River Administrator', 'ok ok ok ok own lim nf den  ok ok'],
  ['membership.grant', 'viewer: Lake Viewer', '        ok ok ok nf nf nf nf den  ok nf'],
  ['membership.grant', 'outsider: River Viewer', '     ok ok ok nf nf nf nf den  ok nf'],
  ['membership.grant', 'sso: Acme Standard User', '    ok ok ok nf nf nf nf den  ok nf'],
  ['membership.grant', 'platform: Lake Viewer', '      ok ok ok nf nf nf nf den  nf nf'],
  ['membership.remove', 'viewer: River', '             ok ok ok ok ok ok nf den  ok ok'],
  ['membership.remove', 'super2: River', '             ok ok ok ok ok lim nf den  ok ok'],
  ['membership.remove', 'admin2: River', '             ok ok ok ok own lim nf den  ok ok'],
  ['membership.remove', 'mixed: River', '              ok ok ok ok ok ok nf den  ok ok'],
  ['membership.remove', 'mixed: Lake', '               ok ok ok nf nf nf nf den  ok nf'],

  ['group.read', 'okta groups', '                      ok ok ok plat plat dtok ok den  ok plat'],
  ['group.manage', 'an okta group', '                  ok ok ok plat plat dtok ok den  ok plat'],

  ['organization.read', 'River', '                     ok ok ok ok ok den den den  ok ok'],
  ['organization.read', 'Lake', '                      ok ok ok nf nf den den den  ok nf'],
  ['organization.manage', 'a new organization', '     ok ok den plat plat den den den  ok plat'],
  ['organization.brand', 'River', '                    ok ok den ok ok den den den  ok ok'],
  ['organization.brand', 'Lake', '                     ok ok den nf nf den den den  ok nf'],
  ['directory.read', 'the directories', '              ok ok ok plat plat den den den  ok plat'],
  ['directory.manage', 'a new directory', '            ok ok den plat plat den den den  ok plat'],
  ['saml.read', 'okta', '                              ok ok ok plat plat den den den  ok plat'],
  ['saml.configure', 'okta', '                         ok ok den plat plat den den den  ok plat'],
  ['scim_token.read', 'okta', '                        ok ok den plat plat den den den  ok plat'],
  ['scim_token.manage', 'okta', '                      ok ok den plat plat den den den  ok plat'],
  ['role_mapping.read', 'all', '                       ok ok den plat plat den den den  ok plat'],
  ['role_mapping.manage', 'okta to Acme', '            ok ok den plat plat den den den  ok plat'],
  ['oidc_client.read', 'all', '                        ok ok ok plat plat den den den  ok plat'],
  ['oidc_client.manage', 'a portal', '                 ok ok den plat plat den den den  ok plat'],
  ['audit.read', 'River', '                            ok ok den ok ok den den den  ok ok'],
  ['audit.read', 'Lake', '                             ok ok den nf nf den den den  ok nf'],
  ['audit.read', 'outsider', '                         ok ok den nf nf den den den  ok nf'],
  ['event.read', 'River', '                            ok ok den ok ok den den den  ok ok'],
  ['event.read', 'Lake', '                             ok ok den nf nf den den den  ok nf'],
  ['event.read', 'every organization', '               ok ok den ok ok den den den  ok ok'],
  ['api_token.manage', 'their own', '                  ok den den ok ok den den den  nf nf'],
  ['api_token.manage', "the platform administrator's", 'ok den den nf nf den den den  nf nf'],
  ['api_token.manage', "another administrator's", '   nf den den nf nf den den den  nf nf'],
  ['platform_admin.create', 'a new one', '             den ok ok den den den den den  den den'],
  ['service_token.manage', 'a new token', '            ok ok den plat plat den den den  svc plat'],
  ['webhook.manage', 'River', '                        ok ok den ok ok den den den  ok ok'],
  ['webhook.manage', 'Lake', '                         ok ok den nf nf den den den  ok nf'],
  ['webhook.manage', 'a portal', '                     ok ok den nf nf den den den  ok nf'],
];

describe('the authorization policy, command by command', () => {
  let deps: TestDeps;
  const principals = {} as Record<Column, Principal>;
  const users: Record<string, { id: string; userName: string }> = {};
  let platformTokenId = '';
  let adminTokenId = '';
  let portalClientId = '';
  const ROLLBACK = new Error('rollback');

  beforeAll(async () => {
    deps = await openTestDeps({ overrides: { roles: { catalogFile: path.resolve('test/fixtures/roles-two-managers.json') } } });
    const ctx = deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: 'lake' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    await createRoleMapping(ctx, testOperator, { directory: 'okta', matchType: 'displayName', matchValue: 'Acme Admins', organization: 'acme', role: 'full-access' });
    const local = (name: string, memberships: Array<{ organization: string; role: string }>) =>
      createAccount(ctx, testOperator, { directory: 'local', attributes: { userName: `${name}@perm.test`, emails: [{ value: `${name}@perm.test` }] }, memberships, password: GOOD_PASSWORD });
    users.viewer = await local('viewer', [{ organization: 'river', role: 'viewer' }]);
    users.super2 = await local('super2', [{ organization: 'river', role: 'supervisor' }]);
    users.admin2 = await local('admin2', [{ organization: 'river', role: 'administrator' }]);
    users.mixed = await local('mixed', [{ organization: 'river', role: 'viewer' }, { organization: 'lake', role: 'administrator' }]);
    users.shared = await local('shared', [{ organization: 'river', role: 'viewer' }, { organization: 'lake', role: 'viewer' }]);
    users.outsider = await local('outsider', [{ organization: 'lake', role: 'viewer' }]);
    users.sso = await createAccount(ctx, testOperator, { directory: 'okta', attributes: { userName: 'sso@acme.test', emails: [{ value: 'sso@acme.test' }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] });
    const root = await createPlatformAdmin(ctx, testOperator, { email: 'root@perm.test', name: 'Root' });
    await grantMembership(ctx, testOperator, root.user.id, { organization: 'river', role: 'viewer' });
    users.platform = root.user;
    await deps.db.models.User.update({ status: 'ACTIVE' }, { where: { id: root.user.id } });
    const platform = (await loadAdminPrincipal(ctx, root.user.id))!;
    platformTokenId = (await createAdminApiToken(ctx, platform, { name: 'root' })).id;
    adminTokenId = (await createAdminApiToken(ctx, (await loadAdminPrincipal(ctx, users.admin2.id))!, { name: 'admin2' })).id;

    portalClientId = (await createOidcClient(ctx, testOperator, { name: 'River portal', redirectUris: ['https://portal.river.example/cb'] })).clientId;
    principals.platform = platform;
    principals.operator = testOperator;
    principals.system = systemPrincipal('test');
    principals.admin = await organizationAdministrator(ctx, { river: 'administrator' }, 'river-admin');
    principals.super = await organizationAdministrator(ctx, { river: 'supervisor' }, 'river-supervisor');
    principals.token = await scimToken(ctx, 'local', 'river');
    principals.okta = await scimToken(ctx, 'okta');
    principals.self = selfPrincipal(users.viewer.id);
    principals.svc = (await authenticateServiceToken(ctx, (await createServiceToken(ctx, testOperator, { name: 'terraform' })).token))!;
    principals.rsvc = (await authenticateServiceToken(ctx, (await createServiceToken(ctx, testOperator, { name: 'river ci', organization: 'river' })).token))!;
  });
  afterAll(() => deps.close());

  /** The command each case runs, as `principal`. */
  function command(action: Action, target: string, principal: Principal): Promise<unknown> {
    const ctx = deps.ctx;
    const user = (name: string) => users[name]!.id;
    const [who, what] = target.split(': ');
    const grant = (text: string) => {
      const [org, ...role] = (text ?? '').split(' ');
      return { organization: org!.toLowerCase(), role: role.join('-').toLowerCase() };
    };
    switch (action) {
      case 'user.read':
        return getAccount(ctx, principal, user(target));
      case 'user.create': {
        const memberships = what === 'no organization' ? [] : [grant(what!)];
        return createAccount(ctx, principal, { directory: who!, attributes: { userName: `new-${Math.random()}@perm.test`, emails: [{ value: 'new@perm.test' }] }, memberships });
      }
      case 'user.update':
        return updateAccount(ctx, principal, user(target), { title: 'Changed' });
      case 'user.change_sign_in':
        return updateAccount(ctx, principal, user(target), { emails: [{ value: 'taken.over@perm.test', primary: true }] });
      case 'user.set_password':
        return setAccountPassword(ctx, principal, user(target), 'marble kettle zephyr 2041');
      case 'user.send_password_reset':
        return sendPasswordReset(ctx, principal, user(target));
      case 'user.resend_activation':
        return resendActivation(ctx, principal, user(target));
      case 'user.reset_mfa':
        return resetMfa(ctx, principal, user(target));
      case 'user.enrol_mfa':
        return startTotpEnrolment(ctx, principal as SelfPrincipal);
      case 'user.lock':
        return lockAccount(ctx, principal, user(target));
      case 'user.unlock':
        return unlockAccount(ctx, principal, user(target));
      case 'user.deactivate':
        return deactivateAccount(ctx, principal, user(target));
      case 'user.reactivate':
        return reactivateAccount(ctx, principal, user(target));
      case 'user.delete':
        return deleteAccount(ctx, principal, user(target), { confirmation: users[target]!.userName });
      case 'membership.grant':
        return grantMembership(ctx, principal, user(who!), grant(what!));
      case 'membership.remove':
        return removeMembership(ctx, principal, user(who!), { organization: what!.toLowerCase() });
      case 'group.read':
        return searchGroups(ctx, principal, { page: { startIndex: 1, count: 10 }, members: false });
      case 'group.manage':
        return createGroup(ctx, principal, { directory: principal.kind === 'scim_token' ? principal.directoryId : 'okta', displayName: 'Acme Admins' });
      case 'organization.read':
        return getOrganization(ctx, principal, target.toLowerCase());
      case 'organization.brand':
        return setBrand(ctx, principal, target.toLowerCase(), { productName: 'River Water customer portal' });
      case 'organization.manage':
        return createOrganization(ctx, principal, { kind: 'customer', name: 'New', slug: 'new-org' });
      case 'directory.read':
        return listDirectories(ctx, principal);
      case 'directory.manage':
        return createDirectory(ctx, principal, { kind: 'sso', name: 'new-idp' });
      case 'saml.read':
        return getSamlSettings(ctx, principal, 'okta');
      case 'saml.configure':
        return configureSaml(ctx, principal, 'okta', { entityId: 'https://idp.example/x', ssoUrl: 'https://idp.example/sso' });
      case 'scim_token.read':
        return listScimTokens(ctx, principal, { directory: 'okta' });
      case 'scim_token.manage':
        return createScimToken(ctx, principal, { directory: 'okta' });
      case 'role_mapping.read':
        return listRoleMappings(ctx, principal);
      case 'role_mapping.manage':
        return createRoleMapping(ctx, principal, { directory: 'okta', matchType: 'displayName', matchValue: 'Acme Staff', organization: 'acme', role: 'standard-user' });
      case 'oidc_client.read':
        return listOidcClients(ctx, principal);
      case 'oidc_client.manage':
        return createOidcClient(ctx, principal, { name: 'Portal', redirectUris: ['https://portal.example/cb'] });
      case 'audit.read':
        return listAuditEvents(ctx, principal, target === 'outsider' ? { userId: user('outsider') } : { organizationId: target.toLowerCase() });
      case 'event.read':
        return listEvents(ctx, principal, target === 'every organization' ? {} : { organization: target.toLowerCase() });
      case 'api_token.manage':
        if (target === 'their own') return listAdminApiTokens(ctx, principal);
        return revokeAdminApiToken(ctx, principal, target === "the platform administrator's" ? platformTokenId : adminTokenId);
      case 'platform_admin.create':
        return createPlatformAdmin(ctx, principal, { email: 'second.root@perm.test', name: 'Second Root' });
      case 'service_token.manage':
        return createServiceToken(ctx, principal, { name: 'ci' });
      case 'webhook.manage':
        return createWebhook(ctx, principal, { ...(target === 'a portal' ? { client: portalClientId } : { organization: target.toLowerCase() }), url: 'https://hooks.example.com/idbridge' });
    }
  }

  /** What the policy answers to `principal` doing `action` to `target`, in a transaction that is then undone. */
  async function attempt(action: Action, target: string, principal: Principal): Promise<string> {
    let outcome = 'ok';
    await deps.db
      .tx(async () => {
        try {
          await command(action, target, principal);
        } catch (error) {
          outcome = outcomeOf(error);
        }
        throw ROLLBACK;
      })
      .catch((error: unknown) => {
        if (error !== ROLLBACK) throw error;
      });
    return outcome;
  }

  const cells = TABLE.map(([action, target, row]) => ({ action, target, expected: row.trim().split(/\s+/) }));

  it('has a row for every action of the policy, and a column for every kind of principal', () => {
    expect(new Set(cells.map((c) => c.action))).toEqual(new Set(Object.keys(POLICY)));
    expect(cells.every((c) => c.expected.length === COLUMNS.length)).toBe(true);
    expect(new Set(COLUMNS.map(kindOf))).toEqual(new Set(PRINCIPAL_KINDS));
  });

  it.each(cells.map((c) => [`${c.action} on ${c.target}`, c] as const))('answers %s as the table says', async (_name, cell) => {
    const seen: string[] = [];
    for (const column of COLUMNS) seen.push(await attempt(cell.action, cell.target, principals[column]));
    expect(Object.fromEntries(COLUMNS.map((c, i) => [c, seen[i]]))).toEqual(Object.fromEntries(COLUMNS.map((c, i) => [c, cell.expected[i]])));
  });

  /**
   * Removing any one rule must make the table above fail: each cell of the policy is turned into the opposite (a
   * restriction into 'allow', an 'allow' into 'deny') and the cases of that action and kind of principal are run
   * again; at least one of them must answer otherwise. Run on SQLite only (it repeats the table on every cell).
   */
  const mutationCheck = testDatabase === 'sqlite' ? it : it.skip;
  mutationCheck('fails when any single rule of the policy is removed', async () => {
    /** Cells where the rule cannot change an answer: the target is by construction the principal itself. */
    const equivalent = new Set(['user.enrol_mfa/self']);
    const undetected: string[] = [];
    const table = POLICY as Record<Action, Record<string, Rule>>;
    for (const action of Object.keys(POLICY) as Action[]) {
      for (const kind of PRINCIPAL_KINDS) {
        if (equivalent.has(`${action}/${kind}`)) continue;
        const original = table[action][kind]!;
        table[action][kind] = original === 'allow' ? 'deny' : 'allow';
        try {
          let changed = false;
          for (const cell of cells.filter((c) => c.action === action)) {
            for (const [i, column] of COLUMNS.entries()) {
              if (kindOf(column) !== kind) continue;
              if ((await attempt(action, cell.target, principals[column])) !== cell.expected[i]) changed = true;
            }
          }
          if (!changed) undetected.push(`${action} / ${kind} (${original})`);
        } finally {
          table[action][kind] = original;
        }
      }
    }
    expect(undetected).toEqual([]);
  }, scaled(600_000));
});
