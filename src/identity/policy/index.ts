import type { DomainContext } from '../context.js';
import type { Principal } from '../principal.js';
import { decide, needsRights, type Target } from './authorize.js';
import { rightsOf } from './facts.js';
import type { Action } from './rules.js';

export { principalUserScope, userScopeFor, organizationScopeFor, groupScopeFor, isInScope, decide, type Target, type UserFacts, type Grant, type Rights, type Decision } from './authorize.js';
export { factsOf, userFacts, grantIn, rightsOf } from './facts.js';
export { ACTIONS, POLICY, PRINCIPAL_KINDS, ruleFor, type Action, type Rule } from './rules.js';

/**
 * Asks the policy whether `principal` may do `action` to `target`, and throws its refusal ("not found" for a target
 * out of sight, "forbidden" with the reason otherwise). The principal's rights are read only when the rule compares
 * them.
 */
export async function authorize(ctx: DomainContext, principal: Principal, action: Action, target: Target): Promise<void> {
  const rights = needsRights(principal, action, target) ? await rightsOf(ctx, principal) : 'all';
  const decision = decide(principal, action, target, rights);
  if (!decision.ok) throw decision.error;
}

/** Whether `principal` may do `action` to `target` (for showing only the actions a page may offer). */
export async function isAllowed(ctx: DomainContext, principal: Principal, action: Action, target: Target): Promise<boolean> {
  const rights = needsRights(principal, action, target) ? await rightsOf(ctx, principal) : 'all';
  return decide(principal, action, target, rights).ok;
}
