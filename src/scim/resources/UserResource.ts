import SCIMMY from 'scimmy';
import type { ScimRequestContext } from '../context.js';
import { scimGuard } from '../errors.js';
import { readListQuery, readProjection, type RawParams } from '../listQuery.js';
import { listUsers, readUser } from '../users/readUsers.js';
import { patchScimUser } from '../users/patchUser.js';
import { createScimUser, deleteScimUser, replaceScimUser } from '../users/writeUsers.js';
import { splitResourceArgs } from './params.js';

type Result = Promise<InstanceType<typeof SCIMMY.Schemas.User>>;
/** Our handlers answer plain JSON built by our mappers; scimmy's router sends whatever `read`/`write` return. */
const asResult = (json: unknown) => json as InstanceType<typeof SCIMMY.Schemas.User>;

/**
 * The SCIM User resource type, as scimmy-routers calls it. Every method is overridden: scimmy keeps the routing,
 * PatchOp validation and schema coercion of input, and idbridge does the rest in SQL through the domain (scimmy's own
 * pipeline would re-slice SQL pages, read-modify-write every PATCH and map every error to 404).
 */
export class UserResource extends SCIMMY.Resources.User {
  readonly params: RawParams;

  constructor(id?: unknown, params?: unknown) {
    super();
    const split = splitResourceArgs(id, params);
    if (split.id !== undefined) this.id = split.id;
    this.params = split.params;
  }

  override async read<T = unknown>(ctx?: T): Result {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id;
    return asResult(await scimGuard(c, () => (id !== undefined ? readUser(c, id, readProjection(this.params)) : listUsers(c, readListQuery(this.params, c.options.maxResults)))));
  }

  override async write<T = unknown>(instance: unknown, ctx?: T): Result {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id;
    const projection = readProjection(this.params);
    return asResult(await scimGuard(c, () => (id !== undefined ? replaceScimUser(c, id, instance, projection) : createScimUser(c, instance, projection))));
  }

  override async patch<T = unknown>(message: unknown, ctx?: T): Result {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id as string;
    return asResult(await scimGuard(c, () => patchScimUser(c, id, message, readProjection(this.params))));
  }

  override async dispose<T = unknown>(ctx?: T): Promise<void> {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id as string;
    await scimGuard(c, () => deleteScimUser(c, id));
  }
}
