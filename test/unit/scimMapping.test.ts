import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import SCIMMY from 'scimmy';
import type { UserView } from '../../src/identity/userView.js';
import { assertKnownAttributes } from '../../src/scim/mapping/knownAttributes.js';
import { badRequest } from '../../src/scim/problem.js';
import { expectedVersion, etagOf } from '../../src/scim/mapping/etag.js';
import { keeps, project } from '../../src/scim/mapping/projection.js';
import { userInputFromScim, validateUserBody } from '../../src/scim/mapping/userIn.js';
import { toScimUser } from '../../src/scim/mapping/userOut.js';
import { declareResources } from '../../src/scim/registry.js';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const OWN = 'urn:ietf:params:scim:schemas:extension:idbridge:2.0:User';

const view: UserView = {
  id: 'u1',
  directoryId: 'd1',
  userName: 'Ann@Example.com',
  externalId: 'ext-1',
  name: { formatted: null, givenName: 'Ann', familyName: 'Lee', middleName: null, honorificPrefix: null, honorificSuffix: null },
  displayName: 'Ann Lee',
  nickName: null,
  profileUrl: null,
  title: 'Engineer',
  userType: null,
  preferredLanguage: 'es',
  locale: null,
  timezone: null,
  email: 'ann@example.com',
  emails: [{ value: 'ann@example.com', type: 'work', primary: true, display: null }, { value: 'ann@home.org', type: null, primary: false, display: null }],
  phoneNumbers: [],
  enterprise: { employeeNumber: '7', costCenter: null, organization: null, division: null, department: 'Water', manager: { value: 'boss', displayName: null } },
  extra: { addresses: [{ country: 'NL', type: 'work' }], roles: [] },
  status: 'AUTO_LOCKED',
  active: true,
  sdkAccess: false,
  isPlatformAdmin: false,
  lastSignInAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
  version: 3,
  groups: [{ id: 'g1', displayName: 'Ops' }],
  memberships: [
    { organization: { id: 'o1', slug: 'acme', name: 'Acme', kind: 'customer' }, role: 'standard-user', roleLabel: 'Standard User', canManageUsers: false, sources: [{ type: 'direct', role: 'standard-user' }] },
    { organization: { id: 'o2', slug: 'globex', name: 'Globex', kind: 'customer' }, role: 'full-access', roleLabel: 'Full Access', canManageUsers: true, sources: [{ type: 'direct', role: 'full-access' }] },
  ],
};

