import { createHash } from 'node:crypto';
import { grantMembership } from '../../src/identity/accounts/memberships.js';
import { removeBrandLogo, setBrand, setBrandLogo } from '../../src/identity/branding/brands.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { configureSaml } from '../../src/identity/saml/settings.js';
import { MINUTE } from '../../src/lib/clock.js';
import { activeLocalUser, enrolTotp } from '../helpers/accounts.js';
import { csrfOf, openTestApp, submitForm, textOf, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { logoPng } from '../helpers/logoFiles.js';
import { TestIdp } from '../helpers/samlIdp.js';

const RIVER = { displayName: 'River Water', primaryColor: '#1d4f91' };
const RIVER_SUPPORT = { text: 'River Water service desk', email: 'help@river.example', phone: '+1 555 010 0199', url: 'https://help.river.example/' };

/** The address of the logo and of the brand stylesheet a page links to. */
function assetsOf(page: string): { logo?: string; theme?: string; stylesheets: string[] } {
  const stylesheets = [...page.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1] as string);
  return { logo: /<img class="brand-logo" src="([^"]+)"/.exec(page)?.[1], theme: stylesheets.find((href) => href.startsWith('/brand/')), stylesheets };
}

function titleOf(page: string): string | undefined {
  return /<title>([^<]*)<\/title>/.exec(page)?.[1];
}

