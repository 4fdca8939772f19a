import express from 'express';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAccount } from '../../src/identity/accounts/create.js';
import { grantMembership } from '../../src/identity/accounts/memberships.js';
import { setBrand, setBrandLogo } from '../../src/identity/branding/brands.js';
import { primaryColourProblem } from '../../src/identity/branding/colour.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { DAY, MINUTE } from '../../src/lib/clock.js';
import { activeLocalUser, enrolTotp, totpCode } from '../helpers/accounts.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { axeViolations, launchChromium, onServer, reservePort, tabTo, watchCsp, type AxeViolation } from '../helpers/browser.js';
import { testOperator } from '../helpers/db.js';
import { logoPng } from '../helpers/logoFiles.js';
import { scaled } from '../helpers/machine.js';

interface Brand {
  slug: string;
  name: string;
  colour: string;
}

const RIVER: Brand = { slug: 'river', name: 'River Water', colour: '#0b5cad' };
const LAKE: Brand = { slug: 'lake', name: 'Lake Energy', colour: '#1e6b38' };
const POND: Brand = { slug: 'pond', name: 'Pond Utilities', colour: '#5b2a86' };
const PLATFORM_COLOUR = '#0b5cad';

function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** The lightest grey a brand may have (WCAG AA with white text and on the page background), by the domain's own rule. */
function lightestGreyThatPasses(): { colour: string; lighter: string } {
  const grey = (level: number) => `#${level.toString(16).padStart(2, '0').repeat(3)}`;
  for (let level = 255; level >= 0; level--) {
    if (primaryColourProblem(grey(level)) === null) return { colour: grey(level), lighter: grey(level + 1) };
  }
  throw new Error('no grey passes');
}

/** What a user sees of the brand: the title, the logo (loaded), the primary button's colour. */
async function brandShown(page: Page): Promise<{ title: string; logoAlt: string | null; logoWidth: number; header: string; colour: string }> {
  const logo = page.locator('header.top img.brand-logo');
  const hasLogo = (await logo.count()) > 0;
  return {
    title: (await page.title()).replace(/^.* · /, ''),
    logoAlt: hasLogo ? await logo.getAttribute('alt') : null,
    logoWidth: hasLogo ? await logo.evaluate(async (img: HTMLImageElement) => img.decode().then(() => img.naturalWidth, () => 0)) : 0,
    header: ((await page.locator('header.top .brand').textContent()) ?? '').trim(),
    // The primary button's background, or on a page without one (locked, expired link) the colour of its links.
    colour: await page.locator('body').evaluate((body) => {
      const button = body.querySelector('main button.primary');
      const link = body.querySelector('main a, footer a');
      return button ? getComputedStyle(button).backgroundColor : link ? getComputedStyle(link).color : `no button or link in ${location.pathname}`;
    }),
  };
}

async function expectBrand(page: Page, brand: Brand): Promise<void> {
  expect(await brandShown(page)).toEqual({ title: brand.name, logoAlt: brand.name, logoWidth: 96, header: '', colour: rgb(brand.colour) });
}