describe('SCIM user mapping', () => {
  beforeAll(() => declareResources());

  it('presents a user through an allowlist: nulls left out, extensions when they hold something, version as a weak ETag', () => {
    const json = toScimUser(view, { baseUrl: 'https://id.example/scim/v2', organizationId: null, groups: [{ id: 'g1', displayName: 'Ops' }] });
    expect(json).toEqual({
      schemas: [CORE, ENT, OWN],
      id: 'u1',
      externalId: 'ext-1',
      userName: 'Ann@Example.com',
      name: { givenName: 'Ann', familyName: 'Lee' },
      displayName: 'Ann Lee',
      title: 'Engineer',
      preferredLanguage: 'es',
      active: true,
      emails: [{ value: 'ann@example.com', type: 'work', primary: true }, { value: 'ann@home.org', primary: false }],
      addresses: [{ country: 'NL', type: 'work' }],
      groups: [{ value: 'g1', $ref: 'https://id.example/scim/v2/Groups/g1', display: 'Ops', type: 'direct' }],
      [ENT]: { employeeNumber: '7', department: 'Water', manager: { value: 'boss', $ref: 'https://id.example/scim/v2/Users/boss' } },
      [OWN]: {
        status: 'AUTO_LOCKED',
        memberships: [
          { organization: 'acme', organizationName: 'Acme', role: 'standard-user', roleLabel: 'Standard User' },
          { organization: 'globex', organizationName: 'Globex', role: 'full-access', roleLabel: 'Full Access' },
        ],
      },
      meta: { resourceType: 'User', created: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-02T00:00:00.000Z', location: 'https://id.example/scim/v2/Users/u1', version: 'W/"3"' },
    });
  });

  it("shows a token limited to one organization only that organization, and the role it gave", () => {
    const json = toScimUser(view, { baseUrl: 'https://x', organizationId: 'o1', groups: [] });
    expect(json[OWN]).toEqual({ status: 'AUTO_LOCKED', role: 'standard-user', memberships: [{ organization: 'acme', organizationName: 'Acme', role: 'standard-user', roleLabel: 'Standard User' }] });
    expect(json.groups).toBeUndefined();
  });

  it('round-trips: what it presents maps back to the same attributes', () => {
    const json = toScimUser(view, { baseUrl: 'https://x', organizationId: null, groups: [] });
    const { json: validated } = validateUserBody(json);
    const input = userInputFromScim(validated);
    expect(input.attributes).toMatchObject({
      userName: 'Ann@Example.com',
      externalId: 'ext-1',
      name: { givenName: 'Ann', familyName: 'Lee', formatted: null },
      emails: [{ value: 'ann@example.com', type: 'work', primary: true, display: null }, { value: 'ann@home.org', type: null, primary: false, display: null }],
      enterprise: { employeeNumber: '7', department: 'Water', manager: { value: 'boss', displayName: null } },
      extra: { addresses: [{ country: 'NL', type: 'work' }] },
    });
    expect(input.active).toBe(true);
  });

  it('keeps the write-only password out of the JSON but hands it over', () => {
    const { json, password } = validateUserBody({ schemas: [CORE], userName: 'x', password: 'secret' });
    expect(json.password).toBeUndefined();
    expect(password).toBe('secret');
  });
});

/** The old way to validate a User body: a scimmy Schema instance (see validateUserBody for why it is not used). */
function validateWithInstance(body: Record<string, unknown>) {
  assertKnownAttributes(SCIMMY.Schemas.User.definition, body);
  let instance: InstanceType<typeof SCIMMY.Schemas.User>;
  try {
    instance = new SCIMMY.Schemas.User(body, 'in');
  } catch (error) {
    if (error instanceof SCIMMY.Types.Error) throw error;
    throw badRequest('invalidValue', (error as Error).message);
  }
  const password = (instance as unknown as { password?: unknown }).password;
  return { json: JSON.parse(JSON.stringify(instance)) as Record<string, unknown>, password: typeof password === 'string' ? password : undefined };
}

/** Every POST and PUT body of a User in the contract fixtures (what Okta, Entra ID and the RFC cases send). */
function fixtureUserBodies(): Array<[string, Record<string, unknown>]> {
  const root = path.resolve('test/fixtures/scim');
  const bodies: Array<[string, Record<string, unknown>]> = [];
  for (const dir of readdirSync(root)) {
    for (const file of readdirSync(path.join(root, dir))) {
      const fixture = JSON.parse(readFileSync(path.join(root, dir, file), 'utf8')) as { steps?: Array<{ method: string; path: string; body?: unknown }> };
      for (const [i, step] of (fixture.steps ?? []).entries()) {
        if ((step.method === 'POST' || step.method === 'PUT') && /^\/Users(\/|$)/.test(step.path) && step.body && typeof step.body === 'object' && !Array.isArray(step.body)) {
          bodies.push([`${dir}/${file} step ${i + 1}`, step.body as Record<string, unknown>]);
        }
      }
    }
  }
  return bodies;
}

describe('User bodies validated with scimmy', () => {
  beforeAll(() => declareResources());
  const outcome = (validate: () => { json: Record<string, unknown>; password: string | undefined }) => {
    try {
      const { json, password } = validate();
      return { input: userInputFromScim(json, password) };
    } catch (error) {
      return { status: (error as { status?: number }).status, scimType: (error as { scimType?: string }).scimType, message: (error as Error).message };
    }
  };
  const bodies = fixtureUserBodies();

  it('finds the fixtures', () => {
    expect(bodies.length).toBeGreaterThan(5);
  });

  it.each([
    ...bodies,
    ['attribute names in another case', { schemas: [CORE], UserName: 'case@x.test', Name: { GivenName: 'Cy' }, Emails: [{ Value: 'case@x.test', Primary: true }] }],
    ['namespaced enterprise attributes', { schemas: [CORE, ENT], userName: 'ns@x.test', [`${ENT}:department`]: 'Water', [`${ENT}:manager`]: { value: 'boss' } }],
    ['an empty enterprise extension', { schemas: [CORE, ENT], userName: 'empty@x.test', [ENT]: {} }],
    ['a body naming another schema only', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'g@x.test' }],
    ['a userName that is a number', { schemas: [CORE], userName: 42 }],
    ['no userName', { schemas: [CORE], displayName: 'Nobody' }],
    ['emails that are not a list', { schemas: [CORE], userName: 'e@x.test', emails: 'e@x.test' }],
  ] as Array<[string, Record<string, unknown>]>)('gives %s the same outcome as a scimmy Schema instance', (_name, body) => {
    expect(outcome(() => validateUserBody(body))).toEqual(outcome(() => validateWithInstance(body)));
  });
});

