import type { User } from '../../db/models/User.js';
import type { DomainContext } from '../context.js';
import { authorize, ruleFor, userFacts, userScopeFor, type Action, type UserFacts } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { findUserInScope } from '../scope.js';
import { checkVersion } from './records.js';

export interface TargetOptions {
  /** Lock the user's row until the transaction ends (a version check and the write that follows stay together). */
  forUpdate?: boolean;
  /** The version the caller last read (If-Match). */
  expectedVersion?: number;
}

/**
 * The user an account command acts on, once the policy allows `action` on it: read within what the principal sees
 * ("not found" otherwise), then, when the rule compares rights, weighed against the principal's. Every account
 * command starts here.
 */
export async function targetUser(ctx: DomainContext, principal: Principal, action: Action, id: string, options: TargetOptions = {}): Promise<User> {
  const user = await findUserInScope(ctx, id, userScopeFor(principal, action), options.forUpdate ? { forUpdate: true } : {});
  const rule = ruleFor(principal.kind, action);
  if (rule !== 'allow' && rule !== 'scope' && rule !== 'own') await authorize(ctx, principal, action, { type: 'user', user: await userFacts(ctx, user) });
  checkVersion(user, options.expectedVersion);
  return user;
}

/** Asks the policy about a further action on a user already targeted (a PATCH that also changes the email). */
export async function authorizeAlso(ctx: DomainContext, principal: Principal, action: Action, user: User, facts?: UserFacts): Promise<void> {
  await authorize(ctx, principal, action, { type: 'user', user: facts ?? (await userFacts(ctx, user)) });
}
