import { createAccount } from '../../src/identity/accounts/create.js';
import express from 'express';
import type { Browser } from 'playwright-core';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { launchChromium, reservePort, serve } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { TestIdp } from '../helpers/samlIdp.js';
import { scaled } from '../helpers/machine.js';

describe('SSO sign-in in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof reservePort>>;
  let idpSite: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    site = await reservePort();
    t = await openTestApp({ server: { publicUrl: site.base } });
    site.attach(t.app);

    // A tiny IdP: its sign-in page shows who would sign in, and its button posts a signed response to the ACS.
    const idpApp = express();
    const holder: { idp?: TestIdp } = {};
    idpApp.get('/sso', (req, res) => {
      const request = TestIdp.requestIdOf(`http://idp${req.originalUrl}`);
      const acsUrl = /AssertionConsumerServiceURL="([^"]+)"/.exec(request.xml)?.[1] as string;
      const audience = /<saml:Issuer[^>]*>([^<]+)</.exec(request.xml)?.[1] as string;
      const samlResponse = (holder.idp as TestIdp).response({ acsUrl, audience, nameId: 'ana@acme.test', inResponseTo: request.id });
      res.type('html').send(`<!doctype html><html lang="en"><head><title>Acme IdP</title></head><body><h1>Acme identity provider</h1>
<form method="post" action="${acsUrl}"><input type="hidden" name="SAMLResponse" value="${samlResponse}"><input type="hidden" name="RelayState" value="${request.relayState ?? ''}">
<button type="submit">Continue as ana@acme.test</button></form></body></html>`);
    });
    idpSite = await serve(idpApp);
    const idp = new TestIdp('https://idp.acme.test/entity', `${idpSite.base}/sso`);
    holder.idp = idp;

    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'acme-okta', organizations: ['acme'] });
    await configureSaml(t.deps.ctx, testOperator, 'acme-okta', { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.signingKey.cert], domains: ['acme.test'] });
    await createAccount(t.deps.ctx, testOperator, { directory: 'acme-okta', attributes: { userName: 'ana@acme.test', name: { givenName: 'Ana' }, emails: [{ value: 'ana@acme.test' }] }, memberships: [{ organization: 'acme', role: 'full-access' }] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await idpSite?.close();
    await site?.close();
    await t?.close();
  });

  it('goes from the email on the sign-in page to the IdP and back, signed in', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.base}/sign-in`);
    await page.getByLabel('Email or username').fill('ana@acme.test');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${idpSite.base}/sso?**`);
    expect(await page.locator('h1').textContent()).toBe('Acme identity provider');
    await page.getByRole('button', { name: 'Continue as ana@acme.test' }).click();
    await page.waitForURL(`${site.base}/account`);
    expect(await page.locator('h1').textContent()).toBe('Your account');
    expect(await page.locator('main').textContent()).toContain('Acme (Full Access)');
    expect(await page.getByRole('heading', { name: 'Password' }).count()).toBe(0);
  }, scaled(30_000));
});
