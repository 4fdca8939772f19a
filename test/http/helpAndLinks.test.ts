import request from 'supertest';
import { resendActivation } from '../../src/identity/accounts/activation.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { lockAccount } from '../../src/identity/accounts/status.js';
import { sendExpiryReminders } from '../../src/identity/credentials/expiryReminders.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { DAY, HOUR } from '../../src/lib/clock.js';
import { activeLocalUser, enrolTotp, GOOD_PASSWORD, OTHER_PASSWORD, totpCode } from '../helpers/accounts.js';
import { platformAdmin } from '../helpers/admins.js';
import { csrfOf, openTestApp, submitForm, textOf, type Agent, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';

const RIVER_SUPPORT = { text: 'River Water IT service desk, weekdays 8:00 to 18:00', email: 'help@river.example', phone: '+1 555 010 0199', url: 'https://help.river.example/sign-in' };
const GENERIC = "If you still cannot sign in, contact your organization's administrator.";

const pathOf = (link: string | undefined) => {
  const url = new URL(link as string);
  return `${url.pathname}${url.search}`;
};

async function signIn(agent: Agent, identifier: string, password: string, org?: string) {
  const page = await agent.get(org ? `/sign-in?org=${org}` : '/sign-in');
  const next = await agent.post('/sign-in').type('form').send({ _csrf: csrfOf(page.text), identifier, ...(org ? { org } : {}) });
  return agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(next.text), identifier, password, ...(org ? { org } : {}) });
}

