import SCIMMY from 'scimmy';
import { badRequest } from '../problem.js';
import { assertKnownAttributes } from './knownAttributes.js';
import { isObject } from './userIn.js';

export interface GroupInput {
  displayName: string;
  externalId: string | null;
  /** Member user ids; undefined when the body has no `members`. */
  members: string[] | undefined;
}

/**
 * The user ids of a `members` value (a list, or one member). Checked here rather than by scimmy's coercion, which costs
 * about 20 µs per member: a 50,000-member body would take a second of CPU. Only `value` (and `type`) are read: the
 * other sub-attributes a client sends (`display`, `$ref`, an unknown one such as `displayName`) are ignored.
 */
export function memberIds(value: unknown, path = 'members'): string[] {
  const list = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const [index, member] of list.entries()) {
    if (!isObject(member) || typeof member.value !== 'string' || member.value === '') {
      throw badRequest('invalidValue', `${path}[${index}] must be an object with the member's id in "value".`);
    }
    if (typeof member.type === 'string' && member.type.toLowerCase() === 'group') {
      throw badRequest('invalidValue', `${path}[${index}] is a group: groups inside groups are not supported; add its users instead.`);
    }
    ids.push(member.value);
  }
  return ids;
}

/** Validates a Group body (scimmy coerces everything but the members) and maps it for the domain. */
export function groupInputFromScim(body: unknown): GroupInput {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The request body must be one JSON object: a SCIM Group.');
  assertKnownAttributes(SCIMMY.Schemas.Group.definition, body, ['members']);
  const membersKey = Object.keys(body).find((key) => key.toLowerCase() === 'members');
  const { [membersKey ?? 'members']: members, ...rest } = body;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(JSON.stringify(new SCIMMY.Schemas.Group(rest, 'in'))) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SCIMMY.Types.Error) throw error;
    throw badRequest('invalidValue', (error as Error).message);
  }
  return {
    displayName: String(json.displayName),
    externalId: typeof json.externalId === 'string' ? json.externalId : null,
    members: members === undefined || members === null ? undefined : memberIds(members),
  };
}
