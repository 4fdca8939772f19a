import { planGroupPatch } from '../../src/scim/groups/planGroupPatch.js';
import { DEFAULT_FILTER_LIMITS } from '../../src/scim/filter/parseFilter.js';
import { declareResources } from '../../src/scim/registry.js';
import { prepareUserOperations } from '../../src/scim/users/prepareUserOperations.js';

const plan = (...operations: Array<{ op: string; path?: string; value?: unknown }>) => planGroupPatch(operations, 'g1', DEFAULT_FILTER_LIMITS);

describe('group PATCH plans (applied natively in SQL)', () => {
  beforeAll(() => declareResources());

  it.each<[string, Array<{ op: string; path?: string; value?: unknown }>, unknown[]]>([
    ['add members', [{ op: 'add', path: 'members', value: [{ value: 'u1', display: 'U1' }, { value: 'u2', $ref: null }] }], [{ type: 'addMembers', userIds: ['u1', 'u2'] }]],
    ['add one member given as an object', [{ op: 'add', path: 'members', value: { value: 'u1' } }], [{ type: 'addMembers', userIds: ['u1'] }]],
    ['remove by value list (Entra default)', [{ op: 'remove', path: 'members', value: [{ value: 'u1' }] }], [{ type: 'removeMembers', userIds: ['u1'] }]],
    ['remove by path filter (Okta, Entra flag)', [{ op: 'remove', path: 'members[value eq "U1"]' }], [{ type: 'removeMembers', userIds: ['u1'] }]],
    ['remove several by an or of values', [{ op: 'remove', path: 'members[value eq "u1" or value eq "u2"]' }], [{ type: 'removeMembers', userIds: ['u1', 'u2'] }]],
    [
      'remove by another filter',
      [{ op: 'remove', path: 'members[display sw "temp"]' }],
      [{ type: 'removeMembersWhere', where: { test: { field: 'display', op: 'sw', value: 'temp', ignoreCase: true } } }],
    ],
    ['remove all members', [{ op: 'remove', path: 'members' }], [{ type: 'removeAllMembers' }]],
    ['replace members', [{ op: 'replace', path: 'members', value: [{ value: 'u3' }] }], [{ type: 'replaceMembers', userIds: ['u3'] }]],
    ['replace members with none', [{ op: 'replace', path: 'members', value: [] }], [{ type: 'replaceMembers', userIds: [] }]],
    ['rename', [{ op: 'replace', path: 'displayName', value: 'Ops' }], [{ type: 'attributes', displayName: 'Ops' }]],
    ["Okta's rename repeats the group's id", [{ op: 'replace', path: 'id', value: 'g1' }, { op: 'replace', path: 'displayName', value: 'Ops' }], [{ type: 'attributes', displayName: 'Ops' }]],
    ['externalId set and removed', [{ op: 'add', path: 'externalId', value: 'e1' }, { op: 'remove', path: 'externalId' }], [{ type: 'attributes', externalId: 'e1' }, { type: 'attributes', externalId: null }]],
    ['the core URN prefix', [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'X' }], [{ type: 'attributes', displayName: 'X' }]],
    ['meta and schemas are ignored', [{ op: 'replace', path: 'meta.lastModified', value: 'x' }, { op: 'replace', path: 'schemas', value: [] }], []],
  ])('%s', (_name, operations, changes) => {
    expect(plan(...operations)).toEqual(changes);
  });

  it.each([
    [[{ op: 'replace', path: 'id', value: 'g2' }], 'mutability'],
    [[{ op: 'remove', path: 'displayName' }], 'invalidValue'],
    [[{ op: 'add', path: 'members[value eq "u1"]', value: [{ value: 'u1' }] }], 'invalidPath'],
    [[{ op: 'add', path: 'owners', value: 'x' }], 'invalidPath'],
    [[{ op: 'add', path: 'members', value: [{ display: 'no id' }] }], 'invalidValue'],
    [[{ op: 'add', path: 'members', value: [{ value: 'g9', type: 'Group' }] }], 'invalidValue'],
    [[{ op: 'remove', path: 'members[nickname eq "x"]' }], 'invalidFilter'],
    [[{ op: 'replace', value: 'x' }], 'invalidValue'],
  ])('refuses %j with %s', (operations, scimType) => {
    expect(() => plan(...operations)).toThrow(expect.objectContaining({ status: 400, scimType }));
  });

  it('ignores a sub-attribute of a member it does not know (an Entra test collection sends members[].displayName)', () => {
    expect(plan({ op: 'add', path: 'members', value: [{ value: 'u1', displayName: 'Ann', colour: 'red' }] })).toEqual([{ type: 'addMembers', userIds: ['u1'] }]);
  });
});

describe('user PATCH operations prepared for scimmy', () => {
  const current = { id: 'u1', emails: [{ value: 'a@x', type: 'Work', primary: true }] };

  it('matches a typed element written in another case', () => {
    expect(prepareUserOperations([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'b@x' }], current)).toEqual([{ op: 'replace', path: 'emails[type eq "Work"].value', value: 'b@x' }]);
  });

  it('adds the element when the user has none of that type (primary when it is the first)', () => {
    expect(prepareUserOperations([{ op: 'Replace', path: 'emails[type eq "home"].value', value: 'h@x' }], current)).toEqual([{ op: 'add', path: 'emails', value: [{ type: 'home', value: 'h@x' }] }]);
    expect(prepareUserOperations([{ op: 'add', path: 'phoneNumbers[type eq "mobile"].value', value: '+1' }], current)).toEqual([{ op: 'add', path: 'phoneNumbers', value: [{ type: 'mobile', value: '+1', primary: true }] }]);
  });

  it('drops the own id, meta and schemas, and refuses read-only targets', () => {
    expect(prepareUserOperations([{ op: 'replace', path: 'id', value: 'u1' }, { op: 'replace', path: 'meta.version', value: 'x' }], current)).toEqual([]);
    expect(() => prepareUserOperations([{ op: 'replace', path: 'id', value: 'u2' }], current)).toThrow(expect.objectContaining({ scimType: 'mutability' }));
    expect(() => prepareUserOperations([{ op: 'add', path: 'groups', value: [] }], current)).toThrow(expect.objectContaining({ scimType: 'mutability' }));
    expect(() => prepareUserOperations([{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:idbridge:2.0:User:memberships', value: [] }], current)).toThrow(
      expect.objectContaining({ scimType: 'mutability' }),
    );
  });

  it('passes every other operation through with a lower-case op', () => {
    expect(prepareUserOperations([{ op: 'Remove', path: 'emails[type eq "home"]' }, { op: 'Add', path: 'nickName', value: 'B' }], current)).toEqual([
      { op: 'remove', path: 'emails[type eq "home"]' },
      { op: 'add', path: 'nickName', value: 'B' },
    ]);
  });
});