describe('hosted pages that cannot go on, and whom they say to ask', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river', support: RIVER_SUPPORT });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
  });
  afterAll(() => t.close());

  async function newUser(email: string, organization = 'river', role = 'viewer') {
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName: 'Lucía', familyName: 'Fernández' }, emails: [{ value: email }] }, memberships: [{ organization, role }] });
    await t.deliver();
    return user;
  }

  describe('an activation link replaced by "Resend activation"', () => {
    it('says a newer email replaced it, with the organization\'s support contact, and the newest link works', async () => {
      const user = await newUser('replaced.activation@river.example');
      const first = pathOf(t.mailbox.last('replaced.activation@river.example').link);
      await resendActivation(t.deps.ctx, testOperator, user.id);
      await t.deliver();
      const second = pathOf(t.mailbox.last('replaced.activation@river.example').link);
      const page = await t.agent().get(first);
      expect(page.status).toBe(410);
      const text = textOf(page.text);
      expect(text).toContain('A newer email replaced this link');
      expect(text).toContain('only the link in the newest email works');
      expect(text).not.toContain('already been used');
      expect(text).not.toContain('may already be active');
      expect(text).toContain('Contact River Water:');
      expect(text).toContain(RIVER_SUPPORT.text);
      expect(page.text).toContain('href="mailto:help@river.example"');
      expect(page.text).toContain('href="tel:+15550100199"');
      expect(page.text).toContain('href="https://help.river.example/sign-in"');
      expect((await t.agent().get(second)).status).toBe(200);
    });

    it('still says "already used" for a link that activated the account', async () => {
      await newUser('used.activation@river.example');
      const link = pathOf(t.mailbox.last('used.activation@river.example').link);
      const agent = t.agent();
      await submitForm(agent, link, { language: 'en', password: GOOD_PASSWORD, confirm: GOOD_PASSWORD }, '/activate');
      const page = await t.agent().get(link);
      expect(page.status).toBe(410);
      expect(textOf(page.text)).toContain('This link has already been used');
      expect(textOf(page.text)).toContain('Contact River Water:');
    });

    it('says it in Spanish too', async () => {
      const user = await newUser('replaced.es@river.example');
      const first = pathOf(t.mailbox.last('replaced.es@river.example').link);
      await resendActivation(t.deps.ctx, testOperator, user.id);
      const page = await t.agent().get(first).set('Accept-Language', 'es');
      expect(textOf(page.text)).toContain('Un correo más reciente sustituyó este enlace');
      expect(textOf(page.text)).toContain('Contacte con River Water:');
    });
  });

  describe('a password reset link replaced by a newer one', () => {
    it('says a newer email replaced it and offers a new link; the newest works', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      await submitForm(t.agent(), '/password/forgot', { email: user.email });
      await t.deliver();
      const first = pathOf(t.mailbox.last(user.email).link);
      await submitForm(t.agent(), '/password/forgot', { email: user.email });
      await t.deliver();
      const second = pathOf(t.mailbox.last(user.email).link);
      const page = await t.agent().get(first);
      expect(page.status).toBe(410);
      expect(textOf(page.text)).toContain('A newer email replaced this link');
      expect(page.text).toContain('href="/password/forgot"');
      const done = await submitForm(t.agent(), second, { password: OTHER_PASSWORD, confirm: OTHER_PASSWORD });
      expect(done.headers.location).toBe('/sign-in?notice=password_reset');
    });
  });

  describe('expired and invalid links', () => {
    it('names the organization\'s support contact on an expired link, and generic advice on a link that matches nothing', async () => {
      await newUser('late@river.example');
      const link = pathOf(t.mailbox.last('late@river.example').link);
      t.deps.clock.advance(7 * DAY + 1000);
      const expired = await t.agent().get(link);
      expect(expired.status).toBe(410);
      expect(textOf(expired.text)).toContain('This link has expired');
      expect(textOf(expired.text)).toContain(RIVER_SUPPORT.email);
      const invalid = await t.agent().get('/password/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
      expect(invalid.status).toBe(404);
      expect(textOf(invalid.text)).toContain(GENERIC);
      expect(textOf(invalid.text)).not.toContain('River Water');
    });

    it('tells an organization without a contact to ask its administrator by name', async () => {
      await newUser('late@acme.example', 'acme', 'standard-user');
      const link = pathOf(t.mailbox.last('late@acme.example').link);
      t.deps.clock.advance(7 * DAY + 1000);
      const expired = await t.agent().get(link);
      expect(textOf(expired.text)).toContain('If you still cannot sign in, contact your administrator at Acme.');
    });
  });

  describe('locked accounts', () => {
    it('says a reset link cannot unlock an account an administrator locked, with whom to ask', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      await submitForm(t.agent(), '/password/forgot', { email: user.email });
      await t.deliver();
      await lockAccount(t.deps.ctx, testOperator, user.id);
      const page = await t.agent().get(pathOf(t.mailbox.last(user.email).link));
      expect(page.status).toBe(403);
      expect(textOf(page.text)).toContain('Your account is locked');
      expect(textOf(page.text)).toContain('a new password does not unlock it');
      expect(textOf(page.text)).toContain(RIVER_SUPPORT.phone);
    });

    it('shows the locked-account page with the support contact when codes lock the account after the password', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      await enrolTotp(t.deps.ctx, user.id);
      const agent = t.agent();
      expect((await signIn(agent, user.email, user.password)).headers.location).toBe('/sign-in/totp');
      let answer;
      for (let i = 0; i < 5; i++) {
        const page = await agent.get('/sign-in/totp');
        answer = await agent.post('/sign-in/totp').type('form').send({ _csrf: csrfOf(page.text), code: '000000' });
      }
      expect(answer!.status).toBe(403);
      const text = textOf(answer!.text);
      expect(text).toContain('Your account is locked');
      expect(text).toContain('It unlocks by itself after 30 minutes');
      expect(text).toContain('Contact River Water:');
      expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('AUTO_LOCKED');
      expect((await agent.get('/sign-in/totp')).headers.location).toBe('/sign-in?notice=session_expired');
    });
  });

  describe('a failed sign-in', () => {
    it('reads the same for a locked, an unknown and a wrong password, with generic advice', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      const locked = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
      await lockAccount(t.deps.ctx, testOperator, locked.id);
      const answers = await Promise.all([signIn(t.agent(), user.email, 'not the password at all'), signIn(t.agent(), 'nobody@river.example', 'x'), signIn(t.agent(), locked.email, locked.password)]);
      const bodies = answers.map((a, i) => textOf(a.text).replace([user.email, 'nobody@river.example', locked.email][i] as string, 'X'));
      expect(new Set(bodies).size).toBe(1);
      expect(bodies[0]).toContain(GENERIC);
      expect(bodies[0]).not.toContain('River Water');
    });

    it('names the contact of the organization the page was opened for (?org=), whatever the account', async () => {
      const unknown = await signIn(t.agent(), 'nobody@river.example', 'x', 'river');
      const known = await signIn(t.agent(), (await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver)).email, 'x', 'river');
      for (const answer of [unknown, known]) {
        expect(answer.status).toBe(401);
        expect(textOf(answer.text)).toContain('Contact River Water:');
        expect(textOf(answer.text)).toContain(RIVER_SUPPORT.url);
      }
      const nowhere = await signIn(t.agent(), 'nobody@river.example', 'x', 'no-such-org');
      expect(textOf(nowhere.text)).toContain(GENERIC);
    });
  });

  describe('the password expiry reminder', () => {
    it('carries a single-use reset link with the organization\'s reset lifetime, and the link resets the password', async () => {
      await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Quarterly Co', slug: 'quarterly', policy: { passwordMaxAgeDays: 90, passwordResetTtlHours: 72 } });
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'quarterly', role: 'standard-user' }] });
      t.deps.clock.advance(61 * DAY);
      expect(await sendExpiryReminders(t.deps.ctx)).toBeGreaterThanOrEqual(1);
      await t.deliver();
      const mail = t.mailbox.last(user.email);
      expect(mail.subject).toBe('Your Customer Portal password expires in 29 days');
      expect(mail.text).toContain('The link works once, for 3 days');
      expect(mail.text).toContain('Sent on behalf of Quarterly Co by Customer Portal.');
      expect(mail.link).toMatch(/\/password\/reset\?token=/);
      expect(mail.text).not.toContain('/account');
      const link = pathOf(mail.link);
      const agent = t.agent();
      expect((await agent.get(link)).status).toBe(200);
      const done = await submitForm(agent, link, { password: OTHER_PASSWORD, confirm: OTHER_PASSWORD });
      expect(done.headers.location).toBe('/sign-in?notice=password_reset');
      expect((await signIn(t.agent(), user.email, OTHER_PASSWORD)).status).toBe(303);
      const used = await t.agent().get(link);
      expect(textOf(used.text)).toContain('This link has already been used');
      // A new password clears the reminder: no second one for it.
      expect(await sendExpiryReminders(t.deps.ctx)).toBe(0);
    });

    it('expires its link after the reset lifetime', async () => {
      await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Short Links', slug: 'short-links', policy: { passwordMaxAgeDays: 90 } });
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'short-links', role: 'standard-user' }] });
      t.deps.clock.advance(61 * DAY);
      await sendExpiryReminders(t.deps.ctx);
      await t.deliver();
      const mail = t.mailbox.last(user.email);
      expect(mail.text).toContain('The link works once, for 6 hours');
      t.deps.clock.advance(6 * HOUR + 1000);
      expect((await t.agent().get(pathOf(mail.link))).status).toBe(410);
    });
  });

  describe('emails', () => {
    it('name the organization that invited the user and the product, in days, signed by them', async () => {
      await newUser('invited@river.example');
      const mail = t.mailbox.last('invited@river.example');
      expect(mail.subject).toBe('River Water has set up your Customer Portal account');
      expect(mail.text).toContain('River Water has created a Customer Portal account for you.');
      expect(mail.text).toContain('within 7 days');
      expect(mail.text).not.toContain('hours');
      expect(mail.text).toContain('Sent on behalf of River Water by Customer Portal.');
      expect(mail.text).toContain(`Need help? Contact River Water: ${RIVER_SUPPORT.text} · ${RIVER_SUPPORT.email} · ${RIVER_SUPPORT.phone} · ${RIVER_SUPPORT.url}`);
      expect(mail.text).not.toContain('idbridge');
      expect(mail.html).not.toContain('idbridge');
    });

    it('speak Spanish to a Spanish reader', async () => {
      await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'jose@river.example', name: { givenName: 'José', familyName: 'Núñez' }, emails: [{ value: 'jose@river.example' }], preferredLanguage: 'es' }, memberships: [{ organization: 'river', role: 'viewer' }] });
      await t.deliver();
      const mail = t.mailbox.last('jose@river.example');
      expect(mail.subject).toBe('River Water ha creado su cuenta de Customer Portal');
      expect(mail.text).toContain('en un plazo de 7 días');
      expect(mail.text).toContain('Enviado en nombre de River Water por Customer Portal.');
    });
  });
});

