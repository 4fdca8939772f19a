import type { Condition } from '../../src/identity/search/condition.js';
import { GROUP_ATTRIBUTES, USER_ATTRIBUTES } from '../../src/scim/filter/attributeMaps.js';
import { parseFilter } from '../../src/scim/filter/parseFilter.js';
import { filterToCondition, sortToSpec } from '../../src/scim/filter/toCondition.js';
import { declareResources } from '../../src/scim/registry.js';

const users = (filter: string) => filterToCondition(parseFilter(filter), USER_ATTRIBUTES);
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('SCIM filters as domain conditions', () => {
  beforeAll(() => declareResources());

  it.each<[string, Condition]>([
    ['userName eq "A@x"', { test: { field: 'userName', op: 'eq', value: 'A@x', ignoreCase: true } }],
    ['externalId eq "A"', { test: { field: 'externalId', op: 'eq', value: 'A', ignoreCase: false } }],
    ['id eq "A"', { test: { field: 'id', op: 'eq', value: 'A', ignoreCase: false } }],
    ['name.givenName sw "b"', { test: { field: 'givenName', op: 'sw', value: 'b', ignoreCase: true } }],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName pr', { test: { field: 'userName', op: 'pr', ignoreCase: true } }],
    ['active eq "False"', { test: { field: 'active', op: 'eq', value: 'False' } }],
    ['meta.created gt "2020-01-01T00:00:00Z"', { test: { field: 'createdAt', op: 'gt', value: '2020-01-01T00:00:00Z' } }],
    [`${ENT}:department eq "Water"`, { test: { field: 'department', op: 'eq', value: 'Water', ignoreCase: true } }],
    [`${ENT}:manager.value eq "m"`, { test: { field: 'managerId', op: 'eq', value: 'm', ignoreCase: true } }],
    ['emails.value eq "A@X"', { some: { collection: 'emails', where: { test: { field: 'value', op: 'eq', value: 'A@X', ignoreCase: true } } } }],
    ['emails co "@x"', { some: { collection: 'emails', where: { test: { field: 'value', op: 'co', value: '@x', ignoreCase: true } } } }],
    ['emails pr', { some: { collection: 'emails' } }],
    [
      'emails[type eq "work" and not (value ew ".org")]',
      { some: { collection: 'emails', where: { all: [{ test: { field: 'type', op: 'eq', value: 'work', ignoreCase: true } }, { not: { test: { field: 'value', op: 'ew', value: '.org', ignoreCase: true } } }] } } },
    ],
    [
      'not (userName eq "a" or title pr)',
      { not: { any: [{ test: { field: 'userName', op: 'eq', value: 'a', ignoreCase: true } }, { test: { field: 'title', op: 'pr', ignoreCase: true } }] } },
    ],
    ['groups.value eq "g1"', { some: { collection: 'groups', where: { test: { field: 'value', op: 'eq', value: 'g1', ignoreCase: true } } } }],
    [
      'urn:ietf:params:scim:schemas:extension:idbridge:2.0:User:memberships[organization eq "acme"]',
      { some: { collection: 'memberships', where: { test: { field: 'organization', op: 'eq', value: 'acme', ignoreCase: false } } } },
    ],
  ])('%s', (filter, condition) => {
    expect(users(filter)).toEqual(condition);
  });

  it.each([
    ['favouriteColour eq "blue"', /favouriteColour/],
    ['name.nickname eq "x"', /name.nickname/],
    ['addresses.country eq "NL"', /addresses.country/],
    ['emails.colour eq "x"', /emails.colour/],
    ['emails[colour eq "x"]', /emails.colour/],
    ['userName[value eq "x"]', /not a multi-valued attribute/],
    ['urn:ietf:params:scim:schemas:extension:acme:2.0:User:x eq "y"', /not an attribute/],
  ])('refuses %s with invalidFilter', (filter, message) => {
    expect(() => users(filter)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter', message: expect.stringMatching(message) }));
  });

  it('knows group attributes, and only them', () => {
    expect(filterToCondition(parseFilter('displayName eq "Ops" and members[value eq "u1"]'), GROUP_ATTRIBUTES)).toEqual({
      all: [
        { test: { field: 'displayName', op: 'eq', value: 'Ops', ignoreCase: true } },
        { some: { collection: 'members', where: { test: { field: 'value', op: 'eq', value: 'u1', ignoreCase: true } } } },
      ],
    });
    expect(() => filterToCondition(parseFilter('userName eq "x"'), GROUP_ATTRIBUTES)).toThrow(expect.objectContaining({ scimType: 'invalidFilter' }));
  });

  it('turns sortBy into a domain sort, refusing multi-valued and unknown attributes', () => {
    expect(sortToSpec('name.familyName', 'descending', USER_ATTRIBUTES)).toEqual({ field: 'familyName', descending: true });
    expect(sortToSpec('emails', undefined, USER_ATTRIBUTES)).toEqual({ field: 'email', descending: false });
    expect(sortToSpec(undefined, 'ascending', USER_ATTRIBUTES)).toBeUndefined();
    expect(() => sortToSpec('emails.type', undefined, USER_ATTRIBUTES)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => sortToSpec('active', undefined, USER_ATTRIBUTES)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => sortToSpec('userName', 'up', USER_ATTRIBUTES)).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });
});
