import SCIMMY from 'scimmy';
import type { ScimRequestContext } from '../context.js';
import { expectedVersion } from '../mapping/etag.js';
import { groupInputFromScim } from '../mapping/groupIn.js';
import { toScimGroup } from '../mapping/groupOut.js';
import { project, type Projection } from '../mapping/projection.js';
import type { ScimJson } from '../mapping/userOut.js';
import { CORE_GROUP_SCHEMA } from '../schemas.js';
import type { PatchOperation } from '../users/prepareUserOperations.js';
import { planGroupPatch } from './planGroupPatch.js';
import { readGroup } from './readGroups.js';

function versionCheck(c: ScimRequestContext): { expectedVersion?: number } {
  const version = expectedVersion(c.ifMatch);
  return version === undefined ? {} : { expectedVersion: version };
}

/** POST /Groups (Entra creates them empty and adds members by PATCH). */
export async function createScimGroup(c: ScimRequestContext, body: unknown, projection: Projection): Promise<ScimJson> {
  const input = groupInputFromScim(body);
  const view = await c.services.groups.create(c.principal, { directory: c.principal.directoryId, displayName: input.displayName, externalId: input.externalId, members: input.members ?? [] });
  return project(toScimGroup({ ...view, members: view.members ?? [] }, c.baseUrl), projection, CORE_GROUP_SCHEMA);
}

/** PUT /Groups/{id}: the name, externalId and exactly the members given (a set replace in SQL, one transaction). */
export async function replaceScimGroup(c: ScimRequestContext, id: string, body: unknown, projection: Projection): Promise<ScimJson> {
  const input = groupInputFromScim(body);
  await c.services.groups.change(
    c.principal,
    id,
    [
      { type: 'attributes', displayName: input.displayName, externalId: input.externalId },
      { type: 'replaceMembers', userIds: input.members ?? [] },
    ],
    versionCheck(c),
  );
  return readGroup(c, id, projection);
}

/** PATCH /Groups/{id}: planned without reading the group, applied natively in SQL; answers 204. */
export async function patchScimGroup(c: ScimRequestContext, id: string, message: unknown): Promise<void> {
  const patch = new SCIMMY.Messages.PatchOp(message as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0]);
  const changes = planGroupPatch(patch.Operations as PatchOperation[], id, c.options.filterLimits);
  await c.services.groups.change(c.principal, id, changes, versionCheck(c));
}

export async function deleteScimGroup(c: ScimRequestContext, id: string): Promise<void> {
  await c.services.groups.delete(c.principal, id, versionCheck(c));
}
