import express from 'express';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { activeLocalUser } from '../helpers/accounts.js';
import { launchChromium, reservePort } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { scaled } from '../helpers/machine.js';

describe('a portal application signing users in through idbridge, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof reservePort>>;
  let portal: Awaited<ReturnType<typeof reservePort>>;

  beforeAll(async () => {
    site = await reservePort();
    portal = await reservePort();
    t = await openTestApp({ server: { publicUrl: site.base } });
    site.attach(t.app);
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    const registered = await createOidcClient(t.deps.ctx, testOperator, { name: 'River customer portal', redirectUris: [`${portal.base}/callback`], firstParty: false });
    const config = await client.discovery(new URL(site.base), registered.clientId, registered.clientSecret, undefined, { execute: [client.allowInsecureRequests] });

    // The tiny portal: one page with a sign-in link, and the callback that shows who signed in.
    const pending = new Map<string, string>();
    const app = express();
    app.get('/', (_req, res) => res.type('html').send('<!doctype html><html lang="en"><title>River portal</title><h1>River portal</h1><a href="/login">Sign in</a></html>'));
    app.get('/login', async (_req, res) => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      pending.set(state, verifier);
      res.redirect(client.buildAuthorizationUrl(config, { redirect_uri: `${portal.base}/callback`, scope: 'openid profile organizations', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString());
    });
    app.get('/callback', async (req, res) => {
      const state = String(req.query.state);
      const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, portal.base), { pkceCodeVerifier: pending.get(state) as string, expectedState: state });
      const claims = tokens.claims() as unknown as { name: string; organizations: Array<{ name: string; role: string }> };
      res.type('html').send(`<!doctype html><html lang="en"><title>Welcome</title><h1>Welcome, ${claims.name}</h1><p id="roles">${claims.organizations.map((o) => `${o.name}: ${o.role}`).join(', ')}</p></html>`);
    });
    portal.attach(app as never);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    await site?.close();
    await t?.close();
  });

  it('goes from the portal to idbridge\'s sign-in, asks consent, and comes back with the user and their role', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'operator' }] });
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await page.goto(portal.base);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL(`${site.base}/sign-in?**`);
    await page.getByLabel('Email or username').fill(user.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.locator('h1').textContent()).toBe('Allow access');
    expect(await page.locator('main').textContent()).toContain('River customer portal wants to know who you are');
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${portal.base}/callback?**`);
    expect(await page.locator('h1').textContent()).toMatch(/^Welcome, /);
    expect(await page.locator('#roles').textContent()).toBe('River Water: operator');
  }, scaled(30_000));
});
