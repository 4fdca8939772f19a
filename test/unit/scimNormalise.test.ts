import { MAX_PATCH_OPERATIONS, normalisePatchBody, normaliseResourceBody, type PatchSchema } from '../../src/scim/patch/normalise.js';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const MULTI = new Set(['emails', 'phonenumbers', 'members', 'addresses', 'roles']);
const schema: PatchSchema = { extensions: [ENT], isMultiValued: (path) => MULTI.has(path.toLowerCase()) };
const ops = (...operations: unknown[]) => ({ schemas: [PATCH], Operations: operations });
const normalised = (...operations: unknown[]) => (normalisePatchBody(ops(...operations), schema) as { Operations: unknown[] }).Operations;

describe('the Entra ID / Okta request normaliser', () => {
  it.each<[string, unknown, unknown[]]>([
    ['Entra default: capitalised op, active "False"', { op: 'Replace', path: 'active', value: 'False' }, [{ op: 'replace', path: 'active', value: false }]],
    ['Entra default: "True" in any case', { op: 'Replace', path: 'active', value: 'true' }, [{ op: 'replace', path: 'active', value: true }]],
    ['aadOptscim062020: already a boolean', { op: 'replace', path: 'active', value: false }, [{ op: 'replace', path: 'active', value: false }]],
    ['a string that is not a boolean stays (and is refused later)', { op: 'replace', path: 'active', value: 'perhaps' }, [{ op: 'replace', path: 'active', value: 'perhaps' }]],
    ['primary inside values', { op: 'Add', path: 'emails', value: [{ value: 'a@x', primary: 'True' }] }, [{ op: 'add', path: 'emails', value: [{ value: 'a@x', primary: true }] }]],
    ['primary in a filtered path', { op: 'Replace', path: 'emails[type eq "work"].primary', value: 'False' }, [{ op: 'replace', path: 'emails[type eq "work"].primary', value: false }]],
    [
      'Okta: path-less replace of active',
      { op: 'replace', value: { active: false } },
      [{ op: 'replace', path: 'active', value: false }],
    ],
    [
      'aadOptscim062020: path-less value with dotted and URN keys becomes one operation each',
      { op: 'replace', value: { displayName: 'Bjfe', 'name.givenName': 'Kkom', [`${ENT}:employeeNumber`]: 'Aklq' } },
      [
        { op: 'replace', path: 'displayName', value: 'Bjfe' },
        { op: 'replace', path: 'name.givenName', value: 'Kkom' },
        { op: 'replace', path: `${ENT}:employeeNumber`, value: 'Aklq' },
      ],
    ],
    [
      'a complex value replaces only the sub-attributes it names',
      { op: 'replace', value: { name: { givenName: 'A', familyName: 'B' } } },
      [
        { op: 'replace', path: 'name.givenName', value: 'A' },
        { op: 'replace', path: 'name.familyName', value: 'B' },
      ],
    ],
    [
      'an extension object nests with ":"',
      { op: 'add', value: { [ENT]: { department: 'Water', manager: 'boss-id' } } },
      [
        { op: 'add', path: `${ENT}:department`, value: 'Water' },
        { op: 'add', path: `${ENT}:manager`, value: { value: 'boss-id' } },
      ],
    ],
    ['a multi-valued attribute is replaced whole', { op: 'replace', value: { emails: [{ value: 'x@y' }] } }, [{ op: 'replace', path: 'emails', value: [{ value: 'x@y' }] }]],
    ['one member given as an object stays one member', { op: 'add', path: 'members', value: { value: 'u1' } }, [{ op: 'add', path: 'members', value: { value: 'u1' } }]],
    ['Okta group rename', { op: 'replace', value: { id: 'g1', displayName: 'New' } }, [{ op: 'replace', path: 'id', value: 'g1' }, { op: 'replace', path: 'displayName', value: 'New' }]],
    ['Entra default member removal keeps its value list', { op: 'Remove', path: 'members', value: [{ value: 'u1' }] }, [{ op: 'remove', path: 'members', value: [{ value: 'u1' }] }]],
    ['manager as a plain string', { op: 'Replace', path: `${ENT}:manager`, value: 'boss' }, [{ op: 'replace', path: `${ENT}:manager`, value: { value: 'boss' } }]],
    [
      'manager under the bare path, as a list with a client $ref',
      { op: 'Add', path: 'manager', value: [{ $ref: 'https://idp/Users/boss', value: 'boss' }] },
      [{ op: 'add', path: `${ENT}:manager`, value: { value: 'boss' } }],
    ],
    ['an empty manager string clears it', { op: 'Replace', path: 'manager', value: '' }, [{ op: 'replace', path: `${ENT}:manager`, value: null }]],
    ['remove of the bare manager path', { op: 'Remove', path: 'manager' }, [{ op: 'remove', path: `${ENT}:manager` }]],
  ])('%s', (_name, operation, expected) => {
    expect(normalised(operation)).toEqual(expected);
  });

  it('refuses a body that is not a PatchOp, and operations that are not operations', () => {
    for (const body of ['text', { Operations: 'x' }, { schemas: null, Operations: [] }, { schemas: ['urn:other'], Operations: [] }]) {
      expect(() => normalisePatchBody(body, schema)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidSyntax', message: expect.stringContaining('A PATCH body is a PatchOp') }));
    }
    for (const operation of [7, null, { path: 'x' }, { op: 'move', path: 'x' }, { op: 'add', path: 7, value: 'x' }]) {
      expect(() => normalised(operation)).toThrow(expect.objectContaining({ status: 400 }));
    }
  });

  it('turns a replace with the value null into a remove, and refuses an add of null', () => {
    expect(normalised({ op: 'Replace', path: 'title', value: null })).toEqual([{ op: 'remove', path: 'title' }]);
    expect(normalised({ op: 'replace', path: 'manager', value: null })).toEqual([{ op: 'remove', path: `${ENT}:manager` }]);
    expect(() => normalised({ op: 'add', path: 'title', value: null })).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => normalised({ op: 'replace', value: null })).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });

  it(`refuses a PATCH of more than ${MAX_PATCH_OPERATIONS} operations before applying any`, () => {
    const many = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: 'add', path: 'title', value: 'x' }));
    expect(() => normalisePatchBody({ schemas: [PATCH], Operations: many }, schema)).toThrow(expect.objectContaining({ scimType: 'tooMany', message: expect.stringContaining(`at most ${MAX_PATCH_OPERATIONS}`) }));
    expect(() => normalisePatchBody({ schemas: [PATCH], Operations: many.slice(1) }, schema)).not.toThrow();
  });

  it('fixes booleans and managers in POST and PUT bodies', () => {
    expect(
      normaliseResourceBody({ userName: 'u', active: 'False', emails: [{ value: 'a@x', primary: 'True' }], [ENT]: { manager: 'boss' }, [`${ENT}:manager`]: 'other' }),
    ).toEqual({ userName: 'u', active: false, emails: [{ value: 'a@x', primary: true }], [ENT]: { manager: { value: 'boss' } }, [`${ENT}:manager`]: { value: 'other' } });
  });
});
