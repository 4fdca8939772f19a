import { conflict, type DomainError, forbidden, invalid, notFound } from '../errors.js';
import { isPlatformLevel, isServiceToken, ownAccountOf, type Principal } from '../principal.js';
import type { UserScope } from '../scope.js';
import { ACTIONS, ruleFor, type Action, type Rule } from './rules.js';

/**
 * A user as the policy sees it: where it comes from, whether it is a platform administrator, and its place in each
 * organization (the effective role's rank, 0 the highest, and whether that role manages users).
 */
export interface UserFacts {
  id: string;
  directoryId: string;
  isPlatformAdmin: boolean;
  organizations: ReadonlyArray<{ id: string; role: string; rank: number; canManageUsers: boolean }>;
}

/** A role given in an organization (a membership, or one of a new user's). */
export interface Grant {
  organizationId: string;
  /** The rank of the role given (0 is the highest). */
  rank: number;
  role: string;
}

/** What an action is done to. */
export type Target =
  | { type: 'user'; user: UserFacts }
  /** A user about to be created: its directory and the roles it is given. */
  | { type: 'new_user'; directoryId: string; directoryKind: 'local' | 'sso'; grants: readonly Grant[] }
  /** A role given to an existing user (the user must be in reach too). */
  | { type: 'grant'; user: UserFacts; grant: Grant }
  /**
   * A role given to an existing local user found by the address an administrator typed (add a user to an
   * organization): the grant brings the user into the principal's sight, so the user need not be in it yet. Asked
   * first without the user (may the principal give this role here at all?), then with the user found.
   */
  | { type: 'joining'; grant: Grant; user?: UserFacts }
  | { type: 'organization'; organizationId: string }
  | { type: 'group'; directoryId: string }
  /** Audit events of an organization, or of a user (neither: every event the principal may read). */
  | { type: 'audit'; organizationId?: string; user?: UserFacts }
  | { type: 'api_token'; ownerId: string }
  /** A webhook subscription: an organization's, or (organizationId null) a portal application's, which is the platform's. */
  | { type: 'webhook'; organizationId: string | null }
  /** Platform configuration (directories, SAML, SCIM tokens, role mappings, portal applications, administrators). */
  | { type: 'platform' };

/**
 * The highest role a principal holds in each organization (its rank; 0 is the highest), for the rules that compare
 * rights: 'all' at platform level. An organization administrator holds its own role; a SCIM token limited to one
 * organization the highest role it may give there; a token of an SSO directory the roles its role mappings give.
 */
export type Rights = 'all' | ReadonlyMap<string, { rank: number; role: string }>;

export type Decision = { ok: true } | { ok: false; error: DomainError };

const ALLOWED: Decision = { ok: true };
const refuse = (error: DomainError): Decision => ({ ok: false, error });

/**
 * Integration credentials (SCIM and service tokens) never reach platform administrators: whatever its rule, a service
 * token at platform level sees every user but them (a SCIM token and an organization administrator never see them).
 */
const ALL_USERS: UserScope = {};
const ALL_BUT_PLATFORM_ADMINS: UserScope = { hidePlatformAdmins: true };

/** No one: the scope of a rule `own` for a principal that has no account of its own (an empty list matches nobody). */
const NOBODY: UserScope = { organizationIds: [] };

/** The users a principal sees: the scope of rule `scope` and of every rule built on it. */
export function principalUserScope(principal: Principal): UserScope {
  switch (principal.kind) {
    case 'platform_admin':
      return isServiceToken(principal) ? ALL_BUT_PLATFORM_ADMINS : ALL_USERS;
    case 'operator':
    case 'system':
      return {};
    case 'org_admin':
      return { organizationIds: principal.managed.map((o) => o.id), hidePlatformAdmins: true };
    case 'scim_token':
      return { directoryId: principal.directoryId, ...(principal.organizationId ? { organizationIds: [principal.organizationId] } : {}), hidePlatformAdmins: true };
    case 'self':
      return { userId: principal.userId };
  }
}

/** The users a principal may see for `action` (a query answers only these), or the refusal when it may see none. */
export function userScopeFor(principal: Principal, action: Action): UserScope {
  const rule = ruleFor(principal.kind, action);
  if (rule === 'deny') throw denied(principal, action);
  if (rule === 'allow') return isServiceToken(principal) ? ALL_BUT_PLATFORM_ADMINS : ALL_USERS;
  if (rule === 'own') {
    const own = ownAccountOf(principal);
    return own === null ? NOBODY : { userId: own };
  }
  return principalUserScope(principal);
}

/** The organizations a principal sees for `action`: every one, or only these. */
export function organizationScopeFor(principal: Principal, action: Action): 'all' | string[] {
  const rule = ruleFor(principal.kind, action);
  if (rule === 'deny') throw denied(principal, action);
  if (rule === 'allow' || isPlatformLevel(principal)) return 'all';
  if (principal.kind === 'org_admin') return principal.managed.map((o) => o.id);
  if (principal.kind === 'scim_token' && principal.organizationId) return [principal.organizationId];
  return [];
}

