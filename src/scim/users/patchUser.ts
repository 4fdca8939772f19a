import SCIMMY from 'scimmy';
import { isDomainError } from '../../identity/errors.js';
import { changeProvisionedUser } from '../../identity/provisioning/provisionedUsers.js';
import { getUser } from '../../identity/users.js';
import type { UserView } from '../../identity/userView.js';
import type { ScimRequestContext } from '../context.js';
import { expectedVersion } from '../mapping/etag.js';
import type { Projection } from '../mapping/projection.js';
import { userInputFromScim } from '../mapping/userIn.js';
import { toScimUser, type ScimJson } from '../mapping/userOut.js';
import { ScimProblem } from '../problem.js';
import { prepareUserOperations, type PatchOperation } from './prepareUserOperations.js';
import { presentUser } from './presentUser.js';

/** Attempts when another writer changes the user between our read and our write (no If-Match given). */
const ATTEMPTS = 3;

function parsePatch(message: unknown): PatchOperation[] {
  // scimmy validates the PatchOp message: schema, ops, values and paths.
  const patch = new SCIMMY.Messages.PatchOp(message as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0]);
  return patch.Operations as PatchOperation[];
}

async function applyOnce(c: ScimRequestContext, view: UserView, operations: PatchOperation[]): Promise<UserView | undefined> {
  const current = toScimUser(view, { baseUrl: c.baseUrl, organizationId: c.client.organizationId, groups: [] });
  const prepared = prepareUserOperations(operations, current);
  if (prepared.length === 0) return undefined;
  const source = new SCIMMY.Schemas.User(current, 'out');
  const message = { schemas: [SCIMMY.Messages.PatchOp.id], Operations: prepared } as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0];
  const target = await new SCIMMY.Messages.PatchOp(message).apply(source);
  if (!target) return undefined;
  const password = (target as unknown as { password?: unknown }).password;
  const input = userInputFromScim(JSON.parse(JSON.stringify(target)) as ScimJson, typeof password === 'string' ? password : undefined);
  return changeProvisionedUser(c.domain, c.actor, c.client, view.id, input, { expectedVersion: view.version });
}

/**
 * PATCH /Users/{id}: scimmy applies the operations (every RFC op and path) to the user's current representation, and
 * the result is written through the domain with a version check, so a concurrent change is never overwritten: without
 * If-Match the patch is re-applied to the newer version; with If-Match a changed version answers 412.
 */
export async function patchScimUser(c: ScimRequestContext, id: string, message: unknown, projection: Projection): Promise<ScimJson> {
  const operations = parsePatch(message);
  const wanted = expectedVersion(c.ifMatch);
  for (let attempt = 1; ; attempt += 1) {
    const view = await getUser(c.domain, id, c.userScope);
    if (wanted !== undefined && view.version !== wanted) throw new ScimProblem(412, undefined, `The user changed since version ${wanted} (now ${view.version}); read it again.`);
    try {
      return presentUser(c, (await applyOnce(c, view, operations)) ?? view, projection);
    } catch (error) {
      const raced = isDomainError(error) && error.kind === 'precondition_failed' && wanted === undefined;
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}
