import SCIMMY from 'scimmy';
import type { ProvisionedUserChange } from '../../identity/accounts/provisioning.js';
import type { UserView } from '../../identity/userView.js';
import type { ScimRequestContext } from '../context.js';
import { expectedVersion } from '../mapping/etag.js';
import type { Projection } from '../mapping/projection.js';
import { userInputFromScim } from '../mapping/userIn.js';
import { toScimUser, type ScimJson } from '../mapping/userOut.js';
import { IDBRIDGE_USER_SCHEMA } from '../schemas.js';
import { prepareUserOperations, type PatchOperation } from './prepareUserOperations.js';
import { presentUser } from './presentUser.js';

type PatchMessage = ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0];

/** The change a PATCH makes to `view`: scimmy applies the operations to the user's SCIM representation. */
async function changeOf(c: ScimRequestContext, view: UserView, operations: PatchOperation[]): Promise<ProvisionedUserChange | undefined> {
  const current = toScimUser(view, { baseUrl: c.baseUrl, organizationId: c.principal.organizationId, groups: [] });
  // Read-only, output-only values stay out of what scimmy patches: its setters refuse to copy them into the result.
  const own = current[IDBRIDGE_USER_SCHEMA] as { status?: unknown; memberships?: unknown };
  delete own.status;
  delete own.memberships;
  const prepared = prepareUserOperations(operations, current);
  if (prepared.length === 0) return undefined;
  const source = new SCIMMY.Schemas.User(current, 'out');
  const target = await new SCIMMY.Messages.PatchOp({ schemas: [SCIMMY.Messages.PatchOp.id], Operations: prepared } as PatchMessage).apply(source);
  if (!target) return undefined;
  const password = (target as unknown as { password?: unknown }).password;
  return userInputFromScim(JSON.parse(JSON.stringify(target)) as ScimJson, typeof password === 'string' ? password : undefined);
}

/**
 * PATCH /Users/{id}: scimmy validates the PatchOp and applies its operations (every RFC op and path, plus the IdP
 * quirks prepared for it) to the user's current representation; the domain runs the read, the patch and the write as
 * one transaction with the user locked, so concurrent patches never overwrite each other. If-Match is checked there.
 */
export async function patchScimUser(c: ScimRequestContext, id: string, message: unknown, projection: Projection): Promise<ScimJson> {
  const operations = new SCIMMY.Messages.PatchOp(message as PatchMessage).Operations as PatchOperation[];
  const version = expectedVersion(c.ifMatch);
  const view = await c.services.accounts.patchProvisioned(c.principal, id, (current) => changeOf(c, current, operations), version === undefined ? {} : { expectedVersion: version });
  return presentUser(c, view, projection);
}
