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

const ACTIVE_PATH = /^active$/i;

/**
 * The `active` a PATCH sets when that is all it does (Entra's soft delete `{"op":"Replace","path":"active","value":false}`,
 * Okta's deactivate `{"op":"replace","value":{"active":false}}`), else undefined. Such a PATCH is a change of status
 * and nothing else: the domain makes it without reading, patching and comparing the whole user.
 */
export function statusOnly(operations: readonly PatchOperation[]): boolean | undefined {
  let active: boolean | undefined;
  for (const { op, path, value } of operations) {
    if (!/^(add|replace)$/i.test(op)) return undefined;
    const set = path === undefined ? soleActive(value) : ACTIVE_PATH.test(path) ? value : undefined;
    if (typeof set !== 'boolean') return undefined;
    active = set;
  }
  return active;
}

function soleActive(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && ACTIVE_PATH.test(keys[0]!) ? (value as Record<string, unknown>)[keys[0]!] : undefined;
}

/**
 * PATCH /Users/{id}: scimmy validates the PatchOp and applies its operations (every RFC op and path, plus the IdP
 * quirks prepared for it) to the user's current representation; the domain runs the read, the patch and the write as
 * one transaction with the user locked, so concurrent patches never overwrite each other. If-Match is checked there.
 * A PATCH of `active` alone is a change of status, made as one (statusOnly).
 */
export async function patchScimUser(c: ScimRequestContext, id: string, message: unknown, projection: Projection): Promise<ScimJson> {
  const operations = new SCIMMY.Messages.PatchOp(message as PatchMessage).Operations as PatchOperation[];
  assertFewPatchValues(operations);
  const version = expectedVersion(c.ifMatch);
  const options = version === undefined ? {} : { expectedVersion: version };
  const active = statusOnly(operations);
  const view =
    active !== undefined
      ? await c.services.accounts.setActive(c.principal, id, active, options)
      : await c.services.accounts.patchProvisioned(c.principal, id, (current) => changeOf(c, current, operations), options);
  return presentUser(c, view, projection);
}
