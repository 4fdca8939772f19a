import type { Transaction } from 'sequelize';
import type { SessionData } from '../../db/models/Session.js';
import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { LOCAL_DIRECTORY } from '../directories.js';
import { effectivePolicy, type EffectivePolicy } from '../effectivePolicy.js';
import { findUserInScope } from '../scope.js';
import { createSession, destroySession, type SessionView } from '../sessions.js';
import { canSignIn, type UserStatus } from '../statusMachine.js';
import { applyStatusEvent } from '../accounts/status.js';
import { normalise } from '../validation.js';
import { autoUnlockIfDue, clearSignInFailures, recordSignInFailure } from '../credentials/lockout.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../credentials/passwordHasher.js';
import { hashParameters, passwordExpiry } from '../credentials/passwords.js';
import { readDate } from '../../db/rows.js';
import { useRecoveryCode } from '../credentials/recoveryCodes.js';
import { acceptTotpCode, hasConfirmedTotp } from '../credentials/totp.js';

/** What a signing-in user must do next. */
export type NextStep = 'totp' | 'enrol_totp' | 'new_password' | 'signed_in';

/**
 * `completed`: the sign-in was completed in the same transaction (signed in with its session started), when the
 * caller asked for it (see signInWithPassword).
 */
export type SignInResult = { ok: true; userId: string; next: NextStep; completed?: CompletedSignIn } | { ok: false };

export interface ClientInfo {
  ip?: string;
  requestId?: string;
}

/** The session a completed sign-in starts, in the transaction that records the sign-in (see recordSignIn). */
export interface SignedInSession {
  /** The session it replaces (the pending one of the steps before), ended in the same transaction. */
  replaces?: string | undefined;
  data?: SessionData;
}

export interface CompletedSignIn {
  id: string;
  userName: string;
  preferredLanguage: string | null;
  /** The signed-in session, when one was asked for: its cookie secret and what it holds. */
  session?: { token: string; session: SessionView };
}

function userActor(user: Pick<User, 'id' | 'userName'>, client: ClientInfo): Actor {
  return { type: 'user', id: user.id, label: user.userName, ...client };
}

function clientInfo(input: ClientInfo): ClientInfo {
  return { ...(input.ip ? { ip: input.ip } : {}), ...(input.requestId ? { requestId: input.requestId } : {}) };
}

/** A local user an identifier names, with their password hash (null without one). */
interface LocalUserPassword {
  id: string;
  hash: string | null;
}

/**
 * The local user an identifier names, a userName else an email that exactly one local user has, with their password
 * hash. In plain SQL, as every read on the password sign-in's path: it runs on every attempt, and sequelize's
 * pipeline costs several times the query (db/rows.ts).
 */
async function localUserByIdentifier(ctx: DomainContext, identifier: string): Promise<LocalUserPassword | null> {
  const key = normalise(identifier.trim());
  if (!key || key.length > 320) return null;
  const select = `SELECT users.id AS id, password_credentials.hash AS hash FROM users LEFT JOIN password_credentials ON password_credentials.user_id = users.id
    WHERE users.directory_id = (SELECT id FROM directories WHERE name = ?)`;
  const [byUserName] = await ctx.db.rows<LocalUserPassword>(`${select} AND users.user_name_normalized = ?`, [LOCAL_DIRECTORY, key]);
  if (byUserName) return byUserName;
  const byEmail = await ctx.db.rows<LocalUserPassword>(`${select} AND users.email_normalized = ? LIMIT 2`, [LOCAL_DIRECTORY, key]);
  return byEmail.length === 1 ? (byEmail[0] as LocalUserPassword) : null;
}

/**
 * The local user an identifier names: a userName, else an email that exactly one local user has (sign-in, and an
 * administrator adding someone by address).
 */
export async function findLocalUserByIdentifier(ctx: DomainContext, identifier: string): Promise<User | null> {
  const found = await localUserByIdentifier(ctx, identifier);
  return found ? ctx.db.models.User.findByPk(found.id, { transaction: ctx.db.current() }) : null;
}

