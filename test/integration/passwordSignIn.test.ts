import { createAccount } from '../../src/identity/accounts/create.js';
import { hashPassword, needsRehash } from '../../src/identity/credentials/passwordHasher.js';
import { hashParameters } from '../../src/identity/credentials/passwords.js';
import { completeSignIn, signInWithPassword } from '../../src/identity/selfService/signIn.js';
import { createSession, findSession } from '../../src/identity/sessions.js';
import { enrolTotp, GOOD_PASSWORD } from '../helpers/accounts.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';

/**
 * The password sign-in verifies outside any transaction (argon2 must not hold SQLite's write lock), then decides in
 * one: these check that what it decides is still the account's state by then, and what the one transaction writes.
 */
describe('password sign-in', () => {
  const THRESHOLD = 3;
  let deps: TestDeps;
  let n = 0;
  beforeAll(async () => {
    deps = await openTestDeps({ overrides: { lockout: { threshold: THRESHOLD } } });
  });
  afterAll(() => deps.close());

  async function localUser(): Promise<{ id: string; email: string }> {
    const email = `signer${++n}@example.com`;
    const user = await createAccount(deps.ctx, testOperator, { directory: 'local', attributes: { userName: email, emails: [{ value: email }] }, password: GOOD_PASSWORD });
    return { id: user.id, email };
  }

  const audits = async (userId: string) => (await deps.db.models.AuditEvent.findAll({ where: { userId }, order: [['id', 'ASC']] })).map((e) => e.action);
  const status = async (userId: string) => (await deps.db.models.User.findByPk(userId, { rejectOnEmpty: true })).status;

  it('counts wrong passwords sent at once one by one, locks at the threshold, and refuses the right one after', async () => {
    const user = await localUser();
    const attempts = Array.from({ length: THRESHOLD + 2 }, () => signInWithPassword(deps.ctx, { identifier: user.email, password: 'not the password at all' }));
    expect((await Promise.all(attempts)).every((r) => !r.ok)).toBe(true);
    expect(await status(user.id)).toBe('AUTO_LOCKED');
    const events = await audits(user.id);
    expect(events.filter((a) => a === 'user.sign_in_failed')).toHaveLength(THRESHOLD);
    expect(events.filter((a) => a === 'user.sign_in_refused')).toHaveLength(2);
    expect(await signInWithPassword(deps.ctx, { identifier: user.email, password: GOOD_PASSWORD })).toEqual({ ok: false });
  });

  it('forgets earlier failures when the password is right', async () => {
    const user = await localUser();
    for (let i = 0; i < THRESHOLD - 1; i++) await signInWithPassword(deps.ctx, { identifier: user.email, password: `wrong ${i}` });
    expect(await signInWithPassword(deps.ctx, { identifier: user.email, password: GOOD_PASSWORD })).toMatchObject({ ok: true, next: 'signed_in' });
    expect(await deps.db.models.SignInFailure.count({ where: { userId: user.id } })).toBe(0);
    await signInWithPassword(deps.ctx, { identifier: user.email, password: 'wrong again' });
    expect(await status(user.id)).toBe('ACTIVE');
  });

  it('completes a sign-in that needs no further step in the same transaction, when asked, with its session', async () => {
    const user = await localUser();
    const pending = await createSession(deps.ctx, { userId: user.id, stage: 'totp' });
    const result = await signInWithPassword(deps.ctx, { identifier: user.email, password: GOOD_PASSWORD, ip: '198.51.100.7' }, { replaces: pending.session.id, data: { methods: ['pwd'] } });
    expect(result).toMatchObject({ ok: true, userId: user.id, next: 'signed_in', completed: { id: user.id, userName: user.email } });
    const started = result.ok ? result.completed?.session : undefined;
    expect(await findSession(deps.ctx, started?.token)).toMatchObject({ userId: user.id, stage: 'signed_in', data: { methods: ['pwd'] } });
    expect(await findSession(deps.ctx, pending.token)).toBeNull();
    expect((await deps.db.models.User.findByPk(user.id, { rejectOnEmpty: true })).lastSignInAt).toEqual(deps.clock.now());
    const signedIn = await deps.db.models.AuditEvent.findAll({ where: { userId: user.id, action: 'user.signed_in' } });
    expect(signedIn.map((e) => ({ details: e.details, ip: e.ip }))).toEqual([{ details: { methods: ['pwd'] }, ip: '198.51.100.7' }]);
  });

  it('completes nothing without being asked, nor for a user with a second factor', async () => {
    const plain = await localUser();
    expect(await signInWithPassword(deps.ctx, { identifier: plain.email, password: GOOD_PASSWORD })).toEqual({ ok: true, userId: plain.id, next: 'signed_in' });
    expect(await audits(plain.id)).not.toContain('user.signed_in');
    const withTotp = await localUser();
    await enrolTotp(deps.ctx, withTotp.id);
    expect(await signInWithPassword(deps.ctx, { identifier: withTotp.email, password: GOOD_PASSWORD }, { data: { methods: ['pwd'] } })).toEqual({ ok: true, userId: withTotp.id, next: 'totp' });
    expect(await completeSignIn(deps.ctx, withTotp.id, ['pwd', 'otp'])).toMatchObject({ id: withTotp.id });
  });

  it('upgrades a hash made with other parameters', async () => {
    const user = await localUser();
    const params = hashParameters(deps.ctx);
    const older = await hashPassword(GOOD_PASSWORD, { ...params, iterations: params.iterations + 1 });
    await deps.db.models.PasswordCredential.update({ hash: older }, { where: { userId: user.id } });
    expect(await signInWithPassword(deps.ctx, { identifier: user.email, password: GOOD_PASSWORD })).toMatchObject({ ok: true });
    const stored = (await deps.db.models.PasswordCredential.findByPk(user.id, { rejectOnEmpty: true })).hash;
    expect(stored).not.toBe(older);
    expect(needsRehash(stored, params)).toBe(false);
  });

  it('refuses unknown identifiers and users without a password alike', async () => {
    expect(await signInWithPassword(deps.ctx, { identifier: 'nobody@example.com', password: GOOD_PASSWORD })).toEqual({ ok: false });
    const user = await localUser();
    await deps.db.models.PasswordCredential.destroy({ where: { userId: user.id } });
    expect(await signInWithPassword(deps.ctx, { identifier: user.email, password: GOOD_PASSWORD })).toEqual({ ok: false });
    expect(await audits(user.id)).toContain('user.sign_in_failed');
  });
});
