import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import request from 'supertest';
import { createAccount } from '../../src/identity/accounts/create.js';
import { removeMembership } from '../../src/identity/accounts/memberships.js';
import { deleteAccount } from '../../src/identity/accounts/remove.js';
import { lockAccount } from '../../src/identity/accounts/status.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { createServiceToken } from '../../src/identity/serviceTokens.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { reservePort } from '../helpers/browser.js';
import { CookieClient, formFields } from '../helpers/cookieClient.js';
import { testOperator } from '../helpers/db.js';
import { fixtureKey, TestIdp } from '../helpers/samlIdp.js';

const CALLBACK = 'http://127.0.0.1:9/portal/callback';
const SIGNED_OUT = 'http://127.0.0.1:9/portal/signed-out';
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A portal's back-channel logout endpoint on loopback: records each logout token; can be told to fail first. */
class LogoutReceiver {
  readonly received: Array<{ path: string; token: string }> = [];
  /** Per path, how many requests to answer 503 before accepting. */
  readonly failures = new Map<string, number>();
  #server: Server | undefined;
  base = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => void this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', () => resolve()));
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = req.url ?? '';
    const failing = this.failures.get(path) ?? 0;
    if (failing > 0) {
      this.failures.set(path, failing - 1);
      res.writeHead(503).end();
      return;
    }
    const token = new URLSearchParams(body).get('logout_token');
    if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-www-form-urlencoded' || !token) {
      res.writeHead(400).end();
      return;
    }
    this.received.push({ path, token });
    res.writeHead(200, { 'cache-control': 'no-store' }).end();
  }

  /** The tokens received at `path`, forgotten once read. */
  take(path: string): string[] {
    const tokens = this.received.filter((r) => r.path === path).map((r) => r.token);
    this.received.splice(0, this.received.length, ...this.received.filter((r) => r.path !== path));
    return tokens;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

interface Portal {
  clientId: string;
  config: client.Configuration;
}

describe('OpenID Connect Back-Channel Logout', () => {
  let t: TestApp;
  let site: Awaited<ReturnType<typeof reservePort>>;
  const receiver = new LogoutReceiver();
  let admin: { token: string };
  /** Told at /meter; the user signs in here. */
  let meter: Portal;
  /** No back-channel logout URI. */
  let billing: Portal;
  /** Told at /outage, with the session (sid). */
  let outage: Portal;
  /** Limited to Acme's users; told at /acme. */
  let acmeOnly: Portal;
  let scimToken: string;
  const idp = new TestIdp();

  async function portal(registered: { clientId: string; clientSecret: string }): Promise<Portal> {
    return { clientId: registered.clientId, config: await client.discovery(new URL(site.base), registered.clientId, registered.clientSecret, undefined, { execute: [client.allowInsecureRequests] }) };
  }

  beforeAll(async () => {
    site = await reservePort();
    await receiver.start();
    const sp = fixtureKey('sp');
    t = await openTestApp({ server: { publicUrl: site.base }, saml: { spPrivateKey: sp.key, spCertificate: sp.cert } });
    site.attach(t.app);
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    // The people of this file come from an enterprise IdP: SAML sign-in, SCIM provisioning.
    await createDirectory(ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['river', 'acme'] });
    await configureSaml(ctx, testOperator, 'okta', { metadata: idp.metadata(), domains: ['okta.test'] });
    // The platform's automation registers the portals through the admin API.
    admin = await createServiceToken(ctx, testOperator, { name: 'portal registry' });
    // Registered through the admin API, as an operator would.
    const created = await request(t.app)
      .post('/api/admin/v1/oidc-clients')
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ name: 'Meter portal', redirectUris: [CALLBACK], postLogoutRedirectUris: [SIGNED_OUT], firstParty: true, backchannelLogoutUri: `${receiver.base}/meter` });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ backchannelLogoutUri: `${receiver.base}/meter`, backchannelLogoutSessionRequired: false });
    meter = await portal(created.body);
    billing = await portal(await createOidcClient(ctx, testOperator, { name: 'Billing portal', redirectUris: [CALLBACK], firstParty: true }));
    const outageClient = await createOidcClient(ctx, testOperator, { name: 'Outage portal', redirectUris: [CALLBACK], firstParty: true });
    const changed = await request(t.app)
      .patch(`/api/admin/v1/oidc-clients/${outageClient.clientId}`)
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ backchannelLogoutUri: `${receiver.base}/outage`, backchannelLogoutSessionRequired: true });
    expect(changed.body).toMatchObject({ name: 'Outage portal', redirectUris: [CALLBACK], firstParty: true, backchannelLogoutUri: `${receiver.base}/outage`, backchannelLogoutSessionRequired: true });
    outage = await portal(outageClient);
    acmeOnly = await portal(await createOidcClient(ctx, testOperator, { name: 'Acme portal', redirectUris: [CALLBACK], firstParty: true, organizations: ['acme'], backchannelLogoutUri: `${receiver.base}/acme` }));
    scimToken = (await createScimToken(ctx, testOperator, { directory: 'okta' })).token;
  });
  afterAll(async () => {
    await site?.close();
    await receiver.stop();
    await t?.close();
  });

  let people = 0;
  /** A user of the IdP's directory, as provisioning creates it. */
  async function activeUser(memberships: Array<{ organization: string; role: string }> = [{ organization: 'river', role: 'viewer' }]) {
    people += 1;
    const email = `person${people}@okta.test`;
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'okta', attributes: { userName: email, name: { givenName: `Person${people}` }, emails: [{ value: email, primary: true }] }, memberships });
    return { id: user.id, email };
  }

  /** Signs in to a portal in `browser` (through the IdP when idbridge asks who it is); answers the portal's tokens. */
  async function signInTo(target: Portal, browser: CookieClient, user: { email: string }) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(target.config, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    let step = await browser.follow(url.toString(), (u) => u.startsWith(CALLBACK) || u.includes('/sign-in?'));
    if (step.next?.includes('/sign-in?')) {
      const page = await browser.request(step.next);
      const identified = await browser.request(`${site.base}/sign-in`, { form: { ...formFields(page.text, '/sign-in'), identifier: user.email } });
      const toIdp = await browser.follow(new URL(/content="0;url=([^"]+)"/.exec(identified.text)?.[1]?.replace(/&amp;/g, '&') as string, site.base).toString(), (u) => u.startsWith(idp.ssoUrl));
      const authn = TestIdp.requestIdOf(toIdp.next as string);
      const samlResponse = idp.response({ acsUrl: `${site.base}/saml/okta/acs`, audience: `${site.base}/saml/okta`, nameId: user.email, inResponseTo: authn.id });
      const acs = await browser.request(`${site.base}/saml/okta/acs`, { form: { SAMLResponse: samlResponse, RelayState: authn.relayState ?? '' } });
      step = await browser.follow(acs.location as string, (u) => u.startsWith(CALLBACK));
    }
    expect(step.next?.startsWith(CALLBACK)).toBe(true);
    return client.authorizationCodeGrant(target.config, new URL(step.next as string), { pkceCodeVerifier: verifier, expectedState: state });
  }

  /** A logout token as a portal verifies it: signature against the JWKS, issuer, audience, type, and the event. */
  async function verifyLogoutToken(token: string, audience: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${site.base}/oidc/jwks`)), { issuer: site.base, audience, typ: 'logout+jwt', currentDate: t.deps.clock.now(), algorithms: ['RS256'] });
    expect(payload.events).toEqual({ [LOGOUT_EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.iat).toBe('number');
    expect(decodeProtectedHeader(token).kid).toEqual(expect.any(String));
    return payload;
  }

  it('is advertised by discovery, with sessions', () => {
    expect(meter.config.serverMetadata()).toMatchObject({ backchannel_logout_supported: true, backchannel_logout_session_supported: true });
  });

  it('refuses a back-channel logout URI that is not https (http only for localhost outside production)', async () => {
    const refused = await request(t.app)
      .post('/api/admin/v1/oidc-clients')
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ name: 'Plain portal', redirectUris: [CALLBACK], backchannelLogoutUri: 'http://portal.example.com/logout' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'oidc_client.invalid', field: 'backchannelLogoutUri' });
  });

  it('tells the portal a user signed in to when SCIM deactivates the user: a logout token signed with the provider\'s keys', async () => {
    const user = await activeUser();
    const browser = new CookieClient();
    const tokens = await signInTo(meter, browser, user);
    await signInTo(billing, browser, user);
    const outageTokens = await signInTo(outage, browser, user);

    const patch = await request(t.app)
      .patch(`/scim/v2/Users/${user.id}`)
      .set('Authorization', `Bearer ${scimToken}`)
      .set('Content-Type', 'application/scim+json')
      .send({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect(patch.status).toBe(200);
    // The SCIM request did not wait for the portal: the job sends it.
    expect(receiver.received).toEqual([]);
    await t.deps.backchannelLogout.drain();

    const [token, ...more] = receiver.take('/meter');
    expect(more).toEqual([]);
    const claims = await verifyLogoutToken(token!, meter.clientId);
    expect(claims.sub).toBe(tokens.claims()!.sub);
    // The meter portal did not ask for sids: its ID tokens have none, so the logout token names the user only.
    expect(claims).not.toHaveProperty('sid');
    // The outage portal asked for sids: its token names the session it knows.
    const [outageToken, ...moreOutage] = receiver.take('/outage');
    expect(moreOutage).toEqual([]);
    expect(await verifyLogoutToken(outageToken!, outage.clientId)).toMatchObject({ sub: user.id, sid: outageTokens.claims()!.sid });
    // The billing portal has no back-channel logout URI.
    expect(receiver.received).toEqual([]);
  });

  it('tells the portals of the browser that signs out on the hosted pages, with the sid a portal asked for, and ends their grants', async () => {
    const user = await activeUser();
    const browser = new CookieClient();
    const outageTokens = await signInTo(outage, browser, user);
    await signInTo(meter, browser, user);
    const sid = outageTokens.claims()!.sid;
    expect(sid).toEqual(expect.any(String));

    const account = await browser.request(`${site.base}/account`);
    const signedOut = await browser.request(`${site.base}/sign-out`, { form: formFields(account.text, '/sign-out') });
    // On to the IdP's single logout (the session came from it).
    expect(signedOut.text).toContain(idp.sloUrl);
    await t.deps.backchannelLogout.drain();

    const outageClaims = await verifyLogoutToken(receiver.take('/outage')[0]!, outage.clientId);
    expect(outageClaims).toMatchObject({ sub: user.id, sid });
    const meterClaims = await verifyLogoutToken(receiver.take('/meter')[0]!, meter.clientId);
    expect(meterClaims.sub).toBe(user.id);
    expect(receiver.received).toEqual([]);
    // Without offline_access, the portal's refresh token ends with the session, as at the portal's own logout.
    await expect(client.refreshTokenGrant(outage.config, outageTokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('tells the portals of a session ended at a portal\'s request (RP-initiated logout), after the browser has its answer', async () => {
    const user = await activeUser();
    const browser = new CookieClient();
    const tokens = await signInTo(meter, browser, user);
    const confirm = await browser.request(client.buildEndSessionUrl(meter.config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: SIGNED_OUT }).toString());
    const done = await browser.request(`${site.base}/oidc/session/end/confirm`, { form: { ...formFields(confirm.text, `${site.base}/oidc/session/end/confirm`), logout: 'yes' } });
    expect(done.location).toBe(SIGNED_OUT);
    expect(receiver.received).toEqual([]);
    await t.deps.backchannelLogout.drain();
    expect((await verifyLogoutToken(receiver.take('/meter')[0]!, meter.clientId)).sub).toBe(user.id);
  });

  it('tells the portals when the IdP signs the user out (SAML LogoutRequest)', async () => {
    const user = await activeUser();
    await signInTo(meter, new CookieClient(), user);
    const logout = await request(t.app).post('/saml/okta/slo').type('form').send({ SAMLRequest: idp.logoutRequest({ destination: `${site.base}/saml/okta/slo`, nameId: user.email }) });
    expect(logout.status).toBe(302);
    await t.deps.backchannelLogout.drain();
    expect((await verifyLogoutToken(receiver.take('/meter')[0]!, meter.clientId)).sub).toBe(user.id);
    expect(receiver.received).toEqual([]);
  });

  it('retries a portal that fails, after the backoff, when an administrator locks the user', async () => {
    const user = await activeUser();
    await signInTo(meter, new CookieClient(), user);
    receiver.failures.set('/meter', 1);
    await lockAccount(t.deps.ctx, testOperator, user.id);
    await t.deps.backchannelLogout.drain();
    expect(receiver.failures.get('/meter')).toBe(0);
    expect(receiver.received).toEqual([]);
    t.deps.clock.advance(10_000);
    await t.deps.backchannelLogout.drain();
    expect(receiver.received).toEqual([]);
    // The first wait is 30 s (backchannelLogoutBackoffSeconds), ±20 %.
    t.deps.clock.advance(30_000);
    await t.deps.backchannelLogout.drain();
    expect((await verifyLogoutToken(receiver.take('/meter')[0]!, meter.clientId)).sub).toBe(user.id);
  });

  it('tells a portal limited to an organization when the user leaves it, and a deleted user\'s portals (from the events)', async () => {
    const user = await activeUser([{ organization: 'river', role: 'viewer' }, { organization: 'acme', role: 'standard-user' }]);
    const browser = new CookieClient();
    const acmeTokens = await signInTo(acmeOnly, browser, user);
    await signInTo(meter, browser, user);

    await removeMembership(t.deps.ctx, testOperator, user.id, { organization: 'acme' });
    await t.deps.backchannelLogout.drain();
    expect((await verifyLogoutToken(receiver.take('/acme')[0]!, acmeOnly.clientId)).sub).toBe(user.id);
    // The user still belongs to River Water: the meter portal is not told.
    expect(receiver.received).toEqual([]);
    await expect(client.refreshTokenGrant(acmeOnly.config, acmeTokens.refresh_token as string)).rejects.toMatchObject({ error: 'invalid_grant' });

    await deleteAccount(t.deps.ctx, testOperator, user.id, { confirmation: user.email });
    await t.deps.backchannelLogout.drain();
    expect((await verifyLogoutToken(receiver.take('/meter')[0]!, meter.clientId)).sub).toBe(user.id);
    expect(receiver.received).toEqual([]);
  });
});
