import { deactivateAccount, lockAccount } from '../../src/identity/accounts/status.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { listAuditEvents } from '../../src/identity/auditLog.js';
import { MINUTE } from '../../src/lib/clock.js';
import { openTestApp, csrfOf, submitForm, textOf, type Agent, type TestApp } from '../helpers/app.js';
import { activeLocalUser, enrolTotp, totpCode } from '../helpers/accounts.js';
import { testOperator } from '../helpers/db.js';

const FAILED = 'The email or password is not correct, or this account cannot sign in now.';

async function signIn(agent: Agent, identifier: string, password: string) {
  await submitForm(agent, '/sign-in', { identifier });
  const page = await agent.get('/sign-in');
  return agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier, password });
}

function sessionCookie(response: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((c) => c.startsWith('idb_session='))?.split(';')[0];
}

describe('sign-in with a password', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
  });
  afterAll(() => t.close());

  it('asks for the identifier first, then the password, and signs in to the account page', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'full-access' }] });
    const agent = t.agent();
    const first = await submitForm(agent, '/sign-in', { identifier: user.email });
    expect(first.status).toBe(200);
    expect(first.text).toContain('autocomplete="current-password"');
    const signedIn = await signIn(agent, user.email, user.password);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/account');
    const account = await agent.get('/account');
    expect(textOf(account.text)).toContain('Acme (Full Access)');
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).lastSignInAt).toBe(t.deps.clock.now().toISOString());
  });

  it('gives a new session id at sign-in and forgets it at sign-out', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const agent = t.agent();
    const response = await signIn(agent, user.email, user.password);
    const cookie = sessionCookie(response);
    expect(cookie).toMatch(/^idb_session=[\w-]{43}$/);
    const account = await agent.get('/account');
    await agent.post('/sign-out').type('form').send({ _csrf: csrfOf(account.text) }).expect(303);
    expect((await agent.get('/account')).headers.location).toBe('/sign-in?return_to=%2Faccount');
    // The old cookie, replayed by someone who copied it, is dead too.
    const replay = await t.agent().get('/account').set('Cookie', cookie as string);
    expect(replay.status).toBe(303);
  });

  it('answers a wrong password, an unknown account and an inactive or locked one with the same words and status', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const inactive = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    await deactivateAccount(t.deps.ctx, testOperator, inactive.id);
    const locked = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    await lockAccount(t.deps.ctx, testOperator, locked.id);
    const answers = await Promise.all([
      signIn(t.agent(), user.email, 'not the password at all'),
      signIn(t.agent(), 'nobody@example.com', 'not the password at all'),
      signIn(t.agent(), inactive.email, inactive.password),
      signIn(t.agent(), locked.email, locked.password),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(textOf(answer.text)).toContain(FAILED);
    }
    const bodies = answers.map((a, i) => textOf(a.text).replace([user.email, 'nobody@example.com', inactive.email, locked.email][i] as string, 'X'));
    expect(new Set(bodies).size).toBe(1);
  });

  it('locks the account at the fifth wrong password within 15 minutes, emails the owner, and unlocks after 30 minutes', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    for (let i = 0; i < 4; i++) await signIn(t.agent(), user.email, `wrong ${i}`);
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
    await signIn(t.agent(), user.email, 'wrong 5');
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('AUTO_LOCKED');
    await t.deliver();
    expect(t.mailbox.last(user.email).subject).toBe('Your Customer Portal account has been locked');
    expect(t.mailbox.last(user.email).text).toContain('after 30 minutes');
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(401);
    t.deps.clock.advance(31 * MINUTE);
    expect((await signIn(t.agent(), user.email, user.password)).status).toBe(303);
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
  });

  it('starts counting again after the window, so spread-out mistakes do not lock', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    for (let i = 0; i < 4; i++) await signIn(t.agent(), user.email, `wrong ${i}`);
    t.deps.clock.advance(16 * MINUTE);
    for (let i = 0; i < 4; i++) await signIn(t.agent(), user.email, `wrong again ${i}`);
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
    const { events } = await listAuditEvents(t.deps.ctx, testOperator, { userId: user.id, action: 'user.sign_in_failed' });
    expect(events).toHaveLength(8);
  });

  it('refuses a form without its CSRF token', async () => {
    const agent = t.agent();
    await agent.get('/sign-in');
    const response = await agent.post('/sign-in/password').type('form').send({ identifier: 'a@example.com', password: 'x' });
    expect(response.status).toBe(403);
    expect(textOf(response.text)).toContain('This form has expired');
  });

  it('returns to the page the user came for, but never to another site', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const agent = t.agent();
    const start = await agent.get('/sign-in?return_to=%2Faccount%23mfa');
    await agent.post('/sign-in').type('form').send({ _csrf: csrfOf(start.text), identifier: user.email, return_to: '/account#mfa' });
    const page = await agent.get('/sign-in');
    const done = await agent.post('/sign-in/password').type('form').send({ _csrf: csrfOf(page.text), identifier: user.email, password: user.password, return_to: '/account#mfa' });
    expect(done.headers.location).toBe('/account#mfa');
    const evil = t.agent();
    const evilPage = await evil.get('/sign-in');
    const evilDone = await evil.post('/sign-in/password').type('form').send({ _csrf: csrfOf(evilPage.text), identifier: user.email, password: user.password, return_to: '//evil.example.com/' });
    expect(evilDone.headers.location).toBe('/account');
  });

  it('asks for a new password when the password is past its maximum age, and then signs in', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    t.deps.clock.advance(366 * 24 * 60 * MINUTE);
    const agent = t.agent();
    const response = await signIn(agent, user.email, user.password);
    expect(response.headers.location).toBe('/sign-in/new-password');
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('AWAITING_NEW_PASSWORD');
    expect((await agent.get('/account')).status).toBe(303);
    const reused = await submitForm(agent, '/sign-in/new-password', { password: user.password, confirm: user.password });
    expect(textOf(reused.text)).toContain('You used this password recently');
    const renewed = await submitForm(agent, '/sign-in/new-password', { password: 'copper lantern meadow 77', confirm: 'copper lantern meadow 77' });
    expect(renewed.headers.location).toBe('/account');
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('ACTIVE');
  });
});

