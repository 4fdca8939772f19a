import type { DomainContext } from './context.js';

/** The rules that apply to one user: platform defaults, overridden by the policies of the user's organizations. */
export interface EffectivePolicy {
  mfaRequired: boolean;
  /** 0: passwords never expire. */
  passwordMaxAgeDays: number;
  passwordResetTtlHours: number;
  activationTtlHours: number;
  organizationNames: string[];
}

/**
 * When organizations disagree, the strictest wins: MFA if any requires it (or the user is a platform administrator
 * and configuration requires it for them), the shortest password age; links follow
 * the shortest lifetime an organization set, else the platform's.
 */
export async function effectivePolicy(ctx: DomainContext, userId: string): Promise<EffectivePolicy> {
  const t = ctx.db.current();
  const memberships = await ctx.db.models.Membership.findAll({ where: { userId }, attributes: ['organizationId'], raw: true, transaction: t });
  const orgIds = [...new Set(memberships.map((m) => m.organizationId))];
  const orgs = orgIds.length ? await ctx.db.models.Organization.findAll({ where: { id: orgIds }, transaction: t }) : [];
  const defined = <K extends 'passwordMaxAgeDays' | 'passwordResetTtlHours' | 'activationTtlHours'>(key: K) =>
    orgs.map((o) => o.policy[key]).filter((v): v is number => typeof v === 'number');
  const minOr = (values: number[], fallback: number) => (values.length ? Math.min(...values) : fallback);
  const ages = defined('passwordMaxAgeDays');
  const user = await ctx.db.models.User.findByPk(userId, { attributes: ['isPlatformAdmin'], transaction: t });
  const adminMfa = ctx.settings.mfa.requiredForPlatformAdmins && user?.isPlatformAdmin === true;
  const positiveAges = ages.filter((v) => v > 0);
  return {
    mfaRequired: adminMfa || orgs.some((o) => o.policy.mfaRequired === true),
    // An organization that sets 0 (never) does not relax another's limit.
    passwordMaxAgeDays: ages.length ? (positiveAges.length ? Math.min(...positiveAges) : 0) : ctx.settings.password.maxAgeDays,
    passwordResetTtlHours: minOr(defined('passwordResetTtlHours'), ctx.settings.tokens.passwordResetTtlHours),
    activationTtlHours: minOr(defined('activationTtlHours'), ctx.settings.tokens.activationTtlHours),
    organizationNames: orgs.map((o) => o.name),
  };
}
