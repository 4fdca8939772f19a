import type { GroupView } from '../../identity/groups.js';
import { CORE_GROUP_SCHEMA } from '../schemas.js';
import { etagOf } from './etag.js';
import type { ScimJson } from './userOut.js';

/** A group as SCIM clients see it; `members` only when the view has them (they were not excluded). */
export function toScimGroup(view: GroupView, baseUrl: string): ScimJson {
  return {
    schemas: [CORE_GROUP_SCHEMA],
    id: view.id,
    displayName: view.displayName,
    ...(view.externalId !== null ? { externalId: view.externalId } : {}),
    ...(view.members ? { members: view.members.map((m) => ({ value: m.value, display: m.display, $ref: `${baseUrl}/Users/${m.value}`, type: 'User' })) } : {}),
    meta: { resourceType: 'Group', created: view.createdAt, lastModified: view.updatedAt, location: `${baseUrl}/Groups/${view.id}`, version: etagOf(view.version) },
  };
}