/** The groups a principal may see or change for `action`: every group, or those of one directory. */
export function groupScopeFor(principal: Principal, action: Action): { directoryId?: string } {
  const rule = ruleFor(principal.kind, action);
  if (rule === 'allow') return {};
  if (rule === 'directory' && principal.kind === 'scim_token') {
    const decision = decide(principal, action, { type: 'group', directoryId: principal.directoryId }, 'all');
    if (!decision.ok) throw decision.error;
    return { directoryId: principal.directoryId };
  }
  throw denied(principal, action);
}

/** Whether the user is one the principal sees (the same rule as principalUserScope, on facts already read). */
export function isInScope(principal: Principal, user: UserFacts): boolean {
  switch (principal.kind) {
    case 'platform_admin':
      return !(user.isPlatformAdmin && isServiceToken(principal));
    case 'operator':
    case 'system':
      return true;
    case 'org_admin':
      return !user.isPlatformAdmin && user.organizations.some((o) => principal.managed.some((m) => m.id === o.id));
    case 'scim_token':
      return !user.isPlatformAdmin && user.directoryId === principal.directoryId && (!principal.organizationId || user.organizations.some((o) => o.id === principal.organizationId));
    case 'self':
      return user.id === principal.userId;
  }
}

/** Whether every right to manage users that `user` holds is at most (or, `strictly`, below) the principal's. */
function isCovered(rights: Rights, user: UserFacts, strictly: boolean): boolean {
  if (rights === 'all') return true;
  if (user.isPlatformAdmin) return false;
  return user.organizations.every((o) => {
    if (!o.canManageUsers) return true;
    const own = rights.get(o.id)?.rank;
    return own !== undefined && (strictly ? o.rank > own : o.rank >= own);
  });
}

function reaches(principal: Principal, organizationId: string): boolean {
  if (isPlatformLevel(principal)) return true;
  if (principal.kind === 'org_admin') return principal.managed.some((o) => o.id === organizationId);
  if (principal.kind === 'scim_token') return principal.organizationId === organizationId;
  return false;
}

function who(principal: Principal): string {
  const words: Record<Principal['kind'], string> = {
    platform_admin: 'A platform administrator',
    operator: 'The operator',
    system: 'idbridge itself',
    org_admin: 'An organization administrator',
    scim_token: 'A SCIM token',
    self: 'A user',
  };
  return isServiceToken(principal) ? 'A service token' : words[principal.kind];
}

function denied(principal: Principal, action: Action): DomainError {
  if (principal.kind === 'org_admin' && ruleFor('platform_admin', action) !== 'deny') {
    return forbidden('policy.platform_only', `Only a platform administrator can ${ACTIONS[action]}.`);
  }
  return forbidden('policy.denied', `${who(principal)} cannot ${ACTIONS[action]}.`);
}

function targetAbove(action: Action): DomainError {
  return forbidden('policy.target_above', `This user can manage users beyond your own rights (a higher role, or another organization): you cannot ${ACTIONS[action]}.`);
}

function notBelow(action: Action): DomainError {
  return forbidden('policy.credentials_protected', `This user can manage users at your level or above: only someone above them can ${ACTIONS[action]}.`);
}

function grantAbove(principal: Principal, grant: Grant, own: { role: string } | undefined): DomainError {
  if (principal.kind === 'scim_token') {
    const limit = own ? ` ("${own.role}")` : '';
    return invalid('provisioning.role_above_limit', `"${grant.role}" is above the highest role this token may give in its organization${limit}; ask an idbridge operator to raise the organization's provisioning limit.`, 'role');
  }
  return forbidden('admin.role_above_own', `You cannot give the role "${grant.role}": it is above your own.`);
}

/** Whether `id` is the principal's own account (a principal with none, like a service token, owns nothing). */
function isOwn(principal: Principal, id: string): boolean {
  const own = ownAccountOf(principal);
  return own !== null && own === id;
}

function userTargetOf(target: Target): UserFacts | undefined {
  return target.type === 'user' || target.type === 'grant' ? target.user : target.type === 'audit' ? target.user : undefined;
}

/** Whether the principal may give this role: in an organization it reaches, and no higher than its own there. */
function decideGrant(principal: Principal, grant: Grant, rights: Rights): Decision {
  if (!reaches(principal, grant.organizationId)) return refuse(notFound('organization'));
  if (rights === 'all') return ALLOWED;
  const own = rights.get(grant.organizationId);
  return own !== undefined && grant.rank >= own.rank ? ALLOWED : refuse(grantAbove(principal, grant, own));
}

