import type { Transaction } from 'sequelize';
import type { AuditInput } from './audit.js';
import type { DomainContext } from './context.js';

/** How a sign-in attempt ended. A closed set: these are metric labels, and never carry who tried. */
export type SignInOutcome = 'success' | 'unknown_user' | 'wrong_password' | 'mfa_failed' | 'locked' | 'inactive' | 'not_allowed' | 'refused';

/**
 * What the domain counts for the operators' metrics (the composition root gives the implementation; tests and the CLI
 * may give `noDomainMetrics`). Only closed sets of words reach it: never a user, an address or an id.
 */
export interface DomainMetrics {
  /** One sign-in attempt decided: `method` is one of SIGN_IN_METHODS, or several joined with "+" for a completed one. */
  signIn(method: string, outcome: SignInOutcome): void;
  /** An account locked itself after too many failed sign-ins. */
  lockout(): void;
  /** An email handed to the SMTP server. */
  mailSent(): void;
  /** A failed attempt to send an email: retried later, or abandoned. */
  mailFailed(abandoned: boolean): void;
}

export const noDomainMetrics: DomainMetrics = { signIn() {}, lockout() {}, mailSent() {}, mailFailed() {} };

/** The sign-in methods, by the names the sessions record (OIDC amr values) and the audit trail uses. */
const SIGN_IN_METHODS: Readonly<Record<string, string>> = { pwd: 'password', password: 'password', otp: 'totp', totp: 'totp', recovery_code: 'recovery_code', saml: 'saml' };

function methodOf(names: unknown): string {
  const list = Array.isArray(names) ? names : [names];
  const known = list.map((name) => (typeof name === 'string' ? SIGN_IN_METHODS[name] : undefined) ?? 'other');
  return known.length > 0 ? known.join('+') : 'other';
}

function refusalOf(status: unknown): SignInOutcome {
  if (status === 'AUTO_LOCKED' || status === 'LOCKED_BY_ADMIN') return 'locked';
  return status === 'INACTIVE' ? 'inactive' : 'not_allowed';
}

/**
 * The sign-in outcome an audit event records, if it records one. The audit trail is where the domain already writes
 * every decided sign-in, so the metrics read it there rather than at each edge.
 */
export function signInOutcomeOf(input: Pick<AuditInput, 'action' | 'details'>): { method: string; outcome: SignInOutcome } | undefined {
  const details = (input.details ?? {}) as Record<string, unknown>;
  switch (input.action) {
    case 'user.signed_in':
      return { method: methodOf(details.methods), outcome: 'success' };
    case 'user.sign_in_failed':
      return details.reason === 'password' ? { method: 'password', outcome: 'wrong_password' } : { method: methodOf(details.reason), outcome: 'mfa_failed' };
    case 'user.sign_in_refused':
      return { method: 'password', outcome: refusalOf(details.status) };
    case 'saml.sign_in_refused':
      // The same event records refused logout messages ("logout: …"); those are no sign-in.
      return typeof details.reason === 'string' && details.reason.startsWith('logout:') ? undefined : { method: 'saml', outcome: 'refused' };
    default:
      return undefined;
  }
}

/** Counts a sign-in outcome once `t` commits (a rolled-back attempt decided nothing). */
export function countSignIn(ctx: DomainContext, t: Transaction, method: string, outcome: SignInOutcome): void {
  t.afterCommit(() => ctx.metrics.signIn(method, outcome));
}

/** Counts what an audit event says for the metrics (sign-in outcomes, lockouts), once `t` commits. */
export function countAudited(ctx: DomainContext, t: Transaction, input: Pick<AuditInput, 'action' | 'details'>): void {
  if (input.action === 'user.auto_locked') {
    t.afterCommit(() => ctx.metrics.lockout());
    return;
  }
  const signIn = signInOutcomeOf(input);
  if (signIn) countSignIn(ctx, t, signIn.method, signIn.outcome);
}
