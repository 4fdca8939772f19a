import SCIMMY from 'scimmy';
import type { ProvisionedUserChange } from '../../identity/accounts/provisioning.js';
import type { UserView } from '../../identity/userView.js';
import type { ScimRequestContext } from '../context.js';
import { expectedVersion } from '../mapping/etag.js';
import type { Projection } from '../mapping/projection.js';
import { assertFewPatchValues, userInputFromScim } from '../mapping/userIn.js';
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
  const patched = JSON.parse(JSON.stringify(target)) as ScimJson;
  for (const list of ['emails', 'phoneNumbers']) settlePrimary(current[list], patched[list]);
  return userInputFromScim(patched, typeof password === 'string' ? password : undefined);
}

/**
 * RFC 7644 §3.5.2: a PATCH that makes a value primary makes the one primary before it no longer so. When the patched
 * list has more than one primary value, those that were primary before the patch lose the mark; two values made
 * primary by the same PATCH stay so, and the domain refuses them (at most one may be).
 */
function settlePrimary(before: unknown, after: unknown): void {
  if (!Array.isArray(after)) return;
  const primaries = after.filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null && (entry as Record<string, unknown>).primary === true);
  if (primaries.length < 2) return;
  const wasPrimary = new Set((Array.isArray(before) ? before : []).filter((e: Record<string, unknown>) => e?.primary === true).map((e: Record<string, unknown>) => String(e.value).toLowerCase()));
  const fresh = primaries.filter((entry) => !wasPrimary.has(String(entry.value).toLowerCase()));
  if (fresh.length === 0) return;
  for (const entry of primaries) if (!fresh.includes(entry)) entry.primary = false;
}

/**
 * PATCH /Users/{id}: scimmy validates the PatchOp and applies its operations (every RFC op and path, plus the IdP
 * quirks prepared for it) to the user's current representation; the domain runs the read, the patch and the write as
 * one transaction with the user locked, so concurrent patches never overwrite each other. If-Match is checked there.
 */
export async function patchScimUser(c: ScimRequestContext, id: string, message: unknown, projection: Projection): Promise<ScimJson> {
  const operations = new SCIMMY.Messages.PatchOp(message as PatchMessage).Operations as PatchOperation[];
  assertFewPatchValues(operations);
  const version = expectedVersion(c.ifMatch);
  const view = await c.services.accounts.patchProvisioned(c.principal, id, (current) => changeOf(c, current, operations), version === undefined ? {} : { expectedVersion: version });
  return presentUser(c, view, projection);
}
