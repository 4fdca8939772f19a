import { mappingMatches } from '../../src/identity/roleMappings.js';

const group = (displayName: string, externalId: string | null = null) => ({ displayName, externalId });

describe('mappingMatches', () => {
  it('matches displayName ignoring case', () => {
    expect(mappingMatches({ matchType: 'displayName', matchValue: 'Water Admins' }, group('water admins'))).toBe(true);
    expect(mappingMatches({ matchType: 'displayName', matchValue: 'Water Admins' }, group('Water Admins 2'))).toBe(false);
  });

  it('matches externalId exactly (it is case-exact in SCIM)', () => {
    expect(mappingMatches({ matchType: 'externalId', matchValue: 'a1B2' }, group('x', 'a1B2'))).toBe(true);
    expect(mappingMatches({ matchType: 'externalId', matchValue: 'a1B2' }, group('x', 'A1B2'))).toBe(false);
    expect(mappingMatches({ matchType: 'externalId', matchValue: 'a1B2' }, group('x'))).toBe(false);
  });

  it('matches * patterns on the whole displayName, treating other characters literally', () => {
    const mapping = { matchType: 'pattern' as const, matchValue: 'idb-*-admins' };
    expect(mappingMatches(mapping, group('IDB-river-admins'))).toBe(true);
    expect(mappingMatches(mapping, group('idb-river-admins-old'))).toBe(false);
    expect(mappingMatches({ matchType: 'pattern', matchValue: 'a.b*' }, group('axb'))).toBe(false);
    expect(mappingMatches({ matchType: 'pattern', matchValue: 'a.b*' }, group('a.bc'))).toBe(true);
  });
});
