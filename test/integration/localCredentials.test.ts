import { scimToken } from '../helpers/principals.js';
import { resetMfa, setAccountPassword } from '../../src/identity/accounts/credentials.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { deactivateAccount } from '../../src/identity/accounts/status.js';
import { getAccount } from '../../src/identity/accounts/read.js';
import { removeMembership } from '../../src/identity/accounts/memberships.js';
import { sendExpiryReminders } from '../../src/identity/credentials/expiryReminders.js';
import { PasswordPolicyError } from '../../src/identity/credentials/passwords.js';
import { signInWithPassword } from '../../src/identity/selfService/signIn.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createSession, findSession } from '../../src/identity/sessions.js';
import { DAY, MINUTE } from '../../src/lib/clock.js';
import { activeLocalUser, enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { testOperator } from '../helpers/db.js';
import { openTestApp, type TestApp } from '../helpers/app.js';

describe('local credentials', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Quarterly', slug: 'quarterly', policy: { passwordMaxAgeDays: 90 } });
    await createOrganization(t.deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(t.deps.ctx, testOperator, { kind: 'sso', name: 'okta', organizations: ['acme'] });
  });
  afterAll(() => t.close());

  describe('createAccount', () => {
    it('activates at once a local user created with an acceptable password, without an activation email', async () => {
      const user = await createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'scim-pw@example.com', emails: [{ value: 'scim-pw@example.com' }] }, password: GOOD_PASSWORD });
      expect(user.status).toBe('ACTIVE');
      await t.deliver();
      expect(t.mailbox.to('scim-pw@example.com')).toHaveLength(0);
      expect(await signInWithPassword(t.deps.ctx, { identifier: 'scim-pw@example.com', password: GOOD_PASSWORD })).toMatchObject({ ok: true, next: 'signed_in' });
    });

    it('refuses a password that breaks the policy, saying why, and creates nobody', async () => {
      const attempt = createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'weak@example.com', emails: [{ value: 'weak@example.com' }] }, password: 'Password1' });
      await expect(attempt).rejects.toBeInstanceOf(PasswordPolicyError);
      await expect(attempt).rejects.toMatchObject({ code: 'password.policy', field: 'password', message: expect.stringContaining('easy to guess') });
      expect(await t.deps.db.models.User.count({ where: { userNameNormalized: 'weak@example.com' } })).toBe(0);
    });

    it('needs an email for a local user, and sends nothing to SSO users, whose IdP signs them in', async () => {
      await expect(createAccount(t.deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'no-email' } })).rejects.toMatchObject({ code: 'user.email_required' });
      const sso = await createAccount(t.deps.ctx, testOperator, { directory: 'okta', attributes: { userName: 'sso@acme.example', emails: [{ value: 'sso@acme.example' }] } });
      expect(sso.status).toBe('ACTIVE');
      await t.deliver();
      expect(t.mailbox.to('sso@acme.example')).toHaveLength(0);
      // Even its own directory's token cannot give it one.
      await expect(setAccountPassword(t.deps.ctx, await scimToken(t.deps.ctx, 'okta'), sso.id, GOOD_PASSWORD)).rejects.toMatchObject({ code: 'password.sso_user' });
    });
  });

  describe('password expiry reminders', () => {
    it('emails once per password, the configured days before it expires, with the organization\'s maximum age', async () => {
      const yearly = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      const quarterly = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'quarterly', role: 'standard-user' }] });
      const reminders = async (email: string) => {
        await t.deliver();
        return t.mailbox.to(email).filter((m) => m.subject.startsWith('Your Customer Portal password expires'));
      };
      t.deps.clock.advance(59 * DAY);
      await sendExpiryReminders(t.deps.ctx);
      expect(await reminders(quarterly.email)).toHaveLength(0);
      t.deps.clock.advance(2 * DAY);
      await sendExpiryReminders(t.deps.ctx);
      expect((await reminders(quarterly.email)).map((m) => m.subject)).toEqual(['Your Customer Portal password expires in 29 days']);
      await sendExpiryReminders(t.deps.ctx);
      expect(await reminders(quarterly.email)).toHaveLength(1);
      expect(await reminders(yearly.email)).toHaveLength(0);
      t.deps.clock.advance(275 * DAY);
      await sendExpiryReminders(t.deps.ctx);
      await sendExpiryReminders(t.deps.ctx);
      expect((await reminders(yearly.email)).map((m) => m.subject)).toEqual(['Your Customer Portal password expires in 29 days']);
    });
  });

  describe('administrator MFA reset', () => {
    it('removes the authenticator and recovery codes, emails the user, and enrolment follows at the next sign-in', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      await enrolTotp(t.deps.ctx, user.id);
      expect(await signInWithPassword(t.deps.ctx, { identifier: user.email, password: user.password })).toMatchObject({ next: 'totp' });
      await resetMfa(t.deps.ctx, testOperator, user.id);
      expect(await t.deps.db.models.RecoveryCode.count({ where: { userId: user.id } })).toBe(0);
      await t.deliver();
      expect(t.mailbox.last(user.email).subject).toBe('Your Customer Portal two-step verification has been reset');
      expect(await signInWithPassword(t.deps.ctx, { identifier: user.email, password: user.password })).toMatchObject({ next: 'signed_in' });
      await expect(resetMfa(t.deps.ctx, testOperator, user.id)).rejects.toMatchObject({ code: 'mfa.not_enrolled' });
    });

    it('stores the TOTP secret encrypted', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      const { secret } = await enrolTotp(t.deps.ctx, user.id);
      const row = await t.deps.db.models.TotpCredential.findByPk(user.id, { raw: true });
      expect(row?.secret).not.toContain(secret);
      expect(row?.secret.startsWith('v1.')).toBe(true);
    });
  });

  describe('deactivation and removal', () => {
    it('ends every session of a deactivated user and tells them to contact their administrator', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      const { token } = await createSession(t.deps.ctx, { userId: user.id, stage: 'signed_in' });
      await deactivateAccount(t.deps.ctx, testOperator, user.id, { notify: true });
      expect(await findSession(t.deps.ctx, token)).toBeNull();
      await t.deliver();
      expect(t.mailbox.last(user.email).text).toContain('Contact your administrator');
      expect((await getAccount(t.deps.ctx, testOperator, user.id)).status).toBe('INACTIVE');
    });

    it('notifies a user removed from one organization only when asked', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver, { organizations: [{ organization: 'acme', role: 'standard-user' }, { organization: 'quarterly', role: 'standard-user' }] });
      await removeMembership(t.deps.ctx, testOperator, user.id, { organization: 'acme', notify: true });
      await t.deliver();
      expect(t.mailbox.last(user.email).subject).toBe('You no longer have access to Acme');
      expect((await getAccount(t.deps.ctx, testOperator, user.id)).memberships.map((m) => m.organization.slug)).toEqual(['quarterly']);
    });
  });

  describe('sessions', () => {
    it('end after the idle time and after the absolute time', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      const { token } = await createSession(t.deps.ctx, { userId: user.id, stage: 'signed_in' });
      t.deps.clock.advance(29 * MINUTE);
      expect(await findSession(t.deps.ctx, token)).not.toBeNull();
      t.deps.clock.advance(31 * MINUTE);
      expect(await findSession(t.deps.ctx, token)).toBeNull();
      const busy = await createSession(t.deps.ctx, { userId: user.id, stage: 'signed_in' });
      for (let i = 0; i < 25; i++) {
        t.deps.clock.advance(29 * MINUTE);
        await findSession(t.deps.ctx, busy.token);
      }
      expect(await findSession(t.deps.ctx, busy.token)).toBeNull();
    });

    it('store only a hash of the cookie secret', async () => {
      const user = await activeLocalUser(t.deps.ctx, t.mailbox, t.deliver);
      const { token } = await createSession(t.deps.ctx, { userId: user.id, stage: 'signed_in' });
      expect(JSON.stringify(await t.deps.db.models.Session.findAll({ raw: true }))).not.toContain(token);
    });
  });
});
