import type { PrincipalKind } from '../principal.js';

/**
 * What a principal may do, written once: for every action, one rule per kind of principal. Every domain command asks
 * this table (through authorize.ts) before it reads anything for its caller or writes anything; the edges only
 * authenticate. README "Who sees what" is this table in words. A service token is read in the column of the
 * administrator it stands for (platform, or organization administrator of its one organization).
 *
 * The rules, from the most to the least permissive:
 * - allow      any target;
 * - scope      a target the principal sees: an organization administrator sees the members of the organizations it
 *              manages, a SCIM token the users of its directory (and of its one organization when it is limited to
 *              one), the user itself only; a platform administrator is seen by platform-level principals only,
 *              and never by an integration credential (a SCIM token, or a service token even at platform level);
 * - role       in scope, and the role given or taken away is in an organization the principal reaches and at most
 *              its own there (what the user holds elsewhere is not touched);
 * - not_above  in scope, and the target holds no right to manage users above the principal's: a role that manages
 *              users in an organization the principal does not reach, or a higher role than its own there;
 * - below      in scope, and every right of the target to manage users is strictly below the principal's: what an
 *              organization administrator or a token may do to another account's credentials;
 * - whole      not above, and every organization of the target is one the principal reaches (deleting an account
 *              takes it from every organization);
 * - directory  a SCIM token of a whole directory (groups belong to every organization of the directory);
 * - own        the principal's own account or tokens (a service token is no one's account: it owns nothing);
 * - deny       nothing.
 * A target out of the principal's scope is "not found", never "forbidden", so that scopes do not leak.
 */
export type Rule = 'allow' | 'scope' | 'role' | 'not_above' | 'below' | 'whole' | 'directory' | 'own' | 'deny';

export const PRINCIPAL_KINDS = ['platform_admin', 'operator', 'system', 'org_admin', 'scim_token', 'self'] as const satisfies readonly PrincipalKind[];

/** Each action, and what it is in words (refusals say it). */
export const ACTIONS = {
  'user.read': 'see this user',
  'user.create': 'create a user',
  'user.update': "change this user's profile",
  'user.change_sign_in': "change this user's username or email addresses",
  'user.set_password': "set this user's password",
  'user.send_password_reset': 'send this user a password reset',
  'user.resend_activation': 'send this user a new activation email',
  'user.reset_mfa': "reset this user's two-step verification",
  'user.enrol_mfa': 'set up two-step verification for this user',
  'user.lock': 'lock this user',
  'user.unlock': 'unlock this user',
  'user.deactivate': 'deactivate this user',
  'user.reactivate': 'reactivate this user',
  'user.delete': 'delete this user from the platform',
  'membership.grant': 'give this role',
  'membership.remove': 'remove this user from this organization',
  'group.read': 'read groups',
  'group.manage': 'change groups',
  'organization.read': 'see this organization',
  'organization.manage': 'create, change or delete organizations',
  'organization.brand': "change this organization's brand (name, logo, colour, product and sender names)",
  'directory.read': 'see directories',
  'directory.manage': 'create, link or delete directories',
  'saml.read': 'see SAML settings',
  'saml.configure': 'configure SAML',
  'scim_token.read': 'see SCIM tokens',
  'scim_token.manage': 'create or revoke SCIM tokens',
  'role_mapping.read': 'see role mappings',
  'role_mapping.manage': 'change role mappings',
  'oidc_client.read': 'see portal applications',
  'oidc_client.manage': 'register, change or delete portal applications',
  'audit.read': 'read these audit events',
  'event.read': 'read the change feed of these organizations',
  'api_token.manage': 'manage these API tokens',
  'service_token.manage': 'see, create or revoke service tokens',
  'platform_admin.create': 'create platform administrators',
  'webhook.manage': "see and change webhook subscriptions and their deliveries",
} as const;

export type Action = keyof typeof ACTIONS;

type Row = Readonly<Record<(typeof PRINCIPAL_KINDS)[number], Rule>>;

function row(platform_admin: Rule, operator: Rule, system: Rule, org_admin: Rule, scim_token: Rule, self: Rule): Row {
  return { platform_admin, operator, system, org_admin, scim_token, self };
}

//                                          platform    operator    system      org admin    SCIM token   the user
export const POLICY: Readonly<Record<Action, Row>> = {
  'user.read':                          row('allow',    'allow',    'allow',    'scope',     'scope',     'own'),
  'user.create':                        row('allow',    'allow',    'allow',    'scope',     'scope',     'deny'),
  'user.update':                        row('allow',    'allow',    'deny',     'not_above', 'not_above', 'deny'),
  'user.change_sign_in':                row('allow',    'allow',    'deny',     'below',     'below',     'deny'),
  'user.set_password':                  row('deny',     'deny',     'deny',     'deny',      'below',     'own'),
  'user.send_password_reset':           row('allow',    'allow',    'deny',     'below',     'deny',      'deny'),
  'user.resend_activation':             row('allow',    'allow',    'deny',     'not_above', 'deny',      'deny'),
  'user.reset_mfa':                     row('allow',    'allow',    'deny',     'below',     'deny',      'deny'),
  'user.enrol_mfa':                     row('deny',     'deny',     'deny',     'deny',      'deny',      'own'),
  'user.lock':                          row('allow',    'allow',    'allow',    'not_above', 'deny',      'deny'),
  'user.unlock':                        row('allow',    'allow',    'allow',    'not_above', 'deny',      'deny'),
  'user.deactivate':                    row('allow',    'allow',    'deny',     'not_above', 'not_above', 'deny'),
  'user.reactivate':                    row('allow',    'allow',    'deny',     'not_above', 'not_above', 'deny'),
  'user.delete':                        row('allow',    'allow',    'deny',     'whole',     'not_above', 'deny'),
  'membership.grant':                   row('allow',    'allow',    'allow',    'role',      'role',      'deny'),
  'membership.remove':                  row('allow',    'allow',    'allow',    'role',      'role',      'deny'),
  'group.read':                         row('allow',    'allow',    'allow',    'deny',      'directory', 'deny'),
  'group.manage':                       row('allow',    'allow',    'allow',    'deny',      'directory', 'deny'),
  'organization.read':                  row('allow',    'allow',    'allow',    'scope',     'deny',      'deny'),
  'organization.manage':                row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'organization.brand':                 row('allow',    'allow',    'deny',     'scope',     'deny',      'deny'),
  'directory.read':                     row('allow',    'allow',    'allow',    'deny',      'deny',      'deny'),
  'directory.manage':                   row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'saml.read':                          row('allow',    'allow',    'allow',    'deny',      'deny',      'deny'),
  'saml.configure':                     row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'scim_token.read':                    row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'scim_token.manage':                  row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'role_mapping.read':                  row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'role_mapping.manage':                row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'oidc_client.read':                   row('allow',    'allow',    'allow',    'deny',      'deny',      'deny'),
  'oidc_client.manage':                 row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'audit.read':                         row('allow',    'allow',    'deny',     'scope',     'deny',      'deny'),
  'event.read':                         row('allow',    'allow',    'deny',     'scope',     'deny',      'deny'),
  'api_token.manage':                   row('own',      'deny',     'deny',     'own',       'deny',      'deny'),
  'service_token.manage':               row('allow',    'allow',    'deny',     'deny',      'deny',      'deny'),
  'platform_admin.create':              row('deny',     'allow',    'allow',    'deny',      'deny',      'deny'),
  'webhook.manage':                     row('allow',    'allow',    'deny',     'scope',     'deny',      'deny'),
};

export function ruleFor(kind: PrincipalKind, action: Action): Rule {
  return POLICY[action][kind];
}
