import type { User } from '../../db/models/User.js';
import type { DomainContext } from '../context.js';
import { modelInstance } from '../../db/rows.js';
import { notFound } from '../errors.js';
import { authorize, factsOf, ruleFor, userFacts, userScopeFor, type Action, type UserFacts } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { presentUser, readUserToChange, type UserView } from '../userView.js';
import { checkVersion } from './records.js';

export interface TargetOptions {
  /** Lock the user's row until the transaction ends (a version check and the write that follows stay together). */
  forUpdate?: boolean;
  /** The version the caller last read (If-Match). */
  expectedVersion?: number;
}

/** The user an account command acts on, as targetUser read it. */
export interface TargetedUser {
  /** Its row, as a model instance for the command to change. */
  user: User;
  /** The policy's view of it: its memberships as they were read. */
  facts: UserFacts;
  /** Its full view now: the row as the command has left it, emails, memberships and groups as they were read. */
  view(): UserView;
}

/**
 * The user an account command acts on, once the policy allows `action` on it: read within what the principal sees
 * ("not found" otherwise), then, when the rule compares rights, weighed against the principal's. Every account
 * command starts here. The row and everything the user holds come in one query: the policy's facts and the answer's
 * view need no other read.
 */
export async function targetUser(ctx: DomainContext, principal: Principal, action: Action, id: string, options: TargetOptions = {}): Promise<TargetedUser> {
  const read = await readUserToChange(ctx, id, userScopeFor(principal, action), options.forUpdate ? { forUpdate: true } : {});
  if (!read) throw notFound('user');
  const user = modelInstance(ctx.db.models.User, read.record);
  const facts = factsOf(ctx, user, read.children.memberships);
  const rule = ruleFor(principal.kind, action);
  if (rule !== 'allow' && rule !== 'scope' && rule !== 'own') await authorize(ctx, principal, action, { type: 'user', user: facts });
  checkVersion(user, options.expectedVersion);
  return { user, facts, view: () => presentUser(user, read.children) };
}

/** Asks the policy about a further action on a user already targeted (a PATCH that also changes the email). */
export async function authorizeAlso(ctx: DomainContext, principal: Principal, action: Action, user: User, facts?: UserFacts): Promise<void> {
  await authorize(ctx, principal, action, { type: 'user', user: facts ?? (await userFacts(ctx, user)) });
}