/** What the sign-in steps read of a user. */
interface SigningIn {
  id: string;
  userName: string;
  status: UserStatus;
  directoryId: string;
  preferredLanguage: string | null;
}

const SIGNING_IN_COLUMNS = 'users.id AS id, users.user_name AS "userName", users.status AS status, users.directory_id AS "directoryId", users.preferred_language AS "preferredLanguage"';

/** `FOR UPDATE OF users` on PostgreSQL (the row stays locked until the transaction ends); SQLite serialises writers. */
function lockUserRow(ctx: DomainContext): string {
  return ctx.db.dialect === 'postgres' ? ' FOR UPDATE OF users' : '';
}

/** The user as the sign-in steps read it, locked, in the surrounding transaction. */
async function readSigningIn(ctx: DomainContext, userId: string): Promise<SigningIn | null> {
  const [row] = await ctx.db.rows<SigningIn>(`SELECT ${SIGNING_IN_COLUMNS} FROM users WHERE users.id = ?${lockUserRow(ctx)}`, [userId]);
  return row ?? null;
}

/** After the password: a second factor if enrolled, enrolment if an organization requires MFA, else done. */
export async function stepAfterPassword(ctx: DomainContext, userId: string): Promise<NextStep> {
  return nextStep(await hasConfirmedTotp(ctx, userId), await effectivePolicy(ctx, userId));
}

function nextStep(hasTotp: boolean, policy: EffectivePolicy): NextStep {
  if (hasTotp) return 'totp';
  return policy.mfaRequired ? 'enrol_totp' : 'signed_in';
}

/** What the password check found, before the transaction that acts on it. */
interface PasswordCheck {
  userId: string;
  password: string;
  /** The stored hash the password was verified against (null: the user had none). */
  checkedHash: string | null;
  matched: boolean;
  /** The password hashed with the current parameters, when it matched a hash made with others. */
  upgradedHash: string | null;
  client: ClientInfo;
  /** Complete a sign-in that needs no further step, starting this session (see signInWithPassword). */
  session: SignedInSession | undefined;
}

/**
 * Checks an identifier and password. Every path spends one argon2 verification, so answers take the same time
 * whether or not the account exists; the result never says why a sign-in failed. A wrong password counts towards
 * the lockout; an expired password sends the user to choose a new one. With `session`, a sign-in that needs no
 * further step is completed (as completeSignIn does) in the same transaction.
 *
 * The verification runs between two transactions, not in one: on SQLite a transaction holds the process's one write
 * lock, and tens of milliseconds of argon2 inside it made every other sign-in, session and rate-limit write wait. The
 * reads before it run in a short transaction of their own: outside one, SQLite reads share the connection of the
 * writes made outside transactions, and such a write waiting for the lock holds it, while each read queued behind it
 * holds a thread of libuv's pool that the lock's holder may need. The second transaction decides on the account as it
 * is by then (locked, unlocked, password changed).
 */
export async function signInWithPassword(ctx: DomainContext, input: { identifier: string; password: string } & ClientInfo, session?: SignedInSession): Promise<SignInResult> {
  const params = hashParameters(ctx);
  const found = await ctx.db.tx(() => localUserByIdentifier(ctx, input.identifier));
  if (!found) {
    await verifyAgainstDummy(input.password, params);
    // Every other outcome is counted from its audit event; an unknown identifier has none.
    ctx.metrics.signIn('password', 'unknown_user');
    return { ok: false };
  }
  const matched = found.hash ? await verifyPassword(found.hash, input.password) : await verifyAgainstDummy(input.password, params);
  const upgradedHash = matched && found.hash && needsRehash(found.hash, params) ? await hashPassword(input.password, params) : null;
  const check: PasswordCheck = { userId: found.id, password: input.password, checkedHash: found.hash, matched, upgradedHash, client: clientInfo(input), session };
  return ctx.db.tx((t) => settlePasswordSignIn(ctx, t, check));
}

/**
 * The user, their password, whether failures are counted against them and whether they have a second factor, as the
 * second transaction reads them.
 */