describe('branded hosted pages, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof reservePort>>;
  const portals: Record<string, { base: string; close(): Promise<void> }> = {};
  let both: Awaited<ReturnType<typeof activeLocalUser>> & { secret: string };
  let lakeOnly: Awaited<ReturnType<typeof activeLocalUser>>;
  let expiredLink: string;

  /** A TOTP code of the next time step (each code is accepted once). */
  function nextCode(secret: string): string {
    t.deps.clock.advance(31_000);
    return totpCode(secret, t.deps.clock.now());
  }

  /** A tiny portal registered for exactly one organization: a sign-in link, and a callback that greets the user. */
  async function startPortal(brand: Brand): Promise<{ base: string; close(): Promise<void> }> {
    const portal = await reservePort();
    const registered = await createOidcClient(t.deps.ctx, testOperator, { name: `${brand.name} portal`, redirectUris: [`${portal.base}/callback`], firstParty: true, organizations: [brand.slug] });
    const config = await client.discovery(new URL(site.base), registered.clientId, registered.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const pending = new Map<string, string>();
    const app = express();
    app.get('/', (_req, res) => res.type('html').send(`<!doctype html><html lang="en"><title>${brand.name} portal</title><h1>${brand.name} portal</h1><a href="/login">Sign in</a></html>`));
    app.get('/login', async (_req, res) => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      pending.set(state, verifier);
      res.redirect(client.buildAuthorizationUrl(config, { redirect_uri: `${portal.base}/callback`, scope: 'openid profile', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString());
    });
    app.get('/callback', async (req, res) => {
      const state = String(req.query.state);
      const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, portal.base), { pkceCodeVerifier: pending.get(state) as string, expectedState: state });
      res.type('html').send(`<!doctype html><html lang="en"><title>Welcome</title><h1>Welcome to ${brand.name}, ${(tokens.claims() as unknown as { name: string }).name}</h1></html>`);
    });
    portal.attach(app as never);
    return portal;
  }

  async function newTab(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: 'en-GB', ...options });
    return { context, page: await context.newPage() };
  }

  beforeAll(async () => {
    site = await reservePort();
    t = await openTestApp({ server: { publicUrl: site.base }, rateLimit: { signInPerMinute: 10_000 }, lockout: { threshold: 3 } });
    site.attach(t.app);
    const ctx = t.deps.ctx;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water Utility Co.', slug: 'river', support: { text: 'River Water service desk', email: 'help@river.example', phone: '+1 555 010 0199' } });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Lake Energy Ltd', slug: 'lake', support: { email: 'care@lake.example', url: 'https://lake.example/help' } });
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'Pond Utilities', slug: 'pond', policy: { mfaRequired: true }, support: { text: 'Pond help line, every day', phone: '+1 555 010 0777', url: 'https://pond.example/help' } });
    for (const [brand, stripes] of [[RIVER, 2], [LAKE, 3], [POND, 1]] as const) {
      await setBrand(ctx, testOperator, brand.slug, { displayName: brand.name, primaryColor: brand.colour });
      await setBrandLogo(ctx, testOperator, brand.slug, { bytes: logoPng(brand.colour, { stripes }), declaredType: 'image/png' });
    }
    portals.river = await startPortal(RIVER);
    portals.lake = await startPortal(LAKE);

    // Lake invited them first; River gave them a role later. They use an authenticator.
    const person = await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'lake', role: 'viewer' }] });
    t.deps.clock.advance(MINUTE);
    await grantMembership(ctx, testOperator, person.id, { organization: 'river', role: 'viewer' });
    both = { ...person, secret: (await enrolTotp(ctx, person.id)).secret };
    lakeOnly = await activeLocalUser(ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'lake', role: 'viewer' }] });

    // An activation link of Pond's that expires.
    await createAccount(ctx, testOperator, { directory: 'local', attributes: { userName: 'late@pond.example', emails: [{ value: 'late@pond.example' }] }, memberships: [{ organization: 'pond', role: 'viewer' }] });
    await t.deliver();
    expiredLink = onServer(t.mailbox.last('late@pond.example').link as string, site.base);
    t.deps.clock.advance(8 * DAY);
    browser = await launchChromium();
  }, scaled(60_000));

  afterAll(async () => {
    await browser?.close();
    for (const portal of Object.values(portals)) await portal.close();
    await site?.close();
    await t?.close();
  });

  it('shows the same person each portal\'s brand through the whole sign-in: the name, the logo and the colour', async () => {
    for (const brand of [RIVER, LAKE]) {
      const { context, page } = await newTab();
      const violations = await watchCsp(page);
      await page.goto(portals[brand.slug]!.base);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.waitForURL(`${site.base}/sign-in?**`);
      await expectBrand(page, brand);
      await page.getByLabel('Email or username').fill(both.email);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Password', { exact: true }).waitFor();
      await expectBrand(page, brand);
      await page.getByLabel('Password', { exact: true }).fill(both.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL('**/sign-in/totp');
      // Past the password the person is known, but the portal's organization still decides.
      await expectBrand(page, brand);
      expect(await page.locator('footer.site-footer').textContent()).toContain(`Help from ${brand.name}:`);
      await page.getByLabel('Verification code').fill(nextCode(both.secret));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(`${portals[brand.slug]!.base}/callback?**`);
      expect(await page.locator('h1').textContent()).toMatch(new RegExp(`^Welcome to ${brand.name}, `));
      expect(await violations()).toEqual([]);
      await context.close();
    }
  }, scaled(60_000));

  it('shows an unknown address and a known address of another organization the same password page, and the same refusal', async () => {
    const seen: Array<{ brand: unknown; text: string[]; html: string[] }> = [];
    for (const identifier of [lakeOnly.email, 'nobody.known@example.com']) {
      const { context, page } = await newTab();
      await page.goto(portals.river!.base);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Email or username').fill(identifier);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Password', { exact: true }).waitFor();
      const step = { brand: await brandShown(page), text: await page.locator('body').innerText(), html: await page.content() };
      await page.getByLabel('Password', { exact: true }).fill('certainly not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      const refused = { brand: await brandShown(page), text: await page.locator('body').innerText(), html: await page.content() };
      const same = (s: string) => s.replaceAll(identifier, 'ADDRESS').replace(/name="_csrf" value="[^"]*"/g, '').replace(/(interaction(?:\/|%2F))[\w-]+/g, '$1UID');
      seen.push({ brand: [step.brand, refused.brand], text: [step.text, refused.text].map(same), html: [step.html, refused.html].map(same) });
      await context.close();
    }
    expect(seen[0]!.brand).toEqual(seen[1]!.brand);
    expect(seen[0]!.text).toEqual(seen[1]!.text);
    expect(seen[0]!.html).toEqual(seen[1]!.html);
    expect((seen[0]!.brand as Array<{ title: string }>)[0]!.title).toBe(RIVER.name);
    expect(seen[0]!.text[1]).toContain('Contact River Water:');
  }, scaled(60_000));

  it('brands the page a portal\'s ?org= link opens, and shows the platform\'s for an organization that does not exist', async () => {
    const { context, page } = await newTab();
    await page.goto(`${site.base}/sign-in?org=lake`);
    await expectBrand(page, LAKE);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expectBrand(page, LAKE);
    await page.goto(`${site.base}/sign-in?org=no-such-organization`);
    expect(await brandShown(page)).toEqual({ title: 'idbridge', logoAlt: null, logoWidth: 0, header: 'idbridge', colour: rgb(PLATFORM_COLOUR) });
    await context.close();
  }, scaled(30_000));

  it('lets the sign-in be completed with Tab and Enter alone', async () => {
    const { context, page } = await newTab();
    await page.goto(`${site.base}/sign-in?org=river`);
    await page.locator('body').focus();
    expect(await tabTo(page, '#f-identifier')).toBe(true);
    await page.keyboard.type(both.email);
    expect(await tabTo(page, 'button.primary')).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/sign-in');
    await page.getByLabel('Password', { exact: true }).waitFor();
    expect(await tabTo(page, '#f-password')).toBe(true);
    await page.keyboard.type(both.password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/sign-in/totp');
    expect(await tabTo(page, '#f-code')).toBe(true);
    await page.keyboard.type(nextCode(both.secret));
    await page.keyboard.press('Enter');
    await page.waitForURL('**/account');
    // A person in several organizations sees the one the flow was for (the ?org= hint), not the one that invited them.
    await expectBrand(page, RIVER);
    await context.close();
  }, scaled(30_000));

  it('works with JavaScript turned off, brand included', async () => {
    const { context, page } = await newTab({ javaScriptEnabled: false });
    await page.goto(`${site.base}/sign-in?org=lake`);
    await expectBrand(page, LAKE);
    await page.getByLabel('Email or username').fill(lakeOnly.email);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Password', { exact: true }).fill(lakeOnly.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/account');
    await expectBrand(page, LAKE);
    await context.close();
  }, scaled(30_000));

  /**
   * Goes through Pond's pages as someone would, calling `check` on each: sign-in, password, TOTP, locked (after wrong
   * codes), MFA enrolment, reset request, expired link, not found and a failed form (CSRF).
   */
  async function tourPondPages(page: Page, check: (name: string) => Promise<void>): Promise<void> {
    const withTotp = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'pond', role: 'viewer' }] });
    await enrolTotp(t.deps.ctx, withTotp.id);
    const withoutTotp = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'pond', role: 'viewer' }] });
    const signIn = async (user: { email: string; password: string }, pages: boolean) => {
      await page.goto(`${site.base}/sign-in?org=pond`);
      if (pages) await check('sign-in');
      await page.getByLabel('Email or username').fill(user.email);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Password', { exact: true }).waitFor();
      if (pages) await check('password');
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
    };
    await signIn(withTotp, true);
    await page.waitForURL('**/sign-in/totp');
    await check('totp');
    for (let i = 0; i < 3; i++) {
      await page.getByLabel('Verification code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.locator('h1').waitFor();
    }
    expect(await page.locator('h1').textContent()).toBe('Your account is locked');
    await check('locked');
    await page.context().clearCookies();
    await signIn(withoutTotp, false);
    await page.waitForURL('**/sign-in/enrol');
    await check('enrolment');
    await page.context().clearCookies();
    await page.goto(`${site.base}/password/forgot?org=pond`);
    await check('reset request');
    await page.goto(expiredLink);
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
    await check('expired link');
    await page.goto(`${site.base}/sign-in/no-such-step?org=pond`);
    await check('not found');
    await page.goto(`${site.base}/sign-in?org=pond`);
    await page.locator('input[name="_csrf"]').evaluate((input: HTMLInputElement) => (input.value = 'forged'));
    await page.getByLabel('Email or username').fill('someone@pond.example');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('h1').waitFor();
    await check('error');
  }

  it('has no axe-core violation (WCAG 2.0 A/AA, 2.1 AA) on the branded pages with the darkest and the lightest colour a brand may have', async () => {
    const lightest = lightestGreyThatPasses();
    // The lightest is the edge: one step lighter is refused.
    expect(primaryColourProblem(lightest.lighter)).toMatch(/too light/);
    for (const colour of ['#000000', lightest.colour]) {
      await setBrand(t.deps.ctx, testOperator, 'pond', { primaryColor: colour });
      const { context, page } = await newTab({ bypassCSP: true });
      const found: Record<string, AxeViolation[]> = {};
      const visited: string[] = [];
      await tourPondPages(page, async (name) => {
        visited.push(name);
        expect({ name, brand: await brandShown(page).then((b) => [b.title, b.logoAlt, b.colour]) }).toEqual({ name, brand: [POND.name, POND.name, rgb(colour)] });
        const violations = await axeViolations(page);
        if (violations.length) found[`${colour} ${name}`] = violations;
      });
      expect(visited).toEqual(['sign-in', 'password', 'totp', 'locked', 'enrolment', 'reset request', 'expired link', 'not found', 'error']);
      expect(found).toEqual({});
      if (colour !== '#000000') {
        // The check would notice: one step lighter than the lightest allowed fails axe's contrast rule on the same page.
        await page.goto(`${site.base}/sign-in?org=pond`);
        await page.evaluate((lighter) => document.documentElement.style.setProperty('--brand', lighter), lightest.lighter);
        expect((await axeViolations(page)).map((v) => v.id)).toContain('color-contrast');
      }
      await context.close();
    }
    await setBrand(t.deps.ctx, testOperator, 'pond', { primaryColor: POND.colour });
  }, scaled(120_000));

  it('breaks no rule of the Content Security Policy on any of those pages (no inline style, no script from elsewhere)', async () => {
    const { context, page } = await newTab();
    const violations = await watchCsp(page);
    const seen: string[] = [];
    await tourPondPages(page, async (name) => {
      seen.push(...(await violations()).map((v) => `${name}: ${v}`));
    });
    expect(seen).toEqual([]);
    // The watch would notice: inline style, as brand data written into a style attribute would be, is refused.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<p style="color: red">inline</p>'));
    let reported = '';
    for (const until = Date.now() + scaled(5_000); !/style-src/.test(reported) && Date.now() < until; await page.waitForTimeout(100)) reported = (await violations()).join('\n');
    expect(reported).toMatch(/style-src/);
    await context.close();
  }, scaled(60_000));
});
