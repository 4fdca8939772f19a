import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { createOrganization } from '../../src/identity/organizations.js';
import { createScimToken } from '../../src/identity/scimTokens.js';
import { createServiceToken } from '../../src/identity/serviceTokens.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { activeLocalUser } from '../helpers/accounts.js';
import { reservePort } from '../helpers/browser.js';
import { CookieClient, formFields } from '../helpers/cookieClient.js';
import { testOperator } from '../helpers/db.js';
import { verifyWebhook, WebhookReceiver } from '../helpers/webhookReceiver.js';

const CALLBACK = 'http://127.0.0.1:9/portal/callback';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * Issue 20's story, end to end: a portal registered for River, with a webhook subscription and a back-channel logout
 * endpoint, has a user signed in. The utility's IdP deactivates the user through SCIM: the portal learns it at once
 * through both. Then the portal is down while more changes happen; it catches up through the change feed from the
 * last event it handled, and the feed gives the same events, in the same order, as the webhooks once they get through.
 */
describe('a portal learns what changed', () => {
  let t: TestApp;
  let site: Awaited<ReturnType<typeof reservePort>>;
  let portal: client.Configuration;
  let clientId = '';
  let secret = '';
  let feedToken = '';
  let scimToken = '';
  const webhooks = new WebhookReceiver();
  const logoutTokens: string[] = [];
  let logoutEndpoint: Server;

  beforeAll(async () => {
    site = await reservePort();
    await webhooks.start();
    logoutEndpoint = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token');
        if (token) logoutTokens.push(token);
        res.writeHead(token ? 200 : 400).end();
      });
    });
    await new Promise<void>((resolve) => logoutEndpoint.listen(0, '127.0.0.1', resolve));
    const logoutUri = `http://127.0.0.1:${(logoutEndpoint.address() as AddressInfo).port}/backchannel-logout`;

    t = await openTestApp({ server: { publicUrl: site.base } });
    site.attach(t.app);
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    // The platform's automation registers the portal, its webhook and its feed reader through the admin API.
    feedToken = (await createServiceToken(ctx, testOperator, { name: 'river portal automation' })).token;
    const api = (method: 'post' | 'get', path: string) => request(t.app)[method](`/api/admin/v1${path}`).set('Authorization', `Bearer ${feedToken}`);
    const registered = await api('post', '/oidc-clients').send({ name: 'River portal', redirectUris: [CALLBACK], firstParty: true, organizations: ['river'], backchannelLogoutUri: logoutUri });
    expect(registered.status).toBe(201);
    clientId = registered.body.clientId;
    portal = await client.discovery(new URL(site.base), clientId, registered.body.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const subscribed = await api('post', '/webhooks').send({ client: clientId, url: webhooks.url, eventTypes: 'all' });
    expect(subscribed.status).toBe(201);
    secret = subscribed.body.secret;
    scimToken = (await createScimToken(ctx, testOperator, { directory: 'local', organization: 'river' })).token;
  });
  afterAll(async () => {
    await site?.close();
    await webhooks.stop();
    await new Promise<void>((resolve) => logoutEndpoint.close(() => resolve()));
    await t?.close();
  });

  const scimPatch = (userId: string, operations: unknown[]) =>
    request(t.app).patch(`/scim/v2/Users/${userId}`).set('Authorization', `Bearer ${scimToken}`).set('Content-Type', 'application/scim+json').send({ schemas: [PATCH_OP], Operations: operations });
  const feed = (after?: string) => request(t.app).get(`/api/admin/v1/events?organization=river&limit=1000${after ? `&after=${after}` : ''}`).set('Authorization', `Bearer ${feedToken}`);
  /** What an instance's background work does within a poll (webhook rounds until nothing is due, logout notices). */
  async function backgroundWork(): Promise<void> {
    while ((await t.deps.webhooks.runOnce()) > 0);
    await t.deps.backchannelLogout.drain();
  }

  it('hears of a deactivation through a webhook and a logout token, then catches up through the feed after being down', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    // The user signs in to the portal.
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(portal, { redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const browser = new CookieClient();
    const toSignIn = await browser.follow(url.toString(), (u) => u.includes('/sign-in?'));
    const page = await browser.request(toSignIn.next as string);
    const identified = await browser.request(`${site.base}/sign-in`, { form: { ...formFields(page.text, '/sign-in'), identifier: user.email } });
    const signedIn = await browser.request(`${site.base}/sign-in/password`, { form: { ...formFields(identified.text, '/sign-in/password'), identifier: user.email, password: user.password } });
    const callback = await browser.follow(signedIn.location as string, (u) => u.startsWith(CALLBACK));
    const tokens = await client.authorizationCodeGrant(portal, new URL(callback.next as string), { pkceCodeVerifier: verifier, expectedState: state });
    await backgroundWork();
    webhooks.received.length = 0;

    // The IdP deactivates the user; one poll of the background work later (no time passes) the portal knows.
    expect((await scimPatch(user.id, [{ op: 'Replace', path: 'active', value: 'False' }])).status).toBe(200);
    await backgroundWork();
    const deactivated = webhooks.accepted().filter((w) => w.payload.type === 'user.deactivated');
    expect(deactivated).toHaveLength(1);
    const event = verifyWebhook(secret, deactivated[0]!, t.deps.clock) as { type: string; data: { userId: string; data: { status?: string } } };
    expect(event).toMatchObject({ type: 'user.deactivated', data: { userId: user.id } });
    expect(logoutTokens).toHaveLength(1);
    const { payload } = await jwtVerify(logoutTokens[0]!, createRemoteJWKSet(new URL(`${site.base}/oidc/jwks`)), { issuer: site.base, audience: clientId, typ: 'logout+jwt', currentDate: t.deps.clock.now() });
    expect(payload.sub).toBe(tokens.claims()!.sub);

    // The portal remembers the last event it handled, then goes down while the IdP changes more.
    const handled = (await feed()).body as { events: Array<{ id: string }>; next_cursor: string };
    expect(handled.events.at(-1)?.id).toBe(deactivated[0]!.payload.id);
    webhooks.received.length = 0;
    webhooks.failNext(1000);
    expect((await scimPatch(user.id, [{ op: 'Replace', path: 'title', value: 'Meter reader' }])).status).toBe(200);
    expect((await scimPatch(user.id, [{ op: 'Replace', path: 'active', value: 'True' }])).status).toBe(200);
    expect((await request(t.app).delete(`/scim/v2/Users/${user.id}`).set('Authorization', `Bearer ${scimToken}`)).status).toBe(204);
    await backgroundWork();
    expect(webhooks.accepted()).toEqual([]);

    // Back up, the portal reads the feed from where it stopped: every change, in commit order.
    const missed = (await feed(handled.next_cursor)).body as { events: Array<{ id: string; type: string; userId: string }> };
    expect(missed.events.map((e) => e.type)).toEqual(['user.updated', 'user.reactivated', 'membership.removed', 'user.deleted']);
    expect(new Set(missed.events.map((e) => e.userId))).toEqual(new Set([user.id]));

    // The webhooks get through once the endpoint answers again (its retries, with the clock moved past them): the
    // same events, in the same order, each verifying.
    webhooks.failNext(0);
    for (let hour = 0; hour < 48 && webhooks.accepted().length < missed.events.length; hour++) {
      t.deps.clock.advance(3_600_000);
      await backgroundWork();
    }
    const delivered = webhooks.accepted();
    expect(delivered.map((w) => w.payload.id)).toEqual(missed.events.map((e) => e.id));
    for (const w of delivered) expect(() => verifyWebhook(secret, w, t.deps.clock)).not.toThrow();
  });
});