interface SignInState extends SigningIn {
  hash: string | null;
  changedAt: unknown;
  failures: number | string;
  totp: number | string;
}

/**
 * In one statement: each one a transaction runs is a trip to libuv's pool and back while it holds SQLite's write
 * lock, and on a busy machine each trip waits for a CPU.
 */
async function readSignInState(ctx: DomainContext, userId: string): Promise<SignInState | null> {
  const [row] = await ctx.db.rows<SignInState>(
    `SELECT ${SIGNING_IN_COLUMNS}, password_credentials.hash AS hash, password_credentials.changed_at AS "changedAt",
       (SELECT COUNT(*) FROM sign_in_failures WHERE sign_in_failures.user_id = users.id) AS failures,
       (SELECT COUNT(*) FROM totp_credentials WHERE totp_credentials.user_id = users.id AND totp_credentials.confirmed_at IS NOT NULL) AS totp
     FROM users LEFT JOIN password_credentials ON password_credentials.user_id = users.id WHERE users.id = ?${lockUserRow(ctx)}`,
    [userId],
  );
  return row ?? null;
}

/**
 * Acts on a password check in the transaction: unlocks an account whose lock has run out, refuses one that may not
 * sign in, counts a wrong password towards the lockout, and otherwise says what comes next. The user's row is read
 * again (and locked, on PostgreSQL), so that a lockout by a concurrent failure is seen. The usual path (an active
 * user, the right password) reads in plain SQL; the others load the user's model, which the status changes take.
 */
async function settlePasswordSignIn(ctx: DomainContext, t: Transaction, check: PasswordCheck): Promise<SignInResult> {
  const state = await readSignInState(ctx, check.userId);
  if (!state) return { ok: false };
  const user: SigningIn = { id: state.id, userName: state.userName, status: state.status, directoryId: state.directoryId, preferredLanguage: state.preferredLanguage };
  let model: Promise<User> | undefined;
  const loadModel = () => (model ??= ctx.db.models.User.findByPk(user.id, { transaction: t, rejectOnEmpty: true }));
  if (user.status === 'AUTO_LOCKED' && (await autoUnlockIfDue(ctx, t, await loadModel()))) user.status = (await loadModel()).status;
  const actor = userActor(user, check.client);
  if (!canSignIn(user.status)) {
    await recordAudit(ctx, t, actor, { action: 'user.sign_in_refused', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { status: user.status } });
    return { ok: false };
  }
  if (state.hash === null || !(await stillMatches(state.hash, check))) {
    await recordSignInFailure(ctx, t, await loadModel(), 'password', actor);
    return { ok: false };
  }
  if (Number(state.failures) > 0) await clearSignInFailures(ctx, t, user.id);
  if (check.upgradedHash && state.hash === check.checkedHash) {
    await ctx.db.models.PasswordCredential.update({ hash: check.upgradedHash }, { where: { userId: user.id }, transaction: t });
  }
  if (user.status === 'AWAITING_NEW_PASSWORD') return { ok: true, userId: user.id, next: 'new_password' };
  const policy = await effectivePolicy(ctx, user.id);
  const expiresAt = passwordExpiry(readDate(state.changedAt) as Date, policy.passwordMaxAgeDays);
  if (expiresAt && expiresAt.getTime() <= ctx.clock.now().getTime()) {
    await applyStatusEvent(ctx, t, actor, await loadModel(), 'expirePassword', { expiredAt: expiresAt.toISOString() });
    return { ok: true, userId: user.id, next: 'new_password' };
  }
  const next = nextStep(Number(state.totp) > 0, policy);
  if (next !== 'signed_in' || !check.session) return { ok: true, userId: user.id, next };
  return { ok: true, userId: user.id, next, completed: await recordSignIn(ctx, t, user, ['pwd'], check.client, check.session) };
}

/**
 * Whether the password matches the hash stored now. It is the one checked before the transaction but for a password
 * change in between, after which the password is verified again (here, rarely, inside the transaction).
 */
async function stillMatches(currentHash: string, check: PasswordCheck): Promise<boolean> {
  if (currentHash === check.checkedHash) return check.matched;
  return verifyPassword(currentHash, check.password);
}

