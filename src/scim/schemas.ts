import SCIMMY from 'scimmy';
import { USER_STATUSES } from '../identity/statusMachine.js';

export const CORE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** scimmy 1.3.5 requires extension ids under urn:ietf:params:scim:schemas: (definition.js). */
export const IDBRIDGE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:idbridge:2.0:User';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

const { Attribute, SchemaDefinition } = SCIMMY.Types;

/** idbridge's own view of a user: its full status and its organization memberships (read-only), and the role given at creation. */
export const idbridgeUserExtension = new SchemaDefinition('IdbridgeUser', IDBRIDGE_USER_SCHEMA, 'idbridge account state and organization memberships', [
  new Attribute('string', 'status', {
    direction: 'out',
    mutable: false,
    caseExact: true,
    canonicalValues: [...USER_STATUSES],
    description: 'The account status (PROVISIONED, ACTIVE, RECOVERY, AWAITING_NEW_PASSWORD, AUTO_LOCKED, LOCKED_BY_ADMIN, INACTIVE). SCIM active is false exactly when it is INACTIVE.',
  }),
  new Attribute('string', 'role', {
    mutable: 'immutable',
    caseExact: true,
    description: "The role in the token's organization, chosen when the user is created by a token limited to one organization (default: the catalog's default role; never above the organization's provisioning limit).",
  }),
  new Attribute('complex', 'memberships', { direction: 'out', mutable: false, multiValued: true, description: "The user's organizations and effective role in each (only the token's organization for a token limited to one)." }, [
    new Attribute('string', 'organization', { direction: 'out', mutable: false, caseExact: true, description: 'The organization slug.' }),
    new Attribute('string', 'organizationName', { direction: 'out', mutable: false, description: 'The organization name.' }),
    new Attribute('string', 'role', { direction: 'out', mutable: false, caseExact: true, description: 'The effective role key (the highest the user holds there).' }),
    new Attribute('string', 'roleLabel', { direction: 'out', mutable: false, description: 'The role as people read it.' }),
  ]),
]);

/**
 * Canonical values are suggestions (RFC 7643 §7), but scimmy rejects anything else, and its `roles.type` and
 * `x509Certificates.type` have an empty list that rejects every value: stop enforcing them on `type` sub-attributes.
 */
const RELAXED_TYPES = ['emails.type', 'phoneNumbers.type', 'ims.type', 'photos.type', 'addresses.type', 'roles.type', 'x509Certificates.type'];

let configured = false;

type AttributeConfig = { canonicalValues?: unknown; referenceTypes?: unknown; mutable?: unknown; description?: string };
const configOf = (definition: { attribute(path: string): unknown }, path: string) => (definition.attribute(path) as { config: AttributeConfig }).config;

/**
 * Schema tweaks made once per process (scimmy's schemas are global), so that /Schemas says what the server does:
 * - a group's members are users (nested groups are not supported): `members.type` and `members.$ref` name User only;
 * - `members.display` is the member's name as idbridge knows it: read-only (a value sent is ignored);
 * - `primary` is stored as sent, true for at most one email (or phone number).
 */
export function configureSchemas(): void {
  if (configured) return;
  for (const path of RELAXED_TYPES) SCIMMY.Schemas.User.definition.attribute(path).config.canonicalValues = false;
  const group = SCIMMY.Schemas.Group.definition;
  Object.assign(configOf(group, 'members.type'), { canonicalValues: ['User'], description: "Always 'User': members are users; groups inside groups are not supported (a member of type 'Group' is refused)." });
  Object.assign(configOf(group, 'members.$ref'), { referenceTypes: ['User'], description: 'The URI of the member user.' });
  Object.assign(configOf(group, 'members.display'), { mutable: false, description: "The member user's displayName (else userName), as idbridge knows it; a value sent is ignored." });
  Object.assign(configOf(group, 'members'), { description: 'The users in the group (no nested groups). Other sub-attributes a client sends with a member are ignored.' });
  const user = SCIMMY.Schemas.User.definition;
  for (const list of ['emails', 'phoneNumbers']) {
    Object.assign(configOf(user, `${list}.primary`), { description: `Stored as sent; true for at most one value (more is refused). A PATCH that makes a value primary makes the previous primary value not primary (RFC 7644 §3.5.2).` });
  }
  configured = true;
}
