import { sendPasswordReset } from '../../src/identity/accounts/credentials.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { HOUR } from '../../src/lib/clock.js';
import { csrfOf, openTestApp, submitForm, textOf, type Agent, type TestApp } from '../helpers/app.js';
import { activeLocalUser, GOOD_PASSWORD, OTHER_PASSWORD } from '../helpers/accounts.js';
import { testOperator } from '../helpers/db.js';

async function signIn(agent: Agent, identifier: string, password: string) {
  const page = await agent.get('/sign-in');
  return agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier, password });
}

describe('forgot password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Long Links', slug: 'long-links', policy: { passwordResetTtlHours: 48 } });
  });
  afterAll(() => t.close());

  it('answers any address with the same page, and emails a link only to a real account', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const started = Date.now();
    const unknown = await submitForm(t.agent(), '/password/forgot', { email: 'nobody@example.com' });
    const unknownMs = Date.now() - started;
    const known = await submitForm(t.agent(), '/password/forgot', { email: user.email.toUpperCase() });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(textOf(unknown.text)).toBe(textOf(known.text));
    expect(unknownMs).toBeGreaterThanOrEqual(400);
    await t.deliver();
    expect(t.mailbox.to('nobody@example.com')).toHaveLength(0);
    const mail = t.mailbox.last(user.email);
    expect(mail.subject).toBe('Reset your Customer Portal password');
    expect(mail.text).toContain('valid for 6 hours');
    expect(mail.html).toContain('Reset password');
  });

  it('does not change the account when the reset is only asked for', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    await submitForm(t.agent(), '/password/forgot', { email: user.email });
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(303);
  });

  it('opens the link without using it, sets the new password on submit, ends sessions, confirms by email, and sends the user to sign in', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const otherDevice = t.agent();
    expect((await signIn(otherDevice, user.email, user.password)).status).toBe(303);
    await submitForm(t.agent(), '/password/forgot', { email: user.email });
    await t.deliver();
    const link = new URL(t.mailbox.last(user.email).link as string);
    const path = `${link.pathname}${link.search}`;
    const agent = t.agent();
    expect((await agent.get(path)).status).toBe(200);
    expect((await agent.get(path)).status).toBe(200); // a mail scanner opening the link used nothing
    const mismatch = await submitForm(agent, path, { password: OTHER_PASSWORD, confirm: `${OTHER_PASSWORD}!` });
    expect(textOf(mismatch.text)).toContain('The two passwords do not match');
    const weak = await submitForm(agent, path, { password: 'password1', confirm: 'password1' });
    expect(weak.status).toBe(400);
    expect(textOf(weak.text)).toContain('This password is easy to guess');
    const done = await submitForm(agent, path, { password: OTHER_PASSWORD, confirm: OTHER_PASSWORD });
    expect(done.headers.location).toBe('/sign-in?notice=password_reset');
    expect((await agent.get('/account')).status).toBe(303); // no automatic sign-in
    expect((await otherDevice.get('/account')).status).toBe(303); // other sessions ended
    await t.deliver();
    expect(t.mailbox.last(user.email).subject).toBe('Your Customer Portal password has been changed');
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(401);
    expect((await signIn(t.agent(), user.email, OTHER_PASSWORD)).status).toBe(303);
    const used = await agent.get(path);
    expect(used.status).toBe(410);
    expect(textOf(used.text)).toContain('This link has already been used');
  });

  it('unlocks an account locked by failed sign-ins', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    for (let i = 0; i < 5; i++) await signIn(t.agent(), user.email, `wrong ${i}`);
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('AUTO_LOCKED');
    await submitForm(t.agent(), '/password/forgot', { email: user.email });
    await t.deliver();
    const link = new URL(t.mailbox.last(user.email).link as string);
    await submitForm(t.agent(), `${link.pathname}${link.search}`, { password: OTHER_PASSWORD, confirm: OTHER_PASSWORD });
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
    expect((await signIn(t.agent(), user.email, OTHER_PASSWORD)).status).toBe(303);
  });

  it('expires the link after 6 hours, or after the organization\'s 48 hours', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const longUser = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'long-links', role: 'standard-user' }] });
    for (const email of [user.email, longUser.email]) await submitForm(t.agent(), '/password/forgot', { email });
    await t.deliver();
    expect(t.mailbox.last(longUser.email).text).toContain('valid for 2 days');
    t.deps.clock.advance(6 * HOUR + 1000);
    const expired = await t.agent().get(new URL(t.mailbox.last(user.email).link as string).pathname + new URL(t.mailbox.last(user.email).link as string).search);
    expect(expired.status).toBe(410);
    expect(textOf(expired.text)).toContain('This link has expired');
    const link = new URL(t.mailbox.last(longUser.email).link as string);
    expect((await t.agent().get(`${link.pathname}${link.search}`)).status).toBe(200);
  });

  it('refuses a tampered link', async () => {
    const response = await t.agent().get('/password/reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(response.status).toBe(404);
    expect(textOf(response.text)).toContain('This link does not work');
  });

  it('lets an administrator clear the password: the user is RECOVERY, cannot sign in, and is emailed a link', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const session = t.agent();
    await signIn(session, user.email, user.password);
    await sendPasswordReset(t.deps.ctx, testOperator, user.id);
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('RECOVERY');
    expect((await session.get('/account')).status).toBe(303);
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(401);
    await t.deliver();
    const mail = t.mailbox.last(user.email);
    expect(mail.subject).toBe('Your administrator has reset your Customer Portal password');
    const link = new URL(mail.link as string);
    await submitForm(t.agent(), `${link.pathname}${link.search}`, { password: OTHER_PASSWORD, confirm: OTHER_PASSWORD });
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
  });
});