describe('attributes and excludedAttributes', () => {
  const resource = { schemas: [CORE, ENT], id: 'u1', userName: 'a', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@x', type: 'work' }], [ENT]: { department: 'W', division: 'D' }, meta: { version: 'W/"1"' } };

  it.each<[string, object, object]>([
    ['attributes picks, keeping id and schemas', { attributes: ['userName'] }, { schemas: [CORE], id: 'u1', userName: 'a' }],
    ['sub-attributes of complex and multi-valued', { attributes: ['name.familyName', 'EMAILS.value'] }, { schemas: [CORE], id: 'u1', name: { familyName: 'B' }, emails: [{ value: 'a@x' }] }],
    ['extension attributes by URN', { attributes: [`${ENT}:department`] }, { schemas: [CORE, ENT], id: 'u1', [ENT]: { department: 'W' } }],
    ['core URN prefix', { attributes: [`${CORE}:userName`] }, { schemas: [CORE], id: 'u1', userName: 'a' }],
    ['excluded attributes and sub-attributes', { excludedAttributes: ['emails', 'name.givenName', 'meta', 'id'] }, { schemas: [CORE, ENT], id: 'u1', userName: 'a', name: { familyName: 'B' }, [ENT]: { department: 'W', division: 'D' } }],
    ['a whole extension excluded', { excludedAttributes: [ENT] }, { schemas: [CORE], id: 'u1', userName: 'a', name: { givenName: 'A', familyName: 'B' }, emails: [{ value: 'a@x', type: 'work' }], meta: { version: 'W/"1"' } }],
  ])('%s', (_name, projection, expected) => {
    expect(project(resource, projection, CORE)).toEqual(expected);
  });

  it('says whether members would be returned', () => {
    expect(keeps({ excludedAttributes: ['members'] }, 'members', CORE)).toBe(false);
    expect(keeps({ excludedAttributes: ['members.display'] }, 'members', CORE)).toBe(true);
    expect(keeps({ attributes: ['displayName'] }, 'members', CORE)).toBe(false);
    expect(keeps({ attributes: ['members.value'] }, 'members', CORE)).toBe(true);
    expect(keeps({}, 'members', CORE)).toBe(true);
  });
});

describe('ETags', () => {
  it('are weak tags of the version, and If-Match names one', () => {
    expect(etagOf(12)).toBe('W/"12"');
    expect(expectedVersion(undefined)).toBeUndefined();
    expect(expectedVersion('*')).toBeUndefined();
    expect(expectedVersion('W/"12"')).toBe(12);
    expect(expectedVersion('"12"')).toBe(12);
    expect(() => expectedVersion('"abc"')).toThrow(expect.objectContaining({ status: 412 }));
    expect(() => expectedVersion('W/"1", W/"2"')).toThrow(expect.objectContaining({ status: 412 }));
  });
});
