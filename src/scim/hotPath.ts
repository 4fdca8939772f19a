import SCIMMY from 'scimmy';
import type { ScimRequestContext } from './context.js';
import { formattable, toScimError } from './errors.js';
import { readListQuery, readProjection, type RawParams } from './listQuery.js';
import { sendScimJson } from './response.js';
import type { ScimExchange } from './pipeline.js';
import { listUsers, readUser } from './users/readUsers.js';
import { createScimUser } from './users/writeUsers.js';

type Answer = { status: number; body: unknown };
type Handler = (c: ScimRequestContext, query: RawParams, id: string | undefined, body: unknown) => Promise<Answer>;

const list: Handler = async (c, query) => ({ status: 200, body: await listUsers(c, readListQuery(query, c.options.maxResults)) });
const read: Handler = async (c, query, id) => ({ status: 200, body: await readUser(c, id!, readProjection(query)) });
const create: Handler = async (c, query, _id, body) => ({ status: 201, body: await createScimUser(c, body, readProjection(query)) });

/** An id that needs no decoding and names no sub-endpoint (`/Users/.search`): anything else takes the general path. */
const PLAIN_ID = /^[A-Za-z0-9_-][A-Za-z0-9._~-]{0,127}$/;

export interface HotRoute {
  handler: Handler;
  id?: string;
}

/**
 * The requests an IdP sends most, answered without the routing layers of Express and scimmy-routers (which cost more
 * CPU than the lookup itself): the lookup by userName and the read of a user (on every provisioning event), a page,
 * and a create. Only the canonical URLs match (exact case, no trailing slash); every other request goes to
 * scimmy-routers, which serves these routes too, identically (test/http/scimHotPath.test.ts). Both come after the
 * same steps (pipeline.ts).
 */
export function hotRoute(method: string | undefined, resourcePath: string): HotRoute | undefined {
  if (method === 'GET') {
    if (resourcePath === '/Users') return { handler: list };
    if (resourcePath.startsWith('/Users/')) {
      const id = resourcePath.slice('/Users/'.length);
      if (PLAIN_ID.test(id)) return { handler: read, id };
    }
  } else if (method === 'POST' && resourcePath === '/Users') {
    return { handler: create };
  }
  return undefined;
}

/** Answers a hot route: the handler's resource, or its error as a SCIM error (as scimmy-routers' path maps them). */
export async function answerHotRoute(route: HotRoute, c: ScimRequestContext, exchange: ScimExchange): Promise<void> {
  const { req, res } = exchange;
  try {
    const answer = await route.handler(c, req.scimQuery ?? {}, route.id, req.body);
    res.statusCode = answer.status;
    sendScimJson(req, res, answer.body);
  } catch (error) {
    const scimError = formattable(toScimError(error, c));
    res.statusCode = scimError.status ?? 500;
    sendScimJson(req, res, new SCIMMY.Messages.Error(scimError));
  }
}