describe('the brand files and the branded pages, over HTTP', () => {
  let t: TestApp;
  const logo = logoPng('#0b5cad');

  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water Utility', slug: 'river', support: RIVER_SUPPORT });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'Lake Energy', slug: 'lake' });
    await setBrand(t.deps.ctx, testOperator, 'river', RIVER);
    await setBrandLogo(t.deps.ctx, testOperator, 'river', { bytes: logo, declaredType: 'image/png' });
  });
  afterAll(() => t.close());

  describe('GET /brand/<slug>/logo-<hash>.<ext>', () => {
    it('serves the logo the page shows, with its type, a year-long immutable cache, nosniff and a CSP that allows nothing', async () => {
      const page = await t.agent().get('/sign-in?org=river');
      const { logo: path } = assetsOf(page.text);
      expect(path).toBe(`/brand/river/logo-${createHash('sha256').update(logo).digest('hex').slice(0, 16)}.png`);
      expect(page.text).toContain(`<img class="brand-logo" src="${path}" width="96" height="96" alt="River Water">`);
      const image = await t.agent().get(path as string).buffer(true);
      expect(image.status).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(image.headers['x-content-type-options']).toBe('nosniff');
      expect(image.headers['content-security-policy']).toMatch(/^default-src 'none'/);
      expect(image.headers['set-cookie']).toBeUndefined();
      expect(Buffer.compare(image.body as Buffer, logo)).toBe(0);
    });

    it('answers 404 for another hash, another extension, an unknown organization, or an organization without a logo', async () => {
      const hash = createHash('sha256').update(logo).digest('hex').slice(0, 16);
      for (const path of [
        `/brand/river/logo-${'0'.repeat(16)}.png`,
        `/brand/river/logo-${hash}.jpg`,
        `/brand/river/logo-${hash.toUpperCase()}.png`,
        `/brand/river/logo-${hash}.svg`,
        `/brand/nowhere/logo-${hash}.png`,
        `/brand/lake/logo-${hash}.png`,
        `/brand/River/logo-${hash}.png`,
      ]) {
        const answer = await t.agent().get(path);
        expect({ path, status: answer.status }).toEqual({ path, status: 404 });
        expect(answer.headers['content-type']).not.toMatch(/^image\//);
      }
    });

    it('gives a new logo a new address, and the old one no longer answers; without a logo the page shows the name', async () => {
      await setBrandLogo(t.deps.ctx, testOperator, 'lake', { bytes: logoPng('#1e6b38', { stripes: 3 }), declaredType: 'image/png' });
      const before = assetsOf((await t.agent().get('/sign-in?org=lake')).text).logo as string;
      await setBrandLogo(t.deps.ctx, testOperator, 'lake', { bytes: logoPng('#1e6b38', { stripes: 4 }), declaredType: 'image/png' });
      const after = assetsOf((await t.agent().get('/sign-in?org=lake')).text).logo as string;
      expect(after).not.toBe(before);
      expect((await t.agent().get(before)).status).toBe(404);
      expect((await t.agent().get(after)).status).toBe(200);
      await removeBrandLogo(t.deps.ctx, testOperator, 'lake');
      const page = await t.agent().get('/sign-in?org=lake');
      expect(page.text).not.toContain('<img class="brand-logo"');
      expect(page.text).toContain('<span class="brand">Lake Energy</span>');
      expect((await t.agent().get(after)).status).toBe(404);
    });
  });

  describe('GET /brand/<key>/theme-<hash>.css', () => {
    it('links a stylesheet of the brand\'s colours after site.css, and serves it with a long cache', async () => {
      const page = await t.agent().get('/sign-in?org=river');
      const { stylesheets, theme } = assetsOf(page.text);
      expect(stylesheets).toEqual(['/assets/site.css', theme]);
      expect(theme).toMatch(/^\/brand\/river\/theme-[0-9a-f]{16}\.css$/);
      const css = await t.agent().get(theme as string);
      expect(css.status).toBe(200);
      expect(css.headers['content-type']).toMatch(/^text\/css/);
      expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(css.text.trim()).toBe(':root{--brand:#1d4f91;--brand-dark:#173f74}');
      expect(theme).toBe(`/brand/river/theme-${createHash('sha256').update(css.text).digest('hex').slice(0, 16)}.css`);
    });

    it('moves to a new address when the colour changes; the old one answers 404', async () => {
      const before = assetsOf((await t.agent().get('/sign-in?org=river')).text).theme as string;
      await setBrand(t.deps.ctx, testOperator, 'river', { primaryColor: '#7a1f5c' });
      const after = assetsOf((await t.agent().get('/sign-in?org=river')).text).theme as string;
      expect(after).not.toBe(before);
      expect((await t.agent().get(before)).status).toBe(404);
      expect((await t.agent().get(after)).text).toContain('--brand:#7a1f5c;');
      await setBrand(t.deps.ctx, testOperator, 'river', { primaryColor: RIVER.primaryColor });
    });

    it('gives the platform\'s pages the configured colour, and answers 404 for unknown brands and hashes', async () => {
      // River's colour is its own: the platform's stylesheet is not River's.
      const { theme } = assetsOf((await t.agent().get('/sign-in')).text);
      expect(theme).toMatch(/^\/brand\/platform\/theme-[0-9a-f]{16}\.css$/);
      expect((await t.agent().get(theme as string)).text).toContain('--brand:#0b5cad;');
      for (const path of ['/brand/platform/theme-0000000000000000.css', '/brand/nowhere/theme-0000000000000000.css', (theme as string).replace('/platform/', '/river/'), '/brand/river/theme-x.css']) {
        expect({ path, status: (await t.agent().get(path)).status }).toEqual({ path, status: 404 });
      }
    });
  });

  describe('brand text on the pages', () => {
    it('is escaped in the title, the header, the logo\'s text alternative and the support contact', async () => {
      await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Evil', slug: 'evil', support: { text: '<b onmouseover="x()">desk</b>', url: 'https://help.evil.example/?a=1&b="2"' } });
      await setBrand(t.deps.ctx, testOperator, 'evil', { displayName: '<script>alert(1)</script> & "Co"' });
      const page = await t.agent().get('/sign-in?org=evil');
      expect(page.text).not.toContain('<script>');
      expect(page.text).not.toContain('<b onmouseover');
      expect(titleOf(page.text)).toBe('Sign in · &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
      expect(page.text).toContain('<span class="brand">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</span>');
      expect(page.text).toContain('&lt;b onmouseover=&quot;x()&quot;&gt;desk&lt;/b&gt;');
      expect(page.text).toContain('href="https://help.evil.example/?a=1&amp;b=&quot;2&quot;"');
      await setBrandLogo(t.deps.ctx, testOperator, 'evil', { bytes: logoPng('#7a1f5c'), declaredType: 'image/png' });
      const withLogo = await t.agent().get('/sign-in?org=evil');
      expect(withLogo.text).toContain('alt="&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;"');
    });

    it('names the brand in the title and says whom to ask under every page of an organization with a contact', async () => {
      const page = await t.agent().get('/password/forgot?org=river');
      expect(titleOf(page.text)).toBe('Reset your password · River Water');
      const footer = /<footer class="site-footer">([\s\S]*?)<\/footer>/.exec(page.text)?.[1] ?? '';
      expect(textOf(footer)).toContain('Help from River Water: River Water service desk');
      expect(footer).toContain('href="mailto:help@river.example"');
      // The platform's pages have none (the pages that cannot go on give the generic advice themselves).
      expect((await t.agent().get('/sign-in')).text).not.toContain('<footer');
      expect(titleOf((await t.agent().get('/sign-in')).text)).toBe('Sign in · idbridge');
    });
  });

  describe('the brand of a page comes from the flow, never from a typed address', () => {
    it('gives the password step and a failed password the same page for an unknown address and for a known one of another organization', async () => {
      const lakeUser = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'lake', role: 'viewer' }] });
      const unknown = 'nobody.at.all@example.com';
      const pages: string[][] = [];
      for (const identifier of [lakeUser.email, unknown]) {
        const agent = t.agent();
        const step = await submitForm(agent, '/sign-in?org=river', { identifier }, '/sign-in');
        const failed = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(step.text), identifier, password: 'not the password', org: 'river' });
        expect(failed.status).toBe(401);
        pages.push([step.text, failed.text].map((html) => html.replaceAll(identifier, 'ADDRESS').replace(/name="_csrf" value="[^"]*"/g, '')));
      }
      expect(pages[0]).toEqual(pages[1]);
      expect(titleOf(pages[0]![1]!)).toBe('Sign in · River Water');
      expect(textOf(pages[0]![1]!)).toContain('Contact River Water:');
    });

    it('shows the person\'s organization once past the password (TOTP step), and the hinted one when they belong to several', async () => {
      // Lake invited them first; River gave them a role later.
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'lake', role: 'viewer' }] });
      t.deps.clock.advance(MINUTE);
      await grantMembership(t.deps.ctx, testOperator, user.id, { organization: 'river', role: 'viewer' });
      await enrolTotp(t.deps.ctx, user.id);
      for (const [hint, brand] of [[undefined, 'Lake Energy'], ['river', 'River Water']] as const) {
        const agent = t.agent();
        const step = await submitForm(agent, hint ? `/sign-in?org=${hint}` : '/sign-in', { identifier: user.email }, '/sign-in');
        const password = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(step.text), identifier: user.email, password: user.password, ...(hint ? { org: hint } : {}) });
        expect(password.headers.location).toBe('/sign-in/totp');
        expect(titleOf((await agent.get('/sign-in/totp')).text)).toBe(`Two-step verification · ${brand}`);
      }
    });
  });

  describe('pages of links sent to a person, of a SAML directory and of a portal', () => {
    it('shows an activation link\'s and a reset link\'s page in the brand of the person they were sent to', async () => {
      await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'new@river.example', emails: [{ value: 'new@river.example' }] }, memberships: [{ organization: 'river', role: 'viewer' }] });
      await t.deliver();
      const activation = new URL(t.mailbox.last('new@river.example').link as string);
      const page = await t.agent().get(`${activation.pathname}${activation.search}`);
      expect(page.status).toBe(200);
      expect(titleOf(page.text)).toBe('Activate your account · River Water');
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      await submitForm(t.agent(), '/password/forgot', { email: user.email });
      await t.deliver();
      const reset = new URL(t.mailbox.last(user.email).link as string);
      expect(titleOf((await t.agent().get(`${reset.pathname}${reset.search}`)).text)).toMatch(/ · River Water$/);
      // The request itself never shows the brand of the address typed.
      const asked = await submitForm(t.agent(), '/password/forgot', { email: user.email });
      expect(titleOf(asked.text)).toMatch(/ · idbridge$/);
    });

    it('shows a refused SAML sign-in in the brand of the directory\'s organization', async () => {
      const idp = new TestIdp();
      await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'river-okta', organizations: ['river'] });
      await configureSaml(t.deps.ctx, testOperator, 'river-okta', { entityId: idp.entityId, ssoUrl: idp.ssoUrl, certificates: [idp.signingKey.cert], domains: ['staff.river.example'] });
      const refused = await t.agent().post('/saml/river-okta/acs').type('form').send({ SAMLResponse: Buffer.from('<not-saml/>').toString('base64') });
      expect(refused.status).toBe(400);
      expect(titleOf(refused.text)).toMatch(/ · River Water$/);
      const unknown = await t.agent().post('/saml/nowhere/acs').type('form').send({ SAMLResponse: 'x' });
      expect(titleOf(unknown.text)).toMatch(/ · idbridge$/);
    });

    it('shows the portal\'s brand on the "signed out" page of a portal registered for one organization', async () => {
      const riverPortal = await createOidcClient(t.deps.ctx, testOperator, { name: 'River portal', redirectUris: ['https://portal.river.example/callback'], firstParty: true, organizations: ['river'] });
      const everyone = await createOidcClient(t.deps.ctx, testOperator, { name: 'Shared portal', redirectUris: ['https://portal.example/callback'], firstParty: true });
      const river = await t.agent().get(`/oidc/session/end/success?client_id=${riverPortal.clientId}`);
      expect(titleOf(river.text)).toMatch(/ · River Water$/);
      expect(assetsOf(river.text).logo).toMatch(/^\/brand\/river\/logo-/);
      const shared = await t.agent().get(`/oidc/session/end/success?client_id=${everyone.clientId}`);
      expect(titleOf(shared.text)).toMatch(/ · idbridge$/);
    });
  });

  describe('the Content Security Policy', () => {
    it('is the same strict policy on every page, branded or not, and no page carries inline style', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      const agent = t.agent();
      const step = await submitForm(agent, '/sign-in?org=river', { identifier: user.email }, '/sign-in');
      const answers = [
        await t.agent().get('/sign-in'),
        await t.agent().get('/sign-in?org=river'),
        step,
        await t.agent().get('/password/forgot?org=river'),
        await t.agent().get('/password/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
        await t.agent().get('/activate?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
        await t.agent().get('/sign-in/no-such-page?org=river'),
        await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(step.text), identifier: user.email, password: user.password, org: 'river' }).then(() => agent.get('/account')),
      ];
      const policies = new Set(answers.map((answer) => answer.headers['content-security-policy']));
      expect(policies.size).toBe(1);
      const [policy] = [...policies] as string[];
      expect(policy).toContain("style-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("img-src 'self' data:");
      expect(policy).not.toContain('unsafe-inline');
      for (const answer of answers) {
        expect(answer.headers['content-type']).toMatch(/^text\/html/);
        expect(answer.text).not.toMatch(/<style|\sstyle=/i);
      }
      expect(titleOf(answers[7]!.text)).toBe('Your account · River Water');
    });
  });
});