describe('activation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river', policy: { mfaRequired: true } });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
  });
  afterAll(() => t.close());

  async function newUser(email: string, organizations = [{ organization: 'acme', role: 'standard-user' }]) {
    const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, name: { givenName: 'Lucía', familyName: 'Gómez' }, emails: [{ value: email }] }, memberships: organizations });
    await t.deliver();
    return user;
  }

  it('emails a get-started link that opens a form, and activation sets the language and the password', async () => {
    const user = await newUser('lucia@example.com');
    expect(user.status).toBe('PROVISIONED');
    const mail = t.mailbox.last('lucia@example.com');
    expect(mail.subject).toBe('Acme has set up your Customer Portal account');
    expect(mail.text).toContain('Hello Lucía,');
    expect(mail.text).toContain('within 7 days');
    const link = new URL(mail.link as string);
    const agent = t.agent();
    const page = await agent.get(`${link.pathname}${link.search}`).set('Accept-Language', 'es-MX,es;q=0.9,en;q=0.5');
    expect(page.text).toContain('<html lang="es">');
    expect(textOf(page.text)).toContain('Active su cuenta');
    expect(page.text).toContain('autocomplete="new-password"');
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('PROVISIONED');
    const done = await agent.post('/activate').type('form').send({ _csrf: csrfOf(page.text), token: link.searchParams.get('token'), language: 'es', password: GOOD_PASSWORD, confirm: GOOD_PASSWORD });
    expect(done.headers.location).toBe('/account?notice=activated');
    const after = await getAccount(t.deps.ctx, testOperator, user.id);
    expect(after).toMatchObject({ status: 'ACTIVE', preferredLanguage: 'es' });
    const account = await agent.get('/account?notice=activated');
    expect(textOf(account.text)).toContain('Su cuenta está activa');
  });

  it('explains each password rule broken, in the chosen language, and keeps the link usable', async () => {
    const user = await newUser('weak@example.com');
    const link = new URL(t.mailbox.last('weak@example.com').link as string);
    const agent = t.agent();
    const page = await agent.get(`${link.pathname}${link.search}`);
    const refused = await agent.post('/activate').type('form').send({ _csrf: csrfOf(page.text), token: link.searchParams.get('token'), language: 'es', password: 'lucia111', confirm: 'lucia111' });
    expect(refused.status).toBe(400);
    const text = textOf(refused.text);
    expect(text).toContain('No repita el mismo carácter tres veces seguidas.');
    expect(text).toContain('La contraseña contiene «lucia», parte de su nombre: quítelo.');
    expect(refused.text).toMatch(/aria-describedby="[^"]*f-password-error/);
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('PROVISIONED');
    expect((await agent.get(`${link.pathname}${link.search}`)).status).toBe(200);
  });

  it('makes a resent link replace the previous one', async () => {
    const { resendActivation } = await import('../../src/identity/accounts/activation.js');
    const user = await newUser('resend@example.com');
    const first = new URL(t.mailbox.last('resend@example.com').link as string);
    await resendActivation(t.deps.ctx, testOperator, user.id);
    await t.deliver();
    const second = new URL(t.mailbox.last('resend@example.com').link as string);
    expect(second.search).not.toBe(first.search);
    expect((await t.agent().get(`${first.pathname}${first.search}`)).status).toBe(410);
    expect((await t.agent().get(`${second.pathname}${second.search}`)).status).toBe(200);
  });

  it('expires the link after 7 days with a page that says whom to ask', async () => {
    await newUser('late@example.com');
    const link = new URL(t.mailbox.last('late@example.com').link as string);
    t.deps.clock.advance(7 * 24 * HOUR + 1000);
    const page = await t.agent().get(`${link.pathname}${link.search}`);
    expect(page.status).toBe(410);
    expect(textOf(page.text)).toContain('Ask your administrator to send a new activation email');
  });

  it('goes on to TOTP enrolment when an organization of the user requires MFA', async () => {
    await newUser('mfa@example.com', [{ organization: 'river', role: 'viewer' }]);
    const link = new URL(t.mailbox.last('mfa@example.com').link as string);
    const agent = t.agent();
    const page = await agent.get(`${link.pathname}${link.search}`);
    const done = await agent.post('/activate').type('form').send({ _csrf: csrfOf(page.text), token: link.searchParams.get('token'), language: 'en', password: GOOD_PASSWORD, confirm: GOOD_PASSWORD });
    expect(done.headers.location).toBe('/sign-in/enrol');
    const enrol = await agent.get('/sign-in/enrol');
    expect(textOf(enrol.text)).toContain('Your organization requires two-step verification');
    expect((await agent.get('/account')).status).toBe(303);
  });
});

describe('change password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('needs the current password, refuses a new one that repeats 4 characters of it, keeps this session and ends the others', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const here = t.agent();
    const elsewhere = t.agent();
    await signIn(here, user.email, user.password);
    await signIn(elsewhere, user.email, user.password);
    const wrongCurrent = await submitForm(here, '/account', { currentPassword: 'nope', password: OTHER_PASSWORD, confirm: OTHER_PASSWORD }, '/account/password');
    expect(textOf(wrongCurrent.text)).toContain('The current password is not correct');
    const similar = await submitForm(here, '/account', { currentPassword: user.password, password: 'orchid velvet pond 55', confirm: 'orchid velvet pond 55' }, '/account/password');
    expect(textOf(similar.text)).toContain('repeats 4 or more characters in a row');
    const done = await submitForm(here, '/account', { currentPassword: user.password, password: OTHER_PASSWORD, confirm: OTHER_PASSWORD }, '/account/password');
    expect(done.headers.location).toBe('/account?notice=password_changed');
    expect((await here.get('/account')).status).toBe(200);
    expect((await elsewhere.get('/account')).status).toBe(303);
    await t.deliver();
    expect(t.mailbox.last(user.email).subject).toBe('Your Customer Portal password has been changed');
  });
});
