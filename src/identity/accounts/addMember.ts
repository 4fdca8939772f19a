import { z } from 'zod';
import type { User } from '../../db/models/User.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError, invalid, isDomainError } from '../errors.js';
import { signInLink } from '../links.js';
import { mailUser, userLocale } from '../notify.js';
import { findOrganization } from '../organizations.js';
import { authorize, grantIn, userFacts } from '../policy/index.js';
import { isPlatformLevel, type Principal } from '../principal.js';
import { countRequest } from '../rateLimits.js';
import { findLocalUserByIdentifier } from '../selfService/signIn.js';
import { directoryForEmail } from '../saml/settings.js';
import { viewUser, type UserView } from '../userView.js';
import { emailSchema, parseInput } from '../validation.js';
import { writeDirectMembership } from './memberships.js';

export const addMemberSchema = z.object({
  email: emailSchema,
  organization: z.string().min(1, 'is required'),
  /** Not named: the catalog's default role of the organization's kind (never its highest). */
  role: z.string().min(1, 'is required').optional(),
});
export type AddMemberInput = z.input<typeof addMemberSchema>;

interface AddMemberContext {
  organization: { slug: string; name: string; kind: 'utility' | 'customer' };
  /** The role given (or that would have been given): its key. */
  role: string;
}

/**
 * What adding a person by address did: `added` (and whether they were emailed), `already_member` (nothing changed),
 * or `no_account` (no local user has the address: the caller goes on to create one with it). Nothing about the
 * person, or their other organizations, is told before they are in the principal's organization.
 */
export type AddMemberResult =
  | (AddMemberContext & { outcome: 'added'; user: UserView; notified: boolean })
  | (AddMemberContext & { outcome: 'already_member'; user: UserView })
  | (AddMemberContext & { outcome: 'no_account'; email: string });

/**
 * Lookups per administrator below platform level in an hour: enough to add a team in one sitting, few enough that
 * trying address after address to learn who is on the platform is slow (and every lookup is in the audit log).
 */
export const MEMBER_LOOKUP_LIMIT = { limit: 100, windowMs: 3_600_000 };

/**
 * Adds an existing person to an organization by the address the administrator typed (the bill-management product's
 * "Add user": one person in several customers). The policy decides as for any role given (membership.grant: in an
 * organization the principal reaches, never above its own role there), before the address is looked up. Only users
 * of the local directory are added: an address at a domain that signs in through an SSO directory is refused, since
 * that IdP's groups (role mappings) decide its users' organizations. A platform administrator is out of reach below
 * platform level. The person added is emailed ("you now have access to …") in their language, unless their account
 * cannot sign in yet (PROVISIONED: their activation email still stands) or is INACTIVE.
 *
 * An administrator learns that an address has an account on the platform only by adding it (which is the point),
 * or by being told there is none; each lookup is audited (`membership.lookup_by_email`, or `membership.added`) and
 * limited per administrator (MEMBER_LOOKUP_LIMIT).
 */
export async function addMemberByEmail(ctx: DomainContext, principal: Principal, input: AddMemberInput): Promise<AddMemberResult> {
  const data = parseInput(addMemberSchema, input, 'membership.invalid');
  const org = await findOrganization(ctx, data.organization);
  const role = data.role ?? ctx.catalog.defaultRole(org.kind).key;
  const grant = grantIn(ctx, org, role);
  await authorize(ctx, principal, 'membership.grant', { type: 'joining', grant });
  const sso = await directoryForEmail(ctx, data.email);
  if (sso) {
    throw invalid('membership.sso_address', 'This address signs in through an identity provider (SSO): its users get their organizations from the identity provider\'s groups. Ask a platform administrator to map a group to this organization.', 'email');
  }
  if (!isPlatformLevel(principal)) {
    const limited = await countRequest(ctx, { name: 'member-lookup', key: principal.actor.id ?? principal.actor.label, ...MEMBER_LOOKUP_LIMIT });
    if (limited) throw new DomainError('too_many', 'membership.lookup_limit', `Too many addresses looked up in the last hour: try again in ${Math.ceil(limited.retryAfterSeconds / 60)} minutes.`, { details: { retryAfterSeconds: limited.retryAfterSeconds } });
  }
  const context: AddMemberContext = { organization: { slug: org.slug, name: org.name, kind: org.kind }, role };
  const lookedUp = (t: Parameters<typeof recordAudit>[1], outcome: string, user?: User) =>
    recordAudit(ctx, t, principal.actor, {
      action: 'membership.lookup_by_email',
      targetType: user ? 'user' : 'organization',
      targetId: user?.id ?? org.id,
      userId: user?.id ?? null,
      organizationId: org.id,
      details: { organization: org.slug, email: data.email, outcome },
    });

  const answer = await ctx.db.tx(async (t): Promise<AddMemberResult | { refused: DomainError }> => {
    const user = await findLocalUserByIdentifier(ctx, data.email);
    if (!user) {
      await lookedUp(t, 'no_account');
      return { ...context, outcome: 'no_account', email: data.email };
    }
    const facts = await userFacts(ctx, user);
    try {
      await authorize(ctx, principal, 'membership.grant', { type: 'joining', grant, user: facts });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      // The refusal is answered once the lookup is on record.
      await lookedUp(t, 'refused', user);
      return { refused: error };
    }
    if (facts.organizations.some((o) => o.id === org.id)) {
      await lookedUp(t, 'already_member', user);
      return { ...context, outcome: 'already_member', user: await viewUser(ctx, user) };
    }
    await writeDirectMembership(ctx, t, principal.actor, { userId: user.id, organization: org, role }, { audit: false });
    await recordAudit(ctx, t, principal.actor, {
      action: 'membership.added',
      targetType: 'user',
      targetId: user.id,
      userId: user.id,
      organizationId: org.id,
      details: { organization: org.slug, before: null, after: { role }, foundByEmail: true },
    });
    const notified = user.status !== 'PROVISIONED' && user.status !== 'INACTIVE' && (await mailUser(ctx, t, user, 'added_to_organization', { organization: org.name, role: ctx.catalog.labelOf(org.kind, role, userLocale(user)), link: signInLink(ctx.settings) }, { organization: org }));
    return { ...context, outcome: 'added', user: await viewUser(ctx, user), notified };
  });
  if ('refused' in answer) throw answer.refused;
  return answer;
}
