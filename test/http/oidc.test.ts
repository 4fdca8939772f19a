import { createAccount } from '../../src/identity/accounts/create.js';
import { lockAccount, unlockAccount } from '../../src/identity/accounts/status.js';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { activeLocalUser, enrolTotp, totpCode } from '../helpers/accounts.js';
import { reservePort } from '../helpers/browser.js';
import { CookieClient, formFields } from '../helpers/cookieClient.js';
import { testOperator } from '../helpers/db.js';
import { TestIdp } from '../helpers/samlIdp.js';

const PORTAL = 'http://127.0.0.1:9/portal';
const CALLBACK = `${PORTAL}/callback`;
const SIGNED_OUT = `${PORTAL}/signed-out`;

describe('OpenID Connect for the portals', () => {
  let t: TestApp;
  let site: Awaited<ReturnType<typeof reservePort>>;
  let config: client.Configuration;
  const idp = new TestIdp();

  beforeAll(async () => {
    site = await reservePort();
    t = await openTestApp({ server: { publicUrl: site.base } });
    site.attach(t.app);
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
    await configureSaml(ctx, testOperator, 'okta', { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.signingKey.cert], domains: ['acme.test'] });
    const registered = await createOidcClient(ctx, testOperator, { name: 'River portal', redirectUris: [CALLBACK], postLogoutRedirectUris: [SIGNED_OUT], firstParty: true });
    config = await client.discovery(new URL(site.base), registered.clientId, registered.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
  });
  afterAll(async () => {
    await site?.close();
    await t?.close();
  });

  /** Starts an authorization request; returns the browser, the URL to open and what the code exchange needs. */
  async function authorize() {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile email organizations', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    return { url: url.toString(), verifier, state };
  }

  async function signInWithPassword(browser: CookieClient, signInPage: string, email: string, password: string) {
    const page = await browser.request(signInPage);
    const identified = await browser.request(`${site.base}/sign-in`, { form: { ...formFields(page.text, '/sign-in'), identifier: email } });
    return browser.request(`${site.base}/sign-in/password`, { form: { ...formFields(identified.text, '/sign-in/password'), identifier: email, password } });
  }

  async function exchange(callbackUrl: string, flow: { verifier: string; state: string }) {
    return client.authorizationCodeGrant(config, new URL(callbackUrl), { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
  }

  it('publishes discovery with the issuer PUBLIC_URL, code flow with S256 only, and the JWKS', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(site.base);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.scopes_supported).toContain('organizations');
  });

  it('signs in a local user with TOTP and gives a verified ID token with the organizations and roles', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'operator' }] });
    const { secret } = await enrolTotp(t.deps.ctx, user.id);
    t.deps.clock.advance(30_000);
    const flow = await authorize();
    const browser = new CookieClient();
    const toSignIn = await browser.follow(flow.url, (u) => u.includes('/sign-in?'));
    expect(toSignIn.next).toContain('/sign-in?return_to=%2Foidc%2Finteraction%2F');
    const password = await signInWithPassword(browser, toSignIn.next as string, user.email, user.password);
    expect(password.location).toBe(`${site.base}/sign-in/totp`);
    const totpPage = await browser.request(password.location as string);
    const done = await browser.request(`${site.base}/sign-in/totp`, { form: { ...formFields(totpPage.text, '/sign-in/totp'), code: totpCode(secret, t.deps.clock.now()) } });
    const callback = await browser.follow(done.location as string, (u) => u.startsWith(CALLBACK));
    expect(callback.next).toMatch(/^http:\/\/127\.0\.0\.1:9\/portal\/callback\?code=/);
    const tokens = await exchange(callback.next as string, flow);
    expect(tokens.refresh_token).toBeTruthy();
    const { payload } = await jwtVerify(tokens.id_token as string, createRemoteJWKSet(new URL(`${site.base}/oidc/jwks`)), { issuer: site.base, audience: config.clientMetadata().client_id });
    expect(payload).toMatchObject({ sub: user.id, email: user.email, email_verified: true, preferred_username: user.email, given_name: expect.any(String), organizations: [{ slug: 'river', role: 'operator', kind: 'utility', name: 'River Water' }] });
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(userinfo.organizations).toEqual(payload.organizations);
  });

  it('refreshes tokens until the user is deactivated through SCIM, which ends its sessions and refresh tokens', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    const flow = await authorize();
    const browser = new CookieClient();
    const toSignIn = await browser.follow(flow.url, (u) => u.includes('/sign-in?'));
    const signedIn = await signInWithPassword(browser, toSignIn.next as string, user.email, user.password);
    const callback = await browser.follow(signedIn.location as string, (u) => u.startsWith(CALLBACK));
    const tokens = await exchange(callback.next as string, flow);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.access_token).not.toBe(tokens.access_token);

    const scim = await createScimToken(t.deps.ctx, testOperator, { directory: 'local', organization: 'river' });
    const patch = await fetch(`${site.base}/scim/v2/Users/${user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${scim.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }),
    });
    expect(patch.status).toBeLessThan(300);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = await browser.follow((await authorize()).url, (u) => u.includes('/sign-in?') || u.startsWith(CALLBACK));
    expect(again.next).toContain('/sign-in?');
  });

  it('stops a locked user: the refresh token and the access token no longer work, and unlocking does not bring them back', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'operator' }] });
    const flow = await authorize();
    const browser = new CookieClient();
    const toSignIn = await browser.follow(flow.url, (u) => u.includes('/sign-in?'));
    const signedIn = await signInWithPassword(browser, toSignIn.next as string, user.email, user.password);
    const tokens = await exchange((await browser.follow(signedIn.location as string, (u) => u.startsWith(CALLBACK))).next as string, flow);
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email });

    await lockAccount(t.deps.ctx, testOperator, user.id);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.fetchUserInfo(config, tokens.access_token, user.id)).rejects.toBeDefined();
    await unlockAccount(t.deps.ctx, testOperator, user.id);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
    const again = await browser.follow((await authorize()).url, (u) => u.includes('/sign-in?') || u.startsWith(CALLBACK));
    expect(again.next).toContain('/sign-in?');
  });

  it('signs in an SSO user through the test IdP', async () => {
    const sso = await createAccount(t.deps.ctx, testOperator, { directory: 'okta', attributes: { userName: 'ana@acme.test', name: { givenName: 'Ana' }, emails: [{ value: 'ana@acme.test' }] }, memberships: [{ organization: 'acme', role: 'full-access' }] });
    const flow = await authorize();
    const browser = new CookieClient();
    const toSignIn = await browser.follow(flow.url, (u) => u.includes('/sign-in?'));
    const page = await browser.request(toSignIn.next as string);
    const identified = await browser.request(`${site.base}/sign-in`, { form: { ...formFields(page.text, '/sign-in'), identifier: 'ana@acme.test' } });
    const toIdp = await browser.follow(new URL(/content="0;url=([^"]+)"/.exec(identified.text)?.[1]?.replace(/&amp;/g, '&') as string, site.base).toString(), (u) => u.startsWith(idp.ssoUrl));
    const request = TestIdp.requestIdOf(toIdp.next as string);
    const samlResponse = idp.response({ acsUrl: `${site.base}/saml/okta/acs`, audience: `${site.base}/saml/okta`, nameId: 'ana@acme.test', inResponseTo: request.id });
    const acs = await browser.request(`${site.base}/saml/okta/acs`, { form: { SAMLResponse: samlResponse, RelayState: request.relayState ?? '' } });
    const callback = await browser.follow(acs.location as string, (u) => u.startsWith(CALLBACK));
    const tokens = await exchange(callback.next as string, flow);
    expect(tokens.claims()).toMatchObject({ sub: sso.id, organizations: [{ slug: 'acme', role: 'full-access' }] });
  });

  it('logs out at the portal\'s request: the session ends and the next authorization asks to sign in again', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    const flow = await authorize();
    const browser = new CookieClient();
    const toSignIn = await browser.follow(flow.url, (u) => u.includes('/sign-in?'));
    const signedIn = await signInWithPassword(browser, toSignIn.next as string, user.email, user.password);
    const tokens = await exchange((await browser.follow(signedIn.location as string, (u) => u.startsWith(CALLBACK))).next as string, flow);
    const silent = await browser.follow((await authorize()).url, (u) => u.startsWith(CALLBACK) || u.includes('/sign-in?'));
    expect(silent.next?.startsWith(CALLBACK)).toBe(true);

    const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: SIGNED_OUT });
    const confirm = await browser.request(logout.toString());
    expect(confirm.text).toContain('Yes, sign me out');
    const fields = formFields(confirm.text, `${site.base}/oidc/session/end/confirm`);
    const done = await browser.request(`${site.base}/oidc/session/end/confirm`, { form: { ...fields, logout: 'yes' } });
    expect(done.location).toBe(SIGNED_OUT);
    expect((await browser.request(`${site.base}/account`)).location).toContain('/sign-in');
    const afterwards = await browser.follow((await authorize()).url, (u) => u.startsWith(CALLBACK) || u.includes('/sign-in?'));
    expect(afterwards.next).toContain('/sign-in?');
  });

  it('refuses users outside the organizations a client is limited to', async () => {
    const limited = await createOidcClient(t.deps.ctx, testOperator, { name: 'Acme only', redirectUris: [CALLBACK], firstParty: true, organizations: ['acme'] });
    const limitedConfig = await client.discovery(new URL(site.base), limited.clientId, limited.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(limitedConfig, { redirect_uri: CALLBACK, scope: 'openid', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const browser = new CookieClient();
    const toSignIn = await browser.follow(url.toString(), (u) => u.includes('/sign-in?'));
    const signedIn = await signInWithPassword(browser, toSignIn.next as string, user.email, user.password);
    const refused = await browser.follow(signedIn.location as string, (u) => u.startsWith(CALLBACK));
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('No access to this application');
  });

  it('requires PKCE', async () => {
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid' });
    const response = await new CookieClient().request(url.toString());
    expect(response.location).toContain('error=invalid_request');
  });
});
