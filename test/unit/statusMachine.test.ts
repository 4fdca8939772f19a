import { canSignIn, initialStatus, transition, USER_STATUSES, STATUS_EVENTS, type StatusEvent, type StatusState, type UserStatus } from '../../src/identity/statusMachine.js';

/**
 * Every status × every event, written out by hand from DESIGN.md. "-" is a refusal; otherwise the resulting
 * status, and after "/" what it remembers to return to.
 */
const EXPECTED: Record<UserStatus, Record<StatusEvent, string>> = {
  PROVISIONED: {
    activate: 'ACTIVE', adminResetPassword: '-', completeReset: '-', expirePassword: '-', setNewPassword: '-', autoLock: '-',
    autoUnlock: '-', adminLock: 'LOCKED_BY_ADMIN/PROVISIONED', adminUnlock: '-', deactivate: 'INACTIVE/PROVISIONED', reactivate: '-',
  },
  ACTIVE: {
    activate: '-', adminResetPassword: 'RECOVERY', completeReset: 'ACTIVE', expirePassword: 'AWAITING_NEW_PASSWORD', setNewPassword: '-',
    autoLock: 'AUTO_LOCKED', autoUnlock: '-', adminLock: 'LOCKED_BY_ADMIN/ACTIVE', adminUnlock: '-', deactivate: 'INACTIVE/ACTIVE', reactivate: '-',
  },
  RECOVERY: {
    activate: '-', adminResetPassword: 'RECOVERY', completeReset: 'ACTIVE', expirePassword: '-', setNewPassword: '-', autoLock: '-',
    autoUnlock: '-', adminLock: 'LOCKED_BY_ADMIN/RECOVERY', adminUnlock: '-', deactivate: 'INACTIVE/RECOVERY', reactivate: '-',
  },
  AWAITING_NEW_PASSWORD: {
    activate: '-', adminResetPassword: 'RECOVERY', completeReset: 'ACTIVE', expirePassword: '-', setNewPassword: 'ACTIVE',
    autoLock: 'AUTO_LOCKED', autoUnlock: '-', adminLock: 'LOCKED_BY_ADMIN/AWAITING_NEW_PASSWORD', adminUnlock: '-',
    deactivate: 'INACTIVE/AWAITING_NEW_PASSWORD', reactivate: '-',
  },
  AUTO_LOCKED: {
    activate: '-', adminResetPassword: 'RECOVERY', completeReset: 'ACTIVE', expirePassword: '-', setNewPassword: '-', autoLock: '-',
    autoUnlock: 'ACTIVE', adminLock: 'LOCKED_BY_ADMIN/ACTIVE', adminUnlock: 'ACTIVE', deactivate: 'INACTIVE/AUTO_LOCKED', reactivate: '-',
  },
  LOCKED_BY_ADMIN: {
    activate: '-', adminResetPassword: '-', completeReset: '-', expirePassword: '-', setNewPassword: '-', autoLock: '-', autoUnlock: '-',
    adminLock: '-', adminUnlock: 'RECOVERY', deactivate: 'INACTIVE/LOCKED_BY_ADMIN>RECOVERY', reactivate: '-',
  },
  INACTIVE: {
    activate: '-', adminResetPassword: '-', completeReset: '-', expirePassword: '-', setNewPassword: '-', autoLock: '-', autoUnlock: '-',
    adminLock: '-', adminUnlock: '-', deactivate: '-', reactivate: 'AWAITING_NEW_PASSWORD',
  },
};

/** The state each row starts from: the locked and inactive rows remember a status underneath. */
const START: Record<UserStatus, StatusState> = {
  PROVISIONED: { status: 'PROVISIONED', resume: [] },
  ACTIVE: { status: 'ACTIVE', resume: [] },
  RECOVERY: { status: 'RECOVERY', resume: [] },
  AWAITING_NEW_PASSWORD: { status: 'AWAITING_NEW_PASSWORD', resume: [] },
  AUTO_LOCKED: { status: 'AUTO_LOCKED', resume: [] },
  LOCKED_BY_ADMIN: { status: 'LOCKED_BY_ADMIN', resume: ['RECOVERY'] },
  INACTIVE: { status: 'INACTIVE', resume: ['AWAITING_NEW_PASSWORD'] },
};

const cases = USER_STATUSES.flatMap((from) => STATUS_EVENTS.map((event) => [from, event, EXPECTED[from][event]] as const));

describe('transition', () => {
  it('has an expectation for every status and every event', () => {
    expect(cases).toHaveLength(USER_STATUSES.length * STATUS_EVENTS.length);
  });

  it.each(cases)('%s + %s → %s', (from, event, expected) => {
    const result = transition(START[from], event);
    if (expected === '-') {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/\w+/);
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [status, resume] = expected.split('/');
    expect(result.state.status).toBe(status);
    expect(result.state.resume).toEqual(resume ? resume.split('>') : []);
  });

  it('explains a refusal in words an administrator can act on', () => {
    expect(transition({ status: 'INACTIVE', resume: ['ACTIVE'] }, 'adminLock')).toEqual({ ok: false, reason: 'The user is inactive; reactivate the user first.' });
    expect(transition({ status: 'LOCKED_BY_ADMIN', resume: ['ACTIVE'] }, 'adminResetPassword')).toEqual({ ok: false, reason: 'The user is locked by an administrator; unlock the user first.' });
  });

  it('brings a user locked and then deactivated back through the lock to where it was', () => {
    let state: StatusState = { status: 'PROVISIONED', resume: [] };
    for (const event of ['adminLock', 'deactivate', 'reactivate', 'adminUnlock'] as const) {
      const result = transition(state, event);
      if (!result.ok) throw new Error(result.reason);
      state = result.state;
    }
    expect(state).toEqual({ status: 'PROVISIONED', resume: [] });
  });
});

describe('initialStatus', () => {
  it('starts local users PROVISIONED and SSO users ACTIVE, or INACTIVE remembering that when created inactive', () => {
    expect(initialStatus('local', true)).toEqual({ status: 'PROVISIONED', resume: [] });
    expect(initialStatus('sso', true)).toEqual({ status: 'ACTIVE', resume: [] });
    expect(initialStatus('sso', false)).toEqual({ status: 'INACTIVE', resume: ['ACTIVE'] });
  });
});

describe('canSignIn', () => {
  it('lets only ACTIVE users, and expired passwords to renew them, sign in', () => {
    expect(USER_STATUSES.filter(canSignIn)).toEqual(['ACTIVE', 'AWAITING_NEW_PASSWORD']);
  });
});
