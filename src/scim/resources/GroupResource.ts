import SCIMMY from 'scimmy';
import type { ScimRequestContext } from '../context.js';
import { scimGuard } from '../errors.js';
import { listGroups, readGroup } from '../groups/readGroups.js';
import { createScimGroup, deleteScimGroup, patchScimGroup, replaceScimGroup } from '../groups/writeGroups.js';
import { readListQuery, readProjection, type RawParams } from '../listQuery.js';
import { splitResourceArgs } from './params.js';

type Result = Promise<InstanceType<typeof SCIMMY.Schemas.Group>>;
const asResult = (json: unknown) => json as InstanceType<typeof SCIMMY.Schemas.Group>;

/** The SCIM Group resource type: members are changed natively in SQL (set semantics, one transaction). */
export class GroupResource extends SCIMMY.Resources.Group {
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
    return asResult(
      await scimGuard(c, () => {
        return id !== undefined ? readGroup(c, id, readProjection(this.params)) : listGroups(c, readListQuery(this.params, c.options.maxResults));
      }),
    );
  }

  override async write<T = unknown>(instance: unknown, ctx?: T): Result {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id;
    const projection = readProjection(this.params);
    return asResult(
      await scimGuard(c, () => {
        return id !== undefined ? replaceScimGroup(c, id, instance, projection) : createScimGroup(c, instance, projection);
      }),
    );
  }

  /** Answers nothing: the router then sends 204, which Entra expects for group PATCH. */
  override async patch<T = unknown>(message: unknown, ctx?: T): Result {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id as string;
    await scimGuard(c, () => {
      return patchScimGroup(c, id, message);
    });
    return asResult(undefined);
  }

  override async dispose<T = unknown>(ctx?: T): Promise<void> {
    const c = ctx as unknown as ScimRequestContext;
    const id = this.id as string;
    await scimGuard(c, () => {
      return deleteScimGroup(c, id);
    });
  }
}
