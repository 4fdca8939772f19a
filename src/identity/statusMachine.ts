/**
 * The user status machine of DESIGN.md, as one pure module: no database, no clock.
 * `transition` answers what an event does to a status, or refuses it with the reason.
 */
export const USER_STATUSES = ['PROVISIONED', 'ACTIVE', 'RECOVERY', 'AWAITING_NEW_PASSWORD', 'AUTO_LOCKED', 'LOCKED_BY_ADMIN', 'INACTIVE'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const STATUS_EVENTS = [
  'activate', // a provisioned user completes activation
  'adminResetPassword', // an administrator sends a reset: the password is cleared
  'completeReset', // the user sets a new password with a reset link
  'expirePassword', // the password reached its maximum age, or an administrator requires a change
  'setNewPassword', // the user sets the new password they were asked for
  'autoLock', // too many failed sign-ins
  'autoUnlock', // the auto-unlock time has passed
  'adminLock',
  'adminUnlock',
  'deactivate', // by an administrator or SCIM active=false
  'reactivate', // by an administrator or SCIM active=true
] as const;
export type StatusEvent = (typeof STATUS_EVENTS)[number];

export interface StatusState {
  status: UserStatus;
  /**
   * Where to return when leaving INACTIVE or LOCKED_BY_ADMIN, nearest first: deactivating a user an administrator
   * locked remembers both the lock and what was under it.
   */
  resume: UserStatus[];
}

export type TransitionResult = { ok: true; state: StatusState } | { ok: false; reason: string };

const SIGN_IN_CAPABLE: ReadonlySet<UserStatus> = new Set(['ACTIVE', 'AWAITING_NEW_PASSWORD']);

/** Whether a user in this status may sign in (AWAITING_NEW_PASSWORD only to set a new password). */
export function canSignIn(status: UserStatus): boolean {
  return SIGN_IN_CAPABLE.has(status);
}

/** Whether a self-service password reset may be completed from this status. */
export function canResetPassword(status: UserStatus): boolean {
  return status === 'ACTIVE' || status === 'AWAITING_NEW_PASSWORD' || status === 'AUTO_LOCKED' || status === 'RECOVERY';
}

type Rule = { from: ReadonlySet<UserStatus>; to: (state: StatusState) => StatusState };

const all = (...statuses: UserStatus[]) => new Set(statuses);
const goTo = (status: UserStatus) => (): StatusState => ({ status, resume: [] });

const RULES: Record<StatusEvent, Rule> = {
  activate: { from: all('PROVISIONED'), to: goTo('ACTIVE') },
  adminResetPassword: { from: all('ACTIVE', 'RECOVERY', 'AWAITING_NEW_PASSWORD', 'AUTO_LOCKED'), to: goTo('RECOVERY') },
  completeReset: { from: all('ACTIVE', 'RECOVERY', 'AWAITING_NEW_PASSWORD', 'AUTO_LOCKED'), to: goTo('ACTIVE') },
  expirePassword: { from: all('ACTIVE'), to: goTo('AWAITING_NEW_PASSWORD') },
  setNewPassword: { from: all('AWAITING_NEW_PASSWORD'), to: goTo('ACTIVE') },
  autoLock: { from: all('ACTIVE', 'AWAITING_NEW_PASSWORD'), to: goTo('AUTO_LOCKED') },
  autoUnlock: { from: all('AUTO_LOCKED'), to: goTo('ACTIVE') },
  adminLock: {
    from: all('PROVISIONED', 'ACTIVE', 'RECOVERY', 'AWAITING_NEW_PASSWORD', 'AUTO_LOCKED'),
    // An automatic lock is superseded: unlocking later returns to ACTIVE, not to AUTO_LOCKED.
    to: ({ status }) => ({ status: 'LOCKED_BY_ADMIN', resume: [status === 'AUTO_LOCKED' ? 'ACTIVE' : status] }),
  },
  adminUnlock: {
    from: all('LOCKED_BY_ADMIN', 'AUTO_LOCKED'),
    to: ({ status, resume }) => ({ status: status === 'LOCKED_BY_ADMIN' ? (resume[0] ?? 'ACTIVE') : 'ACTIVE', resume: [] }),
  },
  deactivate: {
    from: all('PROVISIONED', 'ACTIVE', 'RECOVERY', 'AWAITING_NEW_PASSWORD', 'AUTO_LOCKED', 'LOCKED_BY_ADMIN'),
    // Deactivating a locked user keeps the lock: reactivation returns to LOCKED_BY_ADMIN, and unlocking after that
    // returns to what was under the lock.
    to: ({ status, resume }) => ({ status: 'INACTIVE', resume: status === 'LOCKED_BY_ADMIN' ? [status, ...resume] : [status] }),
  },
  reactivate: { from: all('INACTIVE'), to: ({ resume }) => ({ status: resume[0] ?? 'ACTIVE', resume: resume.slice(1) }) },
};

function refusal(event: StatusEvent, status: UserStatus): string {
  if (status === 'INACTIVE' && event !== 'reactivate') return 'The user is inactive; reactivate the user first.';
  if (status === 'LOCKED_BY_ADMIN' && event !== 'adminUnlock') return 'The user is locked by an administrator; unlock the user first.';
  if (status === 'PROVISIONED') return 'The user has not activated the account yet.';
  return `A user in status ${status} cannot ${describe(event)}.`;
}

function describe(event: StatusEvent): string {
  const words: Record<StatusEvent, string> = {
    activate: 'be activated',
    adminResetPassword: 'be sent an administrator password reset',
    completeReset: 'reset the password',
    expirePassword: 'have the password expired',
    setNewPassword: 'set a new password',
    autoLock: 'be locked automatically',
    autoUnlock: 'be unlocked automatically',
    adminLock: 'be locked',
    adminUnlock: 'be unlocked',
    deactivate: 'be deactivated',
    reactivate: 'be reactivated',
  };
  return words[event];
}

export function transition(state: StatusState, event: StatusEvent): TransitionResult {
  const rule = RULES[event];
  if (!rule.from.has(state.status)) return { ok: false, reason: refusal(event, state.status) };
  return { ok: true, state: rule.to(state) };
}

/** The status a new user starts in: local users must activate; directory (SSO) users sign in through their IdP. */
export function initialStatus(directoryKind: 'local' | 'sso', active: boolean): StatusState {
  const status: UserStatus = directoryKind === 'local' ? 'PROVISIONED' : 'ACTIVE';
  return active ? { status, resume: [] } : { status: 'INACTIVE', resume: [status] };
}

export function isUserStatus(value: unknown): value is UserStatus {
  return typeof value === 'string' && (USER_STATUSES as readonly string[]).includes(value);
}

/** The resume list as one column value ("LOCKED_BY_ADMIN>ACTIVE"), and back. */
export function encodeResume(resume: readonly UserStatus[]): string | null {
  return resume.length > 0 ? resume.join('>') : null;
}

export function decodeResume(value: string | null): UserStatus[] {
  return value ? value.split('>').filter(isUserStatus) : [];
}
