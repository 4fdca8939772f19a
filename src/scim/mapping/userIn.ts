import SCIMMY from 'scimmy';
import type { UserAttributes } from '../../identity/userAttributes.js';
import { badRequest } from '../problem.js';
import { ENTERPRISE_USER_SCHEMA, IDBRIDGE_USER_SCHEMA } from '../schemas.js';
import { assertKnownAttributes } from './knownAttributes.js';
import { EXTRA_ATTRIBUTES } from './userOut.js';

type Json = Record<string, unknown>;

/** A SCIM user turned into what the domain takes. */
export interface UserInput {
  attributes: UserAttributes;
  active?: boolean;
  password?: string;
  role?: string;
}

export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The most values one multi-valued attribute of a user holds (emails and phone numbers: 20, the domain's rule). An
 * IdP sends a handful; thousands of addresses would cost scimmy's coercion seconds of CPU with the event loop held.
 */
export const MAX_USER_ATTRIBUTE_VALUES = 100;

/** A multi-valued attribute's values: at most MAX_USER_ATTRIBUTE_VALUES, none a list itself (scimmy would store `[[]]` as `[{}]`). */
function checkValues(name: string, values: unknown[]): void {
  if (values.length > MAX_USER_ATTRIBUTE_VALUES) throw badRequest('tooMany', `"${name}" has ${values.length} values; a user attribute holds at most ${MAX_USER_ATTRIBUTE_VALUES}.`);
  if (values.some(Array.isArray)) throw badRequest('invalidValue', `"${name}" holds a list inside its list; each of its values is one object or one value.`);
}

/** Refuses a user body with a multi-valued attribute (or one of an extension) whose values checkValues refuses. */
export function assertFewValues(body: Json): void {
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) checkValues(key, value);
    if (isObject(value)) for (const [inner, v] of Object.entries(value)) if (Array.isArray(v)) checkValues(`${key}:${inner}`, v);
  }
}

/**
 * Refuses a user PATCH whose operations carry more than MAX_USER_ATTRIBUTE_VALUES values in all: applying each
 * operation re-validates the growing user, so a thousand operations adding one address each would cost minutes.
 */
export function assertFewPatchValues(operations: ReadonlyArray<{ path?: string; value?: unknown }>): void {
  let count = 0;
  const values = (name: string, list: unknown[]) => {
    if (list.some(Array.isArray)) throw badRequest('invalidValue', `A value of "${name}" holds a list inside a list; each value is one object or one value.`);
    count += list.length;
  };
  for (const { path, value } of operations) {
    if (Array.isArray(value)) values(path ?? 'the operation', value);
    else if (isObject(value)) for (const [key, v] of Object.entries(value)) if (Array.isArray(v)) values(key, v);
  }
  if (count > MAX_USER_ATTRIBUTE_VALUES) throw badRequest('tooMany', `The operations carry ${count} values of multi-valued attributes; a PATCH of a user carries at most ${MAX_USER_ATTRIBUTE_VALUES}.`);
}

/**
 * Validates a User body with scimmy's schema coercion (types, required attributes, multi-valued shapes, names in
 * any case, namespaced extension attributes) after refusing attributes the schema does not declare. Returns the
 * coerced JSON and the write-only password.
 *
 * scimmy's `new Schemas.User(body)` is this coercion plus one check (the schemas named include the User schema)
 * plus property accessors built for the instance and every attribute coerced a second time through them: three
 * and a half times the CPU (279 µs against 78 µs for Okta's create body, measured). The check is made here and the
 * schema definition coerces once; test/unit/scimMapping.test.ts holds the two to the same result.
 */
export function validateUserBody(body: unknown): { json: Json; password: string | undefined } {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The request body must be one JSON object: a SCIM User.');
  const definition = SCIMMY.Schemas.User.definition;
  // The counts first: looking each value's attributes up in the schema is what many values make slow.
  assertFewValues(body);
  assertKnownAttributes(definition, body);
  if (Array.isArray(body.schemas) && body.schemas.length > 0 && !body.schemas.includes(definition.id)) {
    throw badRequest('invalidSyntax', 'The request body supplied a schema type that is incompatible with this resource');
  }
  let coerced: Json;
  try {
    coerced = definition.coerce(body, 'in') as Json;
  } catch (error) {
    if (error instanceof SCIMMY.Types.Error) throw error;
    throw badRequest('invalidValue', (error as Error).message);
  }
  const { password, ...json } = coerced;
  return { json: JSON.parse(JSON.stringify(json)) as Json, password: typeof password === 'string' ? password : undefined };
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

type ListEntry = { value: string; type: string | null; primary: boolean; display: string | null };

/** Emails or phone numbers; an entry repeated (same value ignoring case, same type) is kept once (a PATCH add of a present value changes nothing). */
function listOf(value: unknown): ListEntry[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const seen = new Map<string, ListEntry>();
  for (const entry of value.filter(isObject)) {
    const item: ListEntry = { value: typeof entry.value === 'string' ? entry.value : '', type: text(entry.type), primary: entry.primary === true, display: text(entry.display) };
    const key = `${item.value.toLowerCase()}|${(item.type ?? '').toLowerCase()}`;
    const existing = seen.get(key);
    if (existing) existing.primary ||= item.primary;
    else seen.set(key, item);
  }
  return [...seen.values()];
}

/**
 * Maps a (validated) SCIM user onto the domain's attributes. Every attribute is set: an absent one is cleared, as a
 * SCIM replace (PUT, or the result of a PATCH) means; a create starts from nothing anyway.
 */
export function userInputFromScim(json: Json, password?: string): UserInput {
  const name = isObject(json.name) ? json.name : null;
  const ent = isObject(json[ENTERPRISE_USER_SCHEMA]) ? (json[ENTERPRISE_USER_SCHEMA] as Json) : null;
  const manager = ent && isObject(ent.manager) && typeof ent.manager.value === 'string' && ent.manager.value ? ent.manager : null;
  const own = isObject(json[IDBRIDGE_USER_SCHEMA]) ? (json[IDBRIDGE_USER_SCHEMA] as Json) : null;
  const extra: Record<string, unknown> = {};
  for (const key of EXTRA_ATTRIBUTES) if (Array.isArray(json[key]) && (json[key] as unknown[]).length > 0) extra[key] = json[key];
  const attributes: UserAttributes = {
    userName: typeof json.userName === 'string' ? json.userName : '',
    externalId: text(json.externalId),
    name: name
      ? {
          formatted: text(name.formatted),
          givenName: text(name.givenName),
          familyName: text(name.familyName),
          middleName: text(name.middleName),
          honorificPrefix: text(name.honorificPrefix),
          honorificSuffix: text(name.honorificSuffix),
        }
      : null,
    displayName: text(json.displayName),
    nickName: text(json.nickName),
    profileUrl: text(json.profileUrl),
    title: text(json.title),
    userType: text(json.userType),
    preferredLanguage: text(json.preferredLanguage),
    locale: text(json.locale),
    timezone: text(json.timezone),
    emails: listOf(json.emails),
    phoneNumbers: listOf(json.phoneNumbers),
    enterprise: ent
      ? {
          employeeNumber: text(ent.employeeNumber),
          costCenter: text(ent.costCenter),
          organization: text(ent.organization),
          division: text(ent.division),
          department: text(ent.department),
          manager: manager ? { value: manager.value as string, displayName: text(manager.displayName) } : null,
        }
      : null,
    extra,
  };
  return {
    attributes,
    ...(typeof json.active === 'boolean' ? { active: json.active } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(own && typeof own.role === 'string' ? { role: own.role } : {}),
  };
}
