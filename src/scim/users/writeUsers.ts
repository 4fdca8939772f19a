import type { ScimRequestContext } from '../context.js';
import { expectedVersion } from '../mapping/etag.js';
import type { Projection } from '../mapping/projection.js';
import { userInputFromScim, validateUserBody } from '../mapping/userIn.js';
import type { ScimJson } from '../mapping/userOut.js';
import { presentUser } from './presentUser.js';

/** POST /Users. A second userName in the directory (ignoring case) answers 409 uniqueness. */
export async function createScimUser(c: ScimRequestContext, body: unknown, projection: Projection): Promise<ScimJson> {
  const { json, password } = validateUserBody(body);
  const input = userInputFromScim(json, password);
  return presentUser(c, await c.services.accounts.provision(c.principal, input), projection);
}

/** PUT /Users/{id}: replaces every attribute (absent ones are cleared); `active` and the password when given. */
export async function replaceScimUser(c: ScimRequestContext, id: string, body: unknown, projection: Projection): Promise<ScimJson> {
  const version = expectedVersion(c.ifMatch);
  const { json, password } = validateUserBody(body);
  const { attributes, ...rest } = userInputFromScim(json, password);
  const view = await c.services.accounts.changeProvisioned(c.principal, id, { attributes, ...rest }, version === undefined ? {} : { expectedVersion: version });
  return presentUser(c, view, projection);
}

/** DELETE /Users/{id}. */
export async function deleteScimUser(c: ScimRequestContext, id: string): Promise<void> {
  const version = expectedVersion(c.ifMatch);
  await c.services.accounts.deprovision(c.principal, id, version === undefined ? {} : { expectedVersion: version });
}