function decideScope(principal: Principal, rule: Rule, target: Target): Decision {
  const user = userTargetOf(target);
  if (user) {
    if (rule === 'own') return isOwn(principal, user.id) ? ALLOWED : refuse(notFound('user'));
    return isInScope(principal, user) ? ALLOWED : refuse(notFound('user'));
  }
  switch (target.type) {
    case 'new_user':
      // An organization administrator creates local users only (an SSO directory's users come from its IdP), in at
      // least one of its organizations; a token limited to one organization creates its users there.
      if (principal.kind === 'scim_token' && target.directoryId !== principal.directoryId) return refuse(notFound('directory'));
      if (principal.kind === 'org_admin' && target.directoryKind !== 'local') return refuse(notFound('directory'));
      if (principal.kind === 'org_admin' && target.grants.length === 0) return refuse(invalid('user.organization_required', 'Give the user at least one of your organizations with a role.', 'memberships'));
      if (principal.kind === 'scim_token' && principal.organizationId && !target.grants.some((g) => g.organizationId === principal.organizationId)) {
        return refuse(invalid('user.organization_required', 'A token limited to one organization creates users in that organization.', 'memberships'));
      }
      return ALLOWED;
    case 'joining':
      // Only administrators add people by address (a provisioning token creates its users); a platform
      // administrator stays out of reach of anyone below platform level, an integration credential included.
      if (principal.kind === 'scim_token') return refuse(denied(principal, 'membership.grant'));
      if (target.user?.isPlatformAdmin && !isPlatformLevel(principal)) return refuse(targetAbove('membership.grant'));
      return ALLOWED;
    case 'organization':
      return reaches(principal, target.organizationId) ? ALLOWED : refuse(notFound('organization'));
    case 'audit':
      if (target.organizationId !== undefined && !reaches(principal, target.organizationId)) return refuse(notFound('organization'));
      return ALLOWED;
    case 'api_token':
      return isOwn(principal, target.ownerId) ? ALLOWED : refuse(notFound('api_token'));
    case 'webhook':
      return target.organizationId !== null && reaches(principal, target.organizationId) ? ALLOWED : refuse(notFound('webhook'));
    default:
      return ALLOWED;
  }
}

/**
 * The policy's answer for one action on one target (pure: `rights` are the principal's, read beforehand when the
 * rule compares rights). A target the principal does not see is "not found"; one it sees but may not touch is
 * "forbidden" with the reason.
 */
export function decide(principal: Principal, action: Action, target: Target, rights: Rights): Decision {
  const rule = ruleFor(principal.kind, action);
  if (rule === 'deny') return refuse(denied(principal, action));
  if (isServiceToken(principal) && (userTargetOf(target) ?? (target.type === 'joining' ? target.user : undefined))?.isPlatformAdmin) return refuse(notFound('user'));
  // A credential never mints or revokes credentials of its kind: a leaked service token cannot make itself a
  // successor that outlives its revocation.
  if (isServiceToken(principal) && action === 'service_token.manage')
    return refuse(forbidden('policy.service_token_cannot_manage', 'A service token cannot list, create or revoke service tokens; an operator (idbridge admin-token) or a signed-in platform administrator does.'));
  if (rule === 'allow') return ALLOWED;
  if (rule === 'directory') {
    if (principal.kind !== 'scim_token' || target.type !== 'group' || target.directoryId !== principal.directoryId) return refuse(notFound('group'));
    if (principal.organizationId) return refuse(forbidden('policy.directory_token_only', 'This token is limited to one organization and manages its users only; groups belong to every organization of the directory and need a token of the whole directory.'));
    return ALLOWED;
  }
  const scoped = decideScope(principal, rule, target);
  if (scoped.ok && rule === 'role') return target.type === 'grant' || target.type === 'joining' ? decideGrant(principal, target.grant, rights) : refuse(invalid('policy.role_required', `Name the role and the organization to ${ACTIONS[action]}.`));
  if (!scoped.ok || rule === 'scope' || rule === 'own') {
    if (scoped.ok && target.type === 'new_user') {
      for (const grant of target.grants) {
        const granted = decideGrant(principal, grant, rights);
        if (!granted.ok) return granted;
      }
    }
    return scoped;
  }
  const user = userTargetOf(target);
  if (user && !isCovered(rights, user, rule === 'below')) return refuse(rule === 'below' ? notBelow(action) : targetAbove(action));
  if (rule === 'whole' && user && !isPlatformLevel(principal) && !user.organizations.every((o) => reaches(principal, o.id))) {
    return refuse(conflict('user.in_other_organizations', 'This user also belongs to organizations you do not manage: remove the user from yours instead of deleting it.'));
  }
  return ALLOWED;
}

/** Whether deciding `action` for this principal needs its rights (so that they are read only when they matter). */
export function needsRights(principal: Principal, action: Action, target: Target): boolean {
  if (isPlatformLevel(principal)) return false;
  const rule = ruleFor(principal.kind, action);
  return rule === 'role' || rule === 'not_above' || rule === 'below' || rule === 'whole' || (target.type === 'new_user' && target.grants.length > 0);
}
