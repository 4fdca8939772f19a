import type { FilterNode } from '../../src/scim/filter/ast.js';
import { parseFilter } from '../../src/scim/filter/parseFilter.js';

const cmp = (path: string, op: string, value: unknown): FilterNode => ({ kind: 'compare', path, op, value }) as FilterNode;
const pr = (path: string): FilterNode => ({ kind: 'present', path });
const and = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'and', left, right });
const or = (left: FilterNode, right: FilterNode): FilterNode => ({ kind: 'or', left, right });
const not = (expr: FilterNode): FilterNode => ({ kind: 'not', expr });

describe('parseFilter (RFC 7644 §3.4.2.2)', () => {
  it.each<[string, FilterNode]>([
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    ['name.familyName co "O\'Malley"', cmp('name.familyName', 'co', "O'Malley")],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    ['title ew "Lead"', cmp('title', 'ew', 'Lead')],
    ['userName ne "x"', cmp('userName', 'ne', 'x')],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'gt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'ge', '2011-05-13T04:42:34Z')],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'lt', '2011-05-13T04:42:34Z')],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', cmp('meta.lastModified', 'le', '2011-05-13T04:42:34Z')],
    ['title pr', pr('title')],
    ['active eq true', cmp('active', 'eq', true)],
    ['active eq False', cmp('active', 'eq', false)],
    ['title eq null', cmp('title', 'eq', null)],
    ['x eq -1.5e3', cmp('x', 'eq', -1500)],
    ['USERNAME EQ "a"', cmp('USERNAME', 'eq', 'a')],
    ['displayName eq "a \\"quoted\\" name"', cmp('displayName', 'eq', 'a "quoted" name')],
    ['displayName eq "back\\\\slash \\u00e9"', cmp('displayName', 'eq', 'back\\slash é')],
    ['displayName eq "(not) [a] group and or"', cmp('displayName', 'eq', '(not) [a] group and or')],
    ['a eq "1" and b eq "2" or c eq "3"', or(and(cmp('a', 'eq', '1'), cmp('b', 'eq', '2')), cmp('c', 'eq', '3'))],
    ['a eq "1" or b eq "2" and c eq "3"', or(cmp('a', 'eq', '1'), and(cmp('b', 'eq', '2'), cmp('c', 'eq', '3')))],
    ['(a eq "1" or b eq "2") and c eq "3"', and(or(cmp('a', 'eq', '1'), cmp('b', 'eq', '2')), cmp('c', 'eq', '3'))],
    ['not (a eq "1" or b eq "2")', not(or(cmp('a', 'eq', '1'), cmp('b', 'eq', '2')))],
    ['not (a eq "1") and b pr', and(not(cmp('a', 'eq', '1')), pr('b'))],
    ['not a pr', not(pr('a'))],
    ['a pr and not (b pr or not (c pr))', and(pr('a'), not(or(pr('b'), not(pr('c')))))],
    ['emails[type eq "work" and value co "@example.com"]', { kind: 'valuePath', path: 'emails', filter: and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com')) }],
    ['emails[type eq "work"].value ew "@x.com"', { kind: 'valuePath', path: 'emails', filter: and(cmp('type', 'eq', 'work'), cmp('value', 'ew', '@x.com')) }],
    ['emails[not (type eq "work")] or ims pr', or({ kind: 'valuePath', path: 'emails', filter: not(cmp('type', 'eq', 'work')) }, pr('ims'))],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"',
      cmp('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value', 'eq', 'm'),
    ],
    ['  userName   eq   "spaced"  ', cmp('userName', 'eq', 'spaced')],
  ])('%s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['userName', /operator/],
    ['userName eq', /value/],
    ['userName eq "unterminated', /unterminated/],
    ['userName eq "bad \\x escape"', /malformed/],
    ['userName like "a"', /not a filter operator/],
    ['userName eq bjensen', /quoted string/],
    ['(userName pr', /Expected "\)"/],
    ['userName pr)', /Unexpected/],
    ['userName pr and', /attribute name/],
    ['emails[type eq "work"', /Expected "\]"/],
    ['emails[value[type eq "x"]]', /cannot contain another/],
    ['a pr or or b pr', /not a filter operator/],
  ])('refuses %j with invalidFilter', (text, message) => {
    expect(() => parseFilter(text)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter', message: expect.stringMatching(message) }));
  });

  it('refuses filters longer or with more comparisons than the limits', () => {
    expect(() => parseFilter(`userName eq "${'x'.repeat(100)}"`, { maxLength: 50, maxTerms: 10, maxDepth: 16 })).toThrow(expect.objectContaining({ scimType: 'invalidFilter', message: expect.stringContaining('longer than 50') }));
    const many = Array.from({ length: 11 }, (_, i) => `a eq "${i}"`).join(' or ');
    expect(() => parseFilter(many, { maxLength: 4096, maxTerms: 10, maxDepth: 16 })).toThrow(expect.objectContaining({ scimType: 'invalidFilter', message: expect.stringContaining('more than 10') }));
    expect(parseFilter(Array.from({ length: 10 }, (_, i) => `a eq "${i}"`).join(' or '), { maxLength: 4096, maxTerms: 10, maxDepth: 16 }).kind).toBe('or');
  });

  it('refuses filters nested deeper than the limit (SQLite refuses such expressions), and takes them up to it', () => {
    const nested = (levels: number) => `${'not ('.repeat(levels)}userName eq "a"${')'.repeat(levels)}`;
    expect(() => parseFilter(nested(40))).toThrow(expect.objectContaining({ scimType: 'invalidFilter', message: expect.stringContaining('deeper than 16') }));
    // A "not" and a parenthesis are a level each: 8 of "not (" are 16 levels, the most.
    expect(() => parseFilter(nested(8))).not.toThrow();
    expect(() => parseFilter(`emails[${'('.repeat(17)}value eq "a"${')'.repeat(17)}]`)).toThrow(expect.objectContaining({ scimType: 'invalidFilter' }));
  });

  it('refuses a NUL character in a filter value', () => {
    expect(() => parseFilter('userName eq "a\\u0000b"')).toThrow(expect.objectContaining({ scimType: 'invalidFilter', message: expect.stringContaining('NUL') }));
  });
});
