import { createAccount } from '../../src/identity/accounts/create.js';
import { deactivateAccount } from '../../src/identity/accounts/status.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { inflateRawSync } from 'node:zlib';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { csrfOf, openTestApp, textOf, type Agent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { fixtureKey, TestIdp, type ResponseOptions } from '../helpers/samlIdp.js';

const REFUSED = 'You could not be signed in';

describe('SAML sign-in', () => {
  let t: TestApp;
  const idp = new TestIdp();
  const rotated = fixtureKey('idp-rotated');
  const base = 'http://127.0.0.1:8080';
  const acsUrl = `${base}/saml/okta/acs`;
  const audience = `${base}/saml/okta`;
  let userId: string;

  beforeAll(async () => {
    const sp = fixtureKey('sp');
    t = await openTestApp({ saml: { spPrivateKey: sp.key, spCertificate: sp.cert } });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'entra' });
    await configureSaml(t.deps.ctx, testOperator, 'okta', { entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl, certificates: [idp.signingKey.cert, rotated.cert], domains: ['acme.test'] });
    await configureSaml(t.deps.ctx, testOperator, 'entra', { entityId: 'https://sts.windows.test/tenant/', ssoUrl: 'https://login.test/saml2', certificates: [idp.signingKey.cert], allowIdpInitiated: true });
    userId = (await createAccount(t.deps.ctx, testOperator, { directory: 'okta', attributes: { userName: 'ana@acme.test', emails: [{ value: 'ana@acme.test' }] }, memberships: [{ organization: 'acme', role: 'full-access' }] })).id;
    await createAccount(t.deps.ctx, testOperator, { directory: 'entra', attributes: { userName: 'ana@acme.test', emails: [{ value: 'ana@acme.test' }] } });
  });
  afterAll(() => t?.close());

  /** SP-initiated: idbridge redirects to the IdP with an AuthnRequest; returns its id. */
  async function startLogin(agent: Agent, returnTo?: string): Promise<{ id: string; relayState: string | null; cookie: string }> {
    const response = await agent.get(`/saml/okta/login${returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : ''}`);
    expect(response.status).toBe(302);
    const location = String(response.headers.location);
    expect(location.startsWith(`${idp.ssoUrl}?SAMLRequest=`)).toBe(true);
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((c) => c.startsWith('idb_saml_request='));
    expect(cookie).toContain('Path=/saml/okta/');
    return { ...TestIdp.requestIdOf(location), cookie: String(cookie).split(';')[0] as string };
  }

  async function post(agent: Agent, samlResponse: string, relayState?: string, directory = 'okta') {
    return agent.post(`/saml/${directory}/acs`).type('form').send({ SAMLResponse: samlResponse, ...(relayState ? { RelayState: relayState } : {}) });
  }

  function answer(inResponseTo: string | undefined, overrides: Partial<ResponseOptions> = {}): string {
    return idp.response({ acsUrl, audience, nameId: 'ana@acme.test', ...(inResponseTo ? { inResponseTo } : {}), ...overrides });
  }

  async function expectRefused(response: { status: number; text: string }, reason: RegExp) {
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(textOf(response.text)).toContain(REFUSED);
    const { events } = await listAuditEvents(t.deps.ctx, testOperator, { action: 'saml.sign_in_refused', limit: 1 });
    expect(String(events[0]?.details?.reason)).toMatch(reason);
  }

  it('publishes SP metadata with our entity id and ACS URL', async () => {
    const response = await t.agent().get('/saml/okta/metadata').expect(200);
    expect(response.headers['content-type']).toContain('application/samlmetadata+xml');
    expect(response.text).toContain(`entityID="${audience}"`);
    expect(response.text).toContain(`Location="${acsUrl}"`);
    expect(response.text).toContain('<ds:X509Certificate>');
  });

  it("publishes a new SSO directory's SP metadata before the IdP's settings are given (ADFS and Entra ID start from it)", async () => {
    await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'adfs-new' });
    const response = await t.agent().get('/saml/adfs-new/metadata').expect(200);
    expect(response.headers['content-type']).toContain('application/samlmetadata+xml');
    expect(response.text).toContain(`entityID="${base}/saml/adfs-new"`);
    expect(response.text).toContain(`Location="${base}/saml/adfs-new/acs"`);
    // Sign-in through it is still refused until the IdP's settings are given.
    expect((await t.agent().get('/saml/adfs-new/login')).status).toBe(404);
    for (const name of ['no-such-directory', 'local']) expect((await t.agent().get(`/saml/${name}/metadata`)).status).toBe(404);
  });

  it('sends an address of an SSO domain from the sign-in page to its IdP', async () => {
    const agent = t.agent();
    const page = await agent.get('/sign-in');
    const response = await agent.post('/sign-in').type('form').send({ _csrf: csrfOf(page.text), identifier: 'Ana@ACME.test' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('<meta http-equiv="refresh" content="0;url=/saml/okta/login">');
    expect(textOf(response.text)).toContain("Continue to your organization's sign-in");
  });

  it('signs in SP-initiated, returns to the RelayState, and records the sign-in', async () => {
    const agent = t.agent();
    const request = await startLogin(agent, '/account#mfa');
    expect(request.relayState).toBe('/account#mfa');
    const response = await post(agent, answer(request.id), request.relayState as string);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/account#mfa');
    const account = await agent.get('/account');
    expect(account.status).toBe(200);
    expect(textOf(account.text)).toContain('Acme (Full Access)');
    expect(account.text).not.toContain('Change password');
    expect((await getAccount(t.deps.ctx, testOperator, userId)).lastSignInAt).not.toBeNull();
  });

  it('refuses a RelayState pointing elsewhere and goes to the account page instead', async () => {
    const agent = t.agent();
    const request = await startLogin(agent);
    const response = await post(agent, answer(request.id), 'https://evil.example.com/steal');
    expect(response.headers.location).toBe('/account');
  });

  it('accepts responses signed with either configured certificate (rotation)', async () => {
    const agent = t.agent();
    const request = await startLogin(agent);
    expect((await post(agent, answer(request.id, { signWith: rotated }))).status).toBe(303);
  });

  it.each([
    ['unsigned', { sign: 'none' }, /signature/i],
    ['signed with a key that is not configured', { signWith: fixtureKey('attacker') }, /signature/i],
    ['signed on the response only, not on the assertion', { sign: 'response' }, /signature/i],
    ['signed with SHA-1', { algorithm: 'sha1' }, /rsa-sha1 is refused/],
    ['for another audience', { audience: 'https://other-sp.example/saml' }, /audience/i],
    ['for another destination', { destination: 'https://other-sp.example/acs' }, /Destination/],
    ['from another issuer', { issuer: 'https://evil-idp.example' }, /Issuer/],
    ['expired', { notOnOrAfterMs: -5 * 60_000, notBeforeMs: -10 * 60_000 }, /expired|NotOnOrAfter|subject confirmation/i],
    ['not yet valid', { notBeforeMs: 10 * 60_000, notOnOrAfterMs: 20 * 60_000 }, /not yet valid|NotBefore/i],
    ['wrapping a second, unsigned assertion for another user', { wrapFor: 'boss@acme.test' }, /exactly one assertion/],
  ] as const)('refuses a response %s', async (_name, overrides, reason) => {
    const agent = t.agent();
    const request = await startLogin(agent);
    await expectRefused(await post(agent, answer(request.id, overrides as Partial<ResponseOptions>)), reason);
    expect((await agent.get('/account')).status).toBe(303);
  });

  it('refuses the same response twice (replay)', async () => {
    const agent = t.agent();
    const request = await startLogin(agent);
    const samlResponse = answer(request.id);
    expect((await post(agent, samlResponse)).status).toBe(303);
    // The browser forgot the answered request, and a copy of its cookie does not help: the request was answered once.
    await expectRefused(await post(agent, samlResponse), /did not start/);
    await expectRefused(await t.agent().post('/saml/okta/acs').set('Cookie', request.cookie).type('form').send({ SAMLResponse: samlResponse }), /InResponseTo/);
  });

  it('refuses a response to a request it never issued, and IdP-initiated sign-in where not allowed', async () => {
    await expectRefused(await t.agent().post('/saml/okta/acs').set('Cookie', 'idb_saml_request=_never-issued').type('form').send({ SAMLResponse: answer('_never-issued') }), /InResponseTo/);
    await expectRefused(await post(t.agent(), answer(undefined)), /InResponseTo/);
  });

  it("refuses a response posted by a browser other than the one that started the sign-in (login CSRF)", async () => {
    const attacker = t.agent();
    const victim = t.agent();
    const request = await startLogin(attacker);
    const samlResponse = answer(request.id);
    const refused = await post(victim, samlResponse);
    await expectRefused(refused, /did not start/);
    expect(([] as string[]).concat(refused.headers['set-cookie'] ?? []).some((c) => c.startsWith('idb_session'))).toBe(false);
    expect((await victim.get('/account')).status).toBe(303);
    // The sign-in stays usable by the browser that started it.
    expect((await post(attacker, samlResponse)).status).toBe(303);
  });

  it('keeps sign-ins started in several tabs of one browser apart', async () => {
    const agent = t.agent();
    const first = await startLogin(agent);
    const second = await startLogin(agent);
    expect((await post(agent, answer(first.id))).status).toBe(303);
    expect((await post(agent, answer(second.id))).status).toBe(303);
  });

  it('accepts IdP-initiated sign-in where allowed, once per assertion', async () => {
    const entraAcs = `${base}/saml/entra/acs`;
    const samlResponse = idp.response({ acsUrl: entraAcs, audience: `${base}/saml/entra`, nameId: 'ana@acme.test', issuer: 'https://sts.windows.test/tenant/' });
    expect((await post(t.agent(), samlResponse, undefined, 'entra')).status).toBe(303);
    await expectRefused(await post(t.agent(), samlResponse, undefined, 'entra'), /already used/);
  });

  it('refuses an unknown user and an INACTIVE user with the same page', async () => {
    const unknown = t.agent();
    const request = await startLogin(unknown);
    await expectRefused(await post(unknown, answer(request.id, { nameId: 'stranger@acme.test' })), /No user of the directory matches/);
    const inactive = await createAccount(t.deps.ctx, testOperator, { directory: 'okta', attributes: { userName: 'gone@acme.test' } });
    await deactivateAccount(t.deps.ctx, testOperator, inactive.id);
    const agent = t.agent();
    const second = await startLogin(agent);
    await expectRefused(await post(agent, answer(second.id, { nameId: 'gone@acme.test' })), /INACTIVE/);
  });

  it('creates the user just in time when the directory allows it', async () => {
    await configureSaml(t.deps.ctx, testOperator, 'okta', { entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl, certificates: [idp.signingKey.cert], jit: true });
    const agent = t.agent();
    const request = await startLogin(agent);
    const response = await post(agent, answer(request.id, { nameId: 'newcomer@acme.test', attributes: { firstName: 'Nuevo', lastName: 'Llegado', email: 'newcomer@acme.test' } }));
    expect(response.status).toBe(303);
    const created = await t.deps.db.models.User.findOne({ where: { userNameNormalized: 'newcomer@acme.test' } });
    expect(created).toMatchObject({ givenName: 'Nuevo', familyName: 'Llegado', status: 'ACTIVE', email: 'newcomer@acme.test' });
    await configureSaml(t.deps.ctx, testOperator, 'okta', { entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl, certificates: [idp.signingKey.cert, rotated.cert], jit: false });
  });

  it('signs out at the IdP with a signed LogoutRequest', async () => {
    const agent = t.agent();
    const request = await startLogin(agent);
    await post(agent, answer(request.id, { sessionIndex: '_session-42' }));
    const account = await agent.get('/account');
    const response = await agent.post('/sign-out').type('form').send({ _csrf: csrfOf(account.text) });
    expect(response.status).toBe(200);
    const location = new URL((/content="0;url=([^"]+)"/.exec(response.text)?.[1] ?? '').replace(/&amp;/g, '&'));
    expect(`${location.origin}${location.pathname}`).toBe(idp.sloUrl);
    expect(location.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(location.searchParams.get('Signature')).toBeTruthy();
    const logoutRequest = inflateRawSync(Buffer.from(location.searchParams.get('SAMLRequest') as string, 'base64')).toString('utf8');
    expect(logoutRequest).toContain('ana@acme.test');
    expect(logoutRequest).toContain('_session-42');
    expect((await agent.get('/account')).status).toBe(303);
    // The IdP answers with a LogoutResponse to that request: the browser lands on the sign-in page.
    const inResponseTo = /ID="([^"]+)"/.exec(logoutRequest)?.[1] as string;
    const answered = await agent.post('/saml/okta/slo').type('form').send({ SAMLResponse: idp.logoutResponse({ destination: `${base}/saml/okta/slo`, inResponseTo }) });
    expect(answered.status).toBe(303);
    expect(answered.headers.location).toBe('/sign-in?notice=signed_out');
  });

  it('ends the user\'s sessions on an IdP-initiated LogoutRequest, and refuses one the IdP did not sign', async () => {
    const agent = t.agent();
    const request = await startLogin(agent);
    await post(agent, answer(request.id));
    expect((await agent.get('/account')).status).toBe(200);
    const forged = idp.logoutRequest({ destination: `${base}/saml/okta/slo`, nameId: 'ana@acme.test', signWith: fixtureKey('attacker') });
    expect((await t.agent().post('/saml/okta/slo').type('form').send({ SAMLRequest: forged })).status).toBe(400);
    expect((await agent.get('/account')).status).toBe(200);
    const genuine = idp.logoutRequest({ destination: `${base}/saml/okta/slo`, nameId: 'ana@acme.test' });
    const response = await t.agent().post('/saml/okta/slo').type('form').send({ SAMLRequest: genuine });
    expect(response.status).toBe(302);
    expect(String(response.headers.location).startsWith(`${idp.sloUrl}?SAMLResponse=`)).toBe(true);
    expect((await agent.get('/account')).status).toBe(303);
  });

  it('answers an unknown directory with the refusal page', async () => {
    expect((await t.agent().get('/saml/nowhere/login')).status).toBe(404);
  });
});
