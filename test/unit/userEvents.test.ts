import { STATUS_EVENTS, transition, USER_STATUSES, type StatusEvent, type UserStatus } from '../../src/identity/statusMachine.js';
import { changedAttributes, statusEventType } from '../../src/identity/userEvents.js';

/** Which event each change of a user's status is, and how a profile change names what it changed. */
describe('statusEventType', () => {
  const cases: Array<[StatusEvent, UserStatus, string | null]> = [
    ['activate', 'PROVISIONED', 'user.activated'],
    ['deactivate', 'ACTIVE', 'user.deactivated'],
    ['deactivate', 'LOCKED_BY_ADMIN', 'user.deactivated'],
    ['reactivate', 'INACTIVE', 'user.reactivated'],
    ['adminLock', 'ACTIVE', 'user.locked'],
    ['adminLock', 'AUTO_LOCKED', 'user.locked'],
    ['autoLock', 'ACTIVE', 'user.locked'],
    ['adminUnlock', 'LOCKED_BY_ADMIN', 'user.unlocked'],
    ['autoUnlock', 'AUTO_LOCKED', 'user.unlocked'],
    // A completed reset unlocks an automatic lock; from RECOVERY it is a change of status; from ACTIVE, none.
    ['completeReset', 'AUTO_LOCKED', 'user.unlocked'],
    ['completeReset', 'RECOVERY', 'user.updated'],
    ['completeReset', 'ACTIVE', null],
    ['adminResetPassword', 'ACTIVE', 'user.updated'],
    ['expirePassword', 'ACTIVE', 'user.updated'],
    ['setNewPassword', 'AWAITING_NEW_PASSWORD', 'user.updated'],
  ];
  it.each(cases)('%s from %s is %s', (event, from, expected) => {
    const result = transition({ status: from, resume: [] }, event);
    if (!result.ok) throw new Error(result.reason);
    expect(statusEventType(event, from, result.state.status)).toBe(expected);
  });

  it('names an event for every transition the status machine allows, unless the status stays', () => {
    for (const event of STATUS_EVENTS) {
      for (const from of USER_STATUSES) {
        const result = transition({ status: from, resume: [] }, event);
        if (!result.ok) continue;
        expect({ event, from, silent: statusEventType(event, from, result.state.status) === null }).toEqual({ event, from, silent: result.state.status === from });
      }
    }
  });
});

describe('changedAttributes', () => {
  it('names the attributes as SCIM does, each once', () => {
    expect(changedAttributes(['title', 'email', 'emailNormalized'], { emails: [] })).toEqual(['title', 'emails']);
    expect(changedAttributes(['userName', 'userNameNormalized', 'givenName', 'department', 'managerId', 'managerDisplayName'], {})).toEqual(['userName', 'name.givenName', 'enterprise.department', 'enterprise.manager']);
    expect(changedAttributes(['phone'], { phoneNumbers: [] })).toEqual(['phoneNumbers']);
  });
});
