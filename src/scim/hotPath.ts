import SCIMMY from 'scimmy';
import type { ScimRequestContext } from './context.js';
import { formattable, toScimError } from './errors.js';
import { readListQuery, readProjection, type RawParams } from './listQuery.js';
import { sendScimJson } from './response.js';
import type { ScimExchange } from './pipeline.js';
import { patchScimGroup } from './groups/writeGroups.js';
import { patchScimUser } from './users/patchUser.js';
import { listUsers, readUser } from './users/readUsers.js';
import { createScimUser, deleteScimUser } from './users/writeUsers.js';

/** What a handler answers: a status and a resource, or no body at all (204). */
type Answer = { status: number; body?: unknown };
type Handler = (c: ScimRequestContext, query: RawParams, id: string | undefined, body: unknown) => Promise<Answer>;

const list: Handler = async (c, query) => ({ status: 200, body: await listUsers(c, readListQuery(query, c.options.maxResults)) });
const read: Handler = async (c, query, id) => ({ status: 200, body: await readUser(c, id!, readProjection(query)) });
const create: Handler = async (c, query, _id, body) => ({ status: 201, body: await createScimUser(c, body, readProjection(query)) });
const patchUser: Handler = async (c, query, id, body) => ({ status: 200, body: await patchScimUser(c, id!, body, readProjection(query)) });
const deleteUser: Handler = async (c, _query, id) => (await deleteScimUser(c, id!), { status: 204 });
// A group PATCH answers nothing (204), which Entra expects; GroupResource.patch does the same on the general path.
const patchGroup: Handler = async (c, _query, id, body) => (await patchScimGroup(c, id!, body), { status: 204 });

/** An id that needs no decoding and names no sub-endpoint (`/Users/.search`): anything else takes the general path. */
const PLAIN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._~-]{0,127}$/;

export interface HotRoute {
  handler: Handler;
  id?: string;
}

/** The id in `resourcePath` when it is `prefix` followed by a plain id, else undefined. */
function plainIdAfter(resourcePath: string, prefix: string): string | undefined {
  if (!resourcePath.startsWith(prefix)) return undefined;
  const id = resourcePath.slice(prefix.length);
  return PLAIN_ID.test(id) ? id : undefined;
}

/**
 * The requests an IdP sends most, answered without the routing layers of Express and scimmy-routers (which cost more
 * CPU than the lookup itself): the lookup by userName and the read of a user (on every provisioning event), a page,
 * a create, a user's PATCH (deactivation above all) and DELETE, and a group's PATCH (members added and removed).
 * Only the canonical URLs match (exact case, no trailing slash); every other request goes to scimmy-routers, which
 * serves these routes too, identically (test/http/scimHotPath.test.ts). Both come after the same steps (pipeline.ts).
 */
export function hotRoute(method: string | undefined, resourcePath: string): HotRoute | undefined {
  const userId = plainIdAfter(resourcePath, '/Users/');
  switch (method) {
    case 'GET':
      if (resourcePath === '/Users') return { handler: list };
      return userId === undefined ? undefined : { handler: read, id: userId };
    case 'POST':
      return resourcePath === '/Users' ? { handler: create } : undefined;
    case 'PATCH': {
      if (userId !== undefined) return { handler: patchUser, id: userId };
      const groupId = plainIdAfter(resourcePath, '/Groups/');
      return groupId === undefined ? undefined : { handler: patchGroup, id: groupId };
    }
    case 'DELETE':
      return userId === undefined ? undefined : { handler: deleteUser, id: userId };
    default:
      return undefined;
  }
}

/** Answers a hot route: the handler's resource, or its error as a SCIM error (as scimmy-routers' path maps them). */
export async function answerHotRoute(route: HotRoute, c: ScimRequestContext, exchange: ScimExchange): Promise<void> {
  const { req, res } = exchange;
  try {
    const answer = await route.handler(c, req.scimQuery ?? {}, route.id, req.body);
    res.statusCode = answer.status;
    if (answer.body === undefined) res.end();
    else sendScimJson(req, res, answer.body);
  } catch (error) {
    const scimError = formattable(toScimError(error, c));
    res.statusCode = scimError.status ?? 500;
    sendScimJson(req, res, new SCIMMY.Messages.Error(scimError));
  }
}