/** A user who may continue signing in (a pending session belongs to them): still able to sign in. */
async function signingInUser(ctx: DomainContext, userId: string): Promise<User | null> {
  const user = await findUserInScope(ctx, userId).catch(() => null);
  return user && canSignIn(user.status) ? user : null;
}

/**
 * Checks the second factor: a TOTP code (each accepted once) or, with `recovery`, a recovery code. Wrong codes count
 * towards the lockout like wrong passwords.
 */
export async function verifySecondFactor(ctx: DomainContext, input: { userId: string; code: string; recovery?: boolean } & ClientInfo): Promise<boolean> {
  const client = clientInfo(input);
  return ctx.db.tx(async (t: Transaction) => {
    const user = await signingInUser(ctx, input.userId);
    if (!user) return false;
    const accepted = input.recovery ? await useRecoveryCode(ctx, t, user.id, input.code) : await acceptTotpCode(ctx, t, user.id, input.code);
    if (!accepted) {
      await recordSignInFailure(ctx, t, user, input.recovery ? 'recovery_code' : 'totp', userActor(user, client));
      return false;
    }
    await clearSignInFailures(ctx, t, user.id);
    if (input.recovery) await recordAudit(ctx, t, userActor(user, client), { action: 'user.recovery_code_used', targetType: 'user', targetId: user.id, userId: user.id });
    return true;
  });
}

/**
 * Records a completed sign-in (last sign-in time, audit with the methods used) and, with `session`, starts the
 * signed-in session in the same transaction. Null when the user may not sign in.
 */
export async function completeSignIn(ctx: DomainContext, userId: string, methods: string[], client: ClientInfo = {}, session?: SignedInSession): Promise<CompletedSignIn | null> {
  return ctx.db.tx(async (t) => {
    const user = await readSigningIn(ctx, userId);
    if (!user || user.status !== 'ACTIVE') return null;
    return recordSignIn(ctx, t, user, methods, clientInfo(client), session);
  });
}

/**
 * The writes of a completed sign-in, in plain SQL (they follow every successful one). The session is written in the
 * transaction too: outside one, on SQLite, it would wait for the write lock while holding the connection that reads
 * outside transactions share, and a thread of libuv's pool; here it waits its turn in the process's queue instead.
 */
async function recordSignIn(ctx: DomainContext, t: Transaction, user: SigningIn, methods: string[], client: ClientInfo, session: SignedInSession | undefined): Promise<CompletedSignIn> {
  await ctx.db.execute('UPDATE users SET last_sign_in_at = ? WHERE id = ?', [ctx.clock.now(), user.id], t);
  await recordAudit(ctx, t, userActor(user, client), { action: 'user.signed_in', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { methods } });
  const completed: CompletedSignIn = { id: user.id, userName: user.userName, preferredLanguage: user.preferredLanguage };
  if (!session) return completed;
  if (session.replaces) await destroySession(ctx, session.replaces);
  return { ...completed, session: await createSession(ctx, { userId: user.id, stage: 'signed_in', ...(session.data ? { data: session.data } : {}) }) };
}

/**
 * The lock that stops a user part way through signing in (past the password: a pending session is theirs), or null.
 * Only such a user is told their account is locked: a password step never says it, or it would tell a guesser that
 * a guess was right after the lockout.
 */
export async function signInLock(ctx: DomainContext, userId: string): Promise<{ lock: 'auto' | 'admin'; unlockMinutes: number } | null> {
  const user = await findUserInScope(ctx, userId).catch(() => null);
  if (user?.status === 'AUTO_LOCKED') return { lock: 'auto', unlockMinutes: ctx.settings.lockout.autoUnlockMinutes };
  if (user?.status === 'LOCKED_BY_ADMIN') return { lock: 'admin', unlockMinutes: 0 };
  return null;
}

export async function isSignInAllowed(ctx: DomainContext, userId: string): Promise<boolean> {
  return (await signingInUser(ctx, userId)) !== null;
}