describe('sign-in with TOTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river', policy: { mfaRequired: true } });
  });
  afterAll(() => t.close());

  async function toTotpStep(email: string, password: string) {
    const agent = t.agent();
    const response = await signIn(agent, email, password);
    expect(response.headers.location).toBe('/sign-in/totp');
    return agent;
  }

  it('asks for the code after the password, accepts a code once, and refuses it replayed', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const { secret } = await enrolTotp(t.deps.ctx, user.id);
    t.deps.clock.advance(60_000);
    const code = totpCode(secret, t.deps.clock.now());
    const agent = await toTotpStep(user.email, user.password);
    expect((await agent.get('/account')).status).toBe(303);
    const ok = await submitForm(agent, '/sign-in/totp', { code });
    expect(ok.headers.location).toBe('/account');
    expect((await agent.get('/account')).status).toBe(200);
    const other = await toTotpStep(user.email, user.password);
    const replay = await submitForm(other, '/sign-in/totp', { code });
    expect(replay.status).toBe(401);
    expect(textOf(replay.text)).toContain('That code is not valid');
  });

  it('accepts the code of the previous and the next 30-second step, not two steps away', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const { secret } = await enrolTotp(t.deps.ctx, user.id);
    t.deps.clock.advance(5 * MINUTE);
    const now = t.deps.clock.now().getTime();
    const tooOld = await submitForm(await toTotpStep(user.email, user.password), '/sign-in/totp', { code: totpCode(secret, new Date(now - 70_000)) });
    expect(tooOld.status).toBe(401);
    const previous = await submitForm(await toTotpStep(user.email, user.password), '/sign-in/totp', { code: totpCode(secret, new Date(now - 30_000)) });
    expect(previous.status).toBe(303);
  });

  it('lets a recovery code sign in once', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    const { recoveryCodes } = await enrolTotp(t.deps.ctx, user.id);
    expect(recoveryCodes).toHaveLength(10);
    const first = await submitForm(await toTotpStep(user.email, user.password), '/sign-in/totp', { recovery: recoveryCodes[0] as string }, '/sign-in/recovery');
    expect(first.headers.location).toBe('/account');
    const again = await submitForm(await toTotpStep(user.email, user.password), '/sign-in/totp', { recovery: recoveryCodes[0] as string }, '/sign-in/recovery');
    expect(again.status).toBe(401);
    expect(textOf(again.text)).toContain('That recovery code is not valid or has been used');
  });

  it('makes a user of an organization that requires MFA enrol before anything else', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'river', role: 'viewer' }] });
    const agent = t.agent();
    expect((await signIn(agent, user.email, user.password)).headers.location).toBe('/sign-in/enrol');
    expect((await agent.get('/account')).status).toBe(303);
    const page = await agent.get('/sign-in/enrol');
    expect(page.text).toContain('<svg');
    const secret = /data-testid="totp-secret">([A-Z2-7 ]+)</.exec(page.text)?.[1]?.replace(/ /g, '') as string;
    const wrong = await agent.post('/sign-in/enrol').type('form').send({ _csrf: csrfOf(page.text), code: '000000' });
    expect(wrong.status).toBe(400);
    const done = await agent.post('/sign-in/enrol').type('form').send({ _csrf: csrfOf(wrong.text), code: totpCode(secret, t.deps.clock.now()) });
    expect(done.status).toBe(200);
    expect(done.text.match(/<li><code>[a-z0-9-]{19}<\/code><\/li>/g)).toHaveLength(10);
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('counts wrong codes towards the lockout', async () => {
    const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
    await enrolTotp(t.deps.ctx, user.id);
    const agent = await toTotpStep(user.email, user.password);
    for (let i = 0; i < 5; i++) await submitForm(agent, '/sign-in/totp', { code: String(100000 + i) });
    expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('AUTO_LOCKED');
  });
});
