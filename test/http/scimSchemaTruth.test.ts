import { createOrganization } from '../../src/identity/organizations.js';
import { testOperator } from '../helpers/db.js';
import { CORE_GROUP, CORE_USER, IDBRIDGE, openScimApp, type ScimClient, type ScimTestApp } from '../helpers/scim.js';

type Described = { name: string; mutability?: string; canonicalValues?: string[]; referenceTypes?: string[]; subAttributes?: Described[] };

/** One attribute of a schema as /Schemas/{id} describes it (`members.type` for a sub-attribute). */
async function described(client: ScimClient, schema: string, path: string): Promise<Described> {
  const response = await client.get(`/Schemas/${schema}`);
  expect(response.status).toBe(200);
  const [head, sub] = path.split('.') as [string, string | undefined];
  const attribute = (response.body.attributes as Described[]).find((a) => a.name === head)!;
  return sub ? attribute.subAttributes!.find((a) => a.name === sub)! : attribute;
}

describe('/Schemas tells the truth, and the server does what it says', () => {
  let t: ScimTestApp;
  let sso: ScimClient;
  let orgToken: ScimClient;
  beforeAll(async () => {
    t = await openScimApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    sso = await t.client();
    orgToken = await t.client({ directory: 'local', organization: 'acme' });
  });
  afterAll(() => t.close());

  describe('group members are users', () => {
    it('says so in the schema: type and $ref name User only, display is read-only', async () => {
      expect((await described(sso, CORE_GROUP, 'members.type')).canonicalValues).toEqual(['User']);
      expect((await described(sso, CORE_GROUP, 'members.$ref')).referenceTypes).toEqual(['User']);
      expect((await described(sso, CORE_GROUP, 'members.display')).mutability).toBe('readOnly');
    });

    it('refuses a member of type Group, with the reason', async () => {
      const user = await sso.createUser('member.one@truth.test');
      const refused = await sso.post('/Groups', { schemas: [CORE_GROUP], displayName: 'Nested', members: [{ value: user.id, type: 'Group' }] });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/groups inside groups are not supported/);
    });

    it('ignores a display sent with a member (read-only) and an unknown member sub-attribute such as displayName', async () => {
      const user = await sso.createUser('member.two@truth.test', { displayName: 'Member Two' });
      const created = await sso.post('/Groups', { schemas: [CORE_GROUP], displayName: 'Display Ignored', members: [{ value: user.id, display: 'Somebody Else', displayName: 'Entra sends this' }] });
      expect(created.status).toBe(201);
      expect(created.body.members).toEqual([expect.objectContaining({ value: user.id, display: 'Member Two' })]);
      const patched = await sso.patch(`/Groups/${created.body.id}`, [{ op: 'add', path: 'members', value: [{ value: user.id, displayName: 'again' }] }]);
      expect(patched.status).toBeLessThan(300);
    });
  });

  describe("the idbridge extension's role", () => {
    it('is immutable for a token limited to one organization, which sets it at creation', async () => {
      expect((await described(orgToken, IDBRIDGE, 'role')).mutability).toBe('immutable');
      const created = await orgToken.post('/Users', { schemas: [CORE_USER, IDBRIDGE], userName: 'role.set@truth.test', emails: [{ value: 'role.set@truth.test', primary: true }], [IDBRIDGE]: { role: 'standard-user' } });
      expect(created.status).toBe(201);
      expect(created.body[IDBRIDGE].role).toBe('standard-user');
    });

    it('is read-only for any other token, which is refused when it sends one', async () => {
      expect((await described(sso, IDBRIDGE, 'role')).mutability).toBe('readOnly');
      const refused = await sso.post('/Users', { schemas: [CORE_USER, IDBRIDGE], userName: 'role.refused@truth.test', [IDBRIDGE]: { role: 'standard-user' } });
      expect(refused.status).toBe(400);
    });
  });

  describe('primary is stored as sent, true for one value at most', () => {
    const work = (value: string, primary?: boolean) => ({ value, type: 'work', ...(primary === undefined ? {} : { primary }) });

    it('keeps primary false on a single email', async () => {
      const created = await sso.post('/Users', { schemas: [CORE_USER], userName: 'single@truth.test', emails: [work('single@truth.test', false)] });
      expect(created.status).toBe(201);
      expect(created.body.emails).toEqual([{ value: 'single@truth.test', type: 'work', primary: false }]);
      expect((await sso.get(`/Users/${created.body.id}`)).body.emails[0].primary).toBe(false);
    });

    it('stores a PATCH of emails[type eq "work"].primary', async () => {
      const user = await sso.createUser('patched.primary@truth.test');
      const patched = await sso.patch(`/Users/${user.id}`, [{ op: 'replace', path: 'emails[type eq "work"].primary', value: false }]);
      expect(patched.status).toBe(200);
      expect(patched.body.emails[0].primary).toBe(false);
      expect((await sso.get(`/Users/${user.id}`)).body.emails[0].primary).toBe(false);
    });

    it('refuses two primary values in one body', async () => {
      const refused = await sso.post('/Users', { schemas: [CORE_USER], userName: 'two.primary@truth.test', emails: [work('a@truth.test', true), { value: 'b@truth.test', type: 'home', primary: true }] });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/at most one email may be primary/);
      expect((await sso.get(`/Users?filter=${encodeURIComponent('userName eq "two.primary@truth.test"')}`)).body.totalResults).toBe(0);
    });

    it('moves the mark when a PATCH makes another value primary (RFC 7644 §3.5.2)', async () => {
      const user = await sso.createUser('moving@truth.test');
      const patched = await sso.patch(`/Users/${user.id}`, [{ op: 'add', path: 'emails', value: [{ value: 'home@truth.test', type: 'home', primary: true }] }]);
      expect(patched.status).toBe(200);
      expect(patched.body.emails.map((e: { value: string; primary: boolean }) => [e.value, e.primary])).toEqual([['moving@truth.test', false], ['home@truth.test', true]]);
    });

    it('says the rule in the schema', async () => {
      const primary = await described(sso, CORE_USER, 'emails.primary');
      expect(JSON.stringify(primary)).toMatch(/at most one/);
    });
  });

  describe('attributes idbridge does not know', () => {
    it('refuses an unknown extension, naming its URN and pointing to README', async () => {
      const urn = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
      for (const body of [{ [urn]: { costCode: '7' } }, { [`${urn}:costCode`]: '7' }]) {
        const refused = await sso.post('/Users', { schemas: [CORE_USER, urn], userName: 'unknown.ext@truth.test', ...body });
        expect(refused.status).toBe(400);
        expect(refused.body.detail).toContain(urn);
        expect(refused.body.detail).toContain('README');
      }
    });

    it('still refuses a misspelt core attribute', async () => {
      const refused = await sso.post('/Users', { schemas: [CORE_USER], userName: 'typo@truth.test', displayname2: 'x' });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/"displayname2" is not an attribute/);
    });
  });
});
