import { z } from 'zod';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { conflict } from '../errors.js';
import { authorize } from '../policy/index.js';
import { systemPrincipal, type Principal } from '../principal.js';
import type { UserView } from '../userView.js';
import { emailSchema, nameSchema, parseInput } from '../validation.js';
import { issueActivation } from './activation.js';
import { createAccount } from './create.js';
import { findUserByUserName } from './records.js';
import { getAccount } from './read.js';

export interface PlatformAdminResult {
  user: UserView;
  /** The one-time setup (activation) link: shown once. */
  setupLink: string;
  expiresAt: string;
}

const inputSchema = z.object({ email: emailSchema, name: nameSchema });

/** Splits "Ada King Lovelace" into a given name and a family name, as a form would. */
export function splitName(name: string): { givenName: string; familyName: string | null } {
  const parts = name.trim().split(/\s+/);
  if (parts.length === 1) return { givenName: parts[0] as string, familyName: null };
  return { givenName: parts.slice(0, -1).join(' '), familyName: parts[parts.length - 1] as string };
}

/** Creates a platform administrator in the local directory, PROVISIONED, with a one-time setup link (the operator's). */
export async function createPlatformAdmin(ctx: DomainContext, principal: Principal, input: { email: string; name: string }): Promise<PlatformAdminResult> {
  const data = parseInput(inputSchema, input, 'admin.invalid');
  return ctx.db.tx(async () => {
    await authorize(ctx, principal, 'platform_admin.create', { type: 'platform' });
    const local = await findLocalDirectory(ctx);
    if (await findUserByUserName(ctx, local.id, data.email)) {
      throw conflict('user.username_taken', `A local user with the userName "${data.email}" already exists.`, 'email');
    }
    const created = await createAccount(ctx, principal, {
      directory: { id: local.id, name: local.name, kind: local.kind },
      attributes: { userName: data.email, displayName: data.name, name: { ...splitName(data.name), formatted: data.name }, emails: [{ value: data.email, type: 'work', primary: true }] },
      isPlatformAdmin: true,
      activation: 'link',
    });
    const { setup, ...user } = created;
    return { user, setupLink: setup!.link, expiresAt: setup!.expiresAt };
  });
}

/** Issues a new setup link for a platform administrator who has not activated yet (the previous link stops working). */
export async function reissueAdminSetupLink(ctx: DomainContext, principal: Principal, email: string): Promise<PlatformAdminResult> {
  return ctx.db.tx(async (t) => {
    await authorize(ctx, principal, 'platform_admin.create', { type: 'platform' });
    const local = await findLocalDirectory(ctx);
    const user = await findUserByUserName(ctx, local.id, email);
    if (!user || !user.isPlatformAdmin) throw conflict('admin.not_found', `No platform administrator has the userName "${email}".`, 'email');
    if (user.status !== 'PROVISIONED') throw conflict('admin.already_set_up', 'This administrator has already finished setting up the account; use the password reset instead.');
    const { link, expiresAt } = await issueActivation(ctx, t, user);
    await recordAudit(ctx, t, principal.actor, { action: 'user.activation_link_issued', targetType: 'user', targetId: user.id, userId: user.id, directoryId: local.id });
    return { user: await getAccount(ctx, principal, user.id), setupLink: link, expiresAt: expiresAt.toISOString() };
  });
}

export type BootstrapResult =
  | { created: true; email: string; setupLink: string; expiresAt: string }
  | { created: false; awaitingSetup: string[] };

/**
 * On the first start with an empty database: creates the platform administrator of the configuration. Later starts
 * create nothing and only report administrators who have not finished setting up (without any secret).
 */
export async function bootstrapPlatformAdmin(ctx: DomainContext): Promise<BootstrapResult> {
  return ctx.db.tx(async () => {
    const admins = await ctx.db.models.User.findAll({ where: { isPlatformAdmin: true }, attributes: ['userName', 'status'], transaction: ctx.db.current() });
    if (admins.length > 0) return { created: false, awaitingSetup: admins.filter((a) => a.status === 'PROVISIONED').map((a) => a.userName) };
    const result = await createPlatformAdmin(ctx, systemPrincipal(), { email: ctx.settings.bootstrap.adminEmail, name: ctx.settings.bootstrap.adminName });
    return { created: true, email: result.user.userName, setupLink: result.setupLink, expiresAt: result.expiresAt };
  });
}
