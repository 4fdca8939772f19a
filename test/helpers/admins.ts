import { activateAccount } from '../../src/identity/selfService/activation.js';
import { createAdminApiToken } from '../../src/identity/apiTokens.js';
import { loadAdminPrincipal } from '../../src/identity/principal.js';
import { createPlatformAdmin } from '../../src/identity/accounts/platformAdmins.js';
import type { DomainContext } from '../../src/identity/context.js';
import { activeLocalUser, GOOD_PASSWORD } from './accounts.js';
import { testOperator } from './db.js';
import type { TestMailbox } from './smtp.js';

/** A platform administrator, activated, with an API token. */
export async function platformAdmin(ctx: DomainContext, email = `root${Date.now()}@platform.example`) {
  const created = await createPlatformAdmin(ctx, testOperator, { email, name: 'Root Admin' });
  await activateAccount(ctx, { token: new URL(created.setupLink).searchParams.get('token') as string, password: GOOD_PASSWORD, language: 'en' });
  const principal = await loadAdminPrincipal(ctx, created.user.id);
  const { token } = await createAdminApiToken(ctx, principal!, { name: 'tests' });
  return { id: created.user.id, email, token };
}

/** A local user holding `role` in `organization` (a role that manages users), with an API token. */
export async function organizationAdmin(ctx: DomainContext, mailbox: TestMailbox, deliver: () => Promise<void>, organization: string, role: string) {
  const user = await activeLocalUser(ctx, mailbox, deliver, { organizations: [{ organization, role }] });
  const principal = await loadAdminPrincipal(ctx, user.id);
  if (!principal) throw new Error(`${role} in ${organization} does not manage users`);
  const { token } = await createAdminApiToken(ctx, principal, { name: 'tests' });
  return { ...user, token };
}