describe('the product name and the support contact, configured', () => {
  let t: TestApp;
  let root: Awaited<ReturnType<typeof platformAdmin>>;
  const API = '/api/admin/v1';
  beforeAll(async () => {
    t = await openTestApp({ mail: { productName: 'Utility Bill Management' } });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    root = await platformAdmin(t.deps.ctx);
  });
  afterAll(() => t.close());

  it('uses MAIL_PRODUCT_NAME in emails', async () => {
    await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'sam@acme.example', name: { givenName: 'Sam', familyName: 'Lee' }, emails: [{ value: 'sam@acme.example' }] }, memberships: [{ organization: 'acme', role: 'standard-user' }] });
    await t.deliver();
    expect(t.mailbox.last('sam@acme.example').subject).toBe('Acme has set up your Utility Bill Management account');
  });

  it('sets, validates and clears the support contact through PATCH /organizations/{slug}', async () => {
    const patch = (body: object) => request(t.app).patch(`${API}/organizations/acme`).set('Authorization', `Bearer ${root.token}`).send(body);
    const set = await patch({ support: { text: 'Acme help desk', email: 'help@acme.example', phone: '(555) 010-0199 ext. 12', url: 'https://acme.example/help' } });
    expect(set.status).toBe(200);
    expect(set.body.support).toEqual({ text: 'Acme help desk', email: 'help@acme.example', phone: '(555) 010-0199 ext. 12', url: 'https://acme.example/help' });
    for (const [support, field] of [
      [{ email: 'not an address' }, 'support.email'],
      [{ url: 'javascript:alert(1)' }, 'support.url'],
      [{ url: 'ftp://acme.example' }, 'support.url'],
      [{ phone: 'call me maybe' }, 'support.phone'],
      [{ text: 'x'.repeat(301) }, 'support.text'],
      [{ fax: '555' }, 'support'],
    ] as const) {
      const refused = await patch({ support });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'organization.invalid', field });
    }
    const partly = await patch({ support: { email: 'desk@acme.example', phone: '' } });
    expect(partly.body.support).toEqual({ email: 'desk@acme.example' });
    expect((await patch({ support: null })).body.support).toEqual({});
  });

  it('lets a platform administrator set it on the console\'s organizations page', async () => {
    const { secret } = await enrolTotp(t.deps.ctx, root.id);
    const agent = t.agent();
    const signInPage = await agent.get('/sign-in');
    const password = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(signInPage.text), identifier: root.email, password: GOOD_PASSWORD });
    expect(password.headers.location).toBe('/sign-in/totp');
    t.deps.clock.advance(30_000);
    const totp = await agent.get('/sign-in/totp');
    expect((await agent.post('/sign-in/totp').type('form').send({ _csrf: csrfOf(totp.text), code: totpCode(secret, t.deps.clock.now()) })).status).toBe(303);
    const page = await agent.get('/admin/organizations');
    expect(textOf(page.text)).toContain('Support contact');
    const saved = await agent.post('/admin/organizations/acme/support').type('form').send({ _csrf: csrfOf(page.text), text: 'Acme desk', email: 'desk@acme.example', phone: '', url: '' });
    expect(saved.headers.location).toBe('/admin/organizations');
    const after = await agent.get('/admin/organizations');
    expect(textOf(after.text)).toContain('The support contact of Acme has been saved.');
    expect(textOf(after.text)).toContain('Acme desk · desk@acme.example');
    const refused = await agent.post('/admin/organizations/acme/support').type('form').send({ _csrf: csrfOf(after.text), email: 'not an address' });
    expect(refused.headers.location).toBe('/admin/organizations');
    expect(textOf((await agent.get('/admin/organizations')).text)).toContain('support.email: must be an email address');
  });
});
