import type { Transaction } from 'sequelize';
import type { Organization } from '../../db/models/Organization.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { assertAcceptablePassword, storePassword } from '../credentials/passwords.js';
import { readDirectory, type DirectoryRecord } from '../directories.js';
import { invalid } from '../errors.js';
import { findOrganization } from '../organizations.js';
import { authorize, grantIn } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { primaryOf, userAttributesSchema, type UserAttributes } from '../userAttributes.js';
import { emitMembershipChanges } from '../membershipEvents.js';
import { emitUserEvent } from '../userEvents.js';
import { loadMemberships, type UserView } from '../userView.js';
import { parseInput } from '../validation.js';
import { issueActivation, sendActivation } from './activation.js';
import { writeDirectMembership } from './memberships.js';
import { auditSummary, insertUser, viewOfInserted } from './records.js';
import { applyStatusEvent } from './status.js';

export interface CreateAccountInput {
  /** Directory id or name, or the directory already read. */
  directory: string | DirectoryRecord;
  attributes: UserAttributes;
  /** false creates the user INACTIVE (SCIM active=false). */
  active?: boolean;
  /** Roles given at once, each in an organization (id or slug): never above the principal's own there. */
  memberships?: ReadonlyArray<{ organization: string; role: string }>;
  /**
   * A password chosen for a local user (a provisioning client): checked by the policy; the user is then ACTIVE and
   * gets no activation email. Ignored for SSO directories, whose IdP keeps passwords (Okta sends a placeholder).
   */
  password?: string;
  /** A platform administrator (only the operator and idbridge's first start create them). */
  isPlatformAdmin?: boolean;
  /**
   * How a local user without a password activates: by the emailed link (the default), or by a setup link handed back
   * once (a new platform administrator's, which the operator passes on).
   */
  activation?: 'email' | 'link';
}

export type CreatedAccount = UserView & { setup?: { link: string; expiresAt: string } };

/**
 * The one way a user comes to exist, whoever asks: a SCIM client, an administrator in the console or the API, SAML
 * just-in-time sign-in, the CLI, idbridge's first start. The policy weighs the directory and every role given before
 * anything is written. Local users start PROVISIONED and are emailed an activation link (or, with a password that
 * passes the policy, are ACTIVE at once); users of an SSO directory are ACTIVE and sign in through their IdP.
 */
export async function createAccount(ctx: DomainContext, principal: Principal, input: CreateAccountInput): Promise<CreatedAccount> {
  const attrs = parseInput(userAttributesSchema, input.attributes, 'user.invalid');
  const memberships = input.memberships ?? [];
  return ctx.db.tx(async (t) => {
    const directory = typeof input.directory === 'string' ? await readDirectory(ctx, input.directory) : input.directory;
    const organizations: Organization[] = [];
    for (const membership of memberships) organizations.push(await findOrganization(ctx, membership.organization));
    const grants = organizations.map((org, i) => grantIn(ctx, org, memberships[i]!.role, `memberships.${i}.role`));
    await authorize(ctx, principal, input.isPlatformAdmin ? 'platform_admin.create' : 'user.create', { type: 'new_user', directoryId: directory.id, directoryKind: directory.kind, grants });
    const local = directory.kind === 'local';
    if (input.isPlatformAdmin && !local) throw invalid('admin.local_only', 'Platform administrators are users of the local directory.', 'directory');
    if (local && !primaryOf(attrs.emails)) throw invalid('user.email_required', 'A local user signs in with an email address: give at least one email.', 'emails');

    const inserted = await insertUser(ctx, t, { directory, attributes: attrs, active: input.active ?? true, isPlatformAdmin: input.isPlatformAdmin === true });
    const id = inserted.user.id;
    for (const [i, org] of organizations.entries()) await writeDirectMembership(ctx, t, principal.actor, { userId: id, organization: org, role: grants[i]!.role }, { audit: false, emit: false });
    const view = viewOfInserted(inserted, grants.length ? ((await loadMemberships(ctx, [id])).get(id) ?? []) : []);
    await recordAudit(ctx, t, principal.actor, {
      action: 'user.created',
      targetType: 'user',
      targetId: id,
      userId: id,
      directoryId: directory.id,
      details: { after: { ...auditSummary(inserted.user), directory: directory.name, memberships: view.memberships.map((m) => ({ organization: m.organization.slug, role: m.role })) } },
    });
    if (input.isPlatformAdmin) await recordAudit(ctx, t, principal.actor, { action: 'user.platform_admin_granted', targetType: 'user', targetId: id, userId: id, directoryId: directory.id });
    if (!local || (input.password === undefined && view.status !== 'PROVISIONED')) return announceCreated(ctx, t, principal, view);

    const user = (await ctx.db.models.User.findByPk(id, { transaction: t }))!;
    if (input.password !== undefined) {
      // The initial password is part of creating the account: nobody's credential is replaced.
      await assertAcceptablePassword(ctx, user, input.password);
      await storePassword(ctx, t, id, input.password, 'provisioning');
      await recordAudit(ctx, t, principal.actor, { action: 'user.password_set', targetType: 'user', targetId: id, userId: id, directoryId: directory.id });
      // Created and activated at once: the portals hear of one new ACTIVE user.
      if (user.status === 'PROVISIONED') await applyStatusEvent(ctx, t, principal.actor, user, 'activate', {}, { emit: false });
      return announceCreated(ctx, t, principal, viewOfInserted({ ...inserted, user }, view.memberships));
    }
    if (input.activation === 'link') {
      const setup = await issueActivation(ctx, t, user);
      return { ...announceCreated(ctx, t, principal, view), setup: { link: setup.link, expiresAt: setup.expiresAt.toISOString() } };
    }
    await sendActivation(ctx, t, user);
    await recordAudit(ctx, t, principal.actor, { action: 'user.activation_sent', targetType: 'user', targetId: id, userId: id, directoryId: directory.id });
    return announceCreated(ctx, t, principal, view);
  });
}

/** `user.created` with the user as created, then `membership.added` for each role it was given. */
function announceCreated(ctx: DomainContext, t: Transaction, principal: Principal, view: UserView): UserView {
  emitUserEvent(ctx, t, principal.actor, 'user.created', view);
  emitMembershipChanges(
    ctx,
    t,
    principal.actor,
    view.memberships.map((m) => ({ type: 'membership.added', userId: view.id, organization: { id: m.organization.id, slug: m.organization.slug }, role: m.role, previousRole: null, source: 'direct' })),
  );
  return view;
}
