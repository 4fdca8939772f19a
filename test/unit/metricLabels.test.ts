import { routeLabelOf } from '../../src/http/routeLabel.js';
import { signInOutcomeOf } from '../../src/identity/metrics.js';
import { scimRouteLabels } from '../../src/scim/routeLabel.js';

describe('scimRouteLabels', () => {
  const routeOf = scimRouteLabels('/scim/v2');

  it.each([
    ['/Users', '/scim/v2/Users', 'Users'],
    ['/users', '/scim/v2/Users', 'Users'],
    ['/Users/', '/scim/v2/Users', 'Users'],
    ['/Users/2819c223-7f76-453a-919d-413861904646', '/scim/v2/Users/:id', 'Users'],
    ['/USERS/alice@example.com', '/scim/v2/Users/:id', 'Users'],
    ['/Users/.search', '/scim/v2/Users/.search', 'Users'],
    ['/Groups/e9e30dba-f08f-4109-8486-d5c6a331660a', '/scim/v2/Groups/:id', 'Groups'],
    ['/Groups/.search', '/scim/v2/Groups/.search', 'Groups'],
    ['/Schemas', '/scim/v2/Schemas', 'Schemas'],
    ['/Schemas/urn:ietf:params:scim:schemas:core:2.0:User', '/scim/v2/Schemas/:id', 'Schemas'],
    ['/ResourceTypes/User', '/scim/v2/ResourceTypes/:id', 'ResourceTypes'],
    ['/ServiceProviderConfig', '/scim/v2/ServiceProviderConfig', 'ServiceProviderConfig'],
    ['/Bulk', '/scim/v2/Bulk', 'Bulk'],
    ['/Me', '/scim/v2/Me', 'Me'],
    ['/', '/scim/v2', 'other'],
    ['/.search', '/scim/v2/.search', 'other'],
  ])('names %s as %s (%s)', (path, route, resourceType) => {
    expect(routeOf(path)).toEqual({ route, resourceType });
  });

  it.each(['/Users/abc/def', '/Users//x', '/ServiceProviderConfig/x', '/Me/alice', '/Schemas/.search', '/alice@example.com', '/Userz', '/.search/x'])('names %s unmatched', (path) => {
    expect(routeOf(path)).toEqual({ route: 'unmatched', resourceType: 'other' });
  });
});

describe('routeLabelOf', () => {
  it('joins the mount and the route pattern, never the path as sent', () => {
    expect(routeLabelOf({ baseUrl: '/api/admin/v1', route: { path: '/users/:id' }, originalUrl: '/api/admin/v1/users/123?x=alice' })).toBe('/api/admin/v1/users/:id');
    expect(routeLabelOf({ baseUrl: '', route: { path: '/sign-in' }, originalUrl: '/sign-in?return_to=/account' })).toBe('/sign-in');
    expect(routeLabelOf({ baseUrl: '', route: { path: '/' }, originalUrl: '/' })).toBe('/');
  });

  it('folds the case of the mount, which Express matches in any case', () => {
    expect(routeLabelOf({ baseUrl: '/API/Admin/V1', route: { path: '/users/:id' } })).toBe('/api/admin/v1/users/:id');
  });

  it('names a request answered by a mounted middleware by its mount, and the unknown "unmatched"', () => {
    expect(routeLabelOf({ baseUrl: '/assets', originalUrl: '/assets/site.css' })).toBe('/assets/*');
    expect(routeLabelOf({ baseUrl: '', originalUrl: '/users/alice@example.com' })).toBe('unmatched');
    expect(routeLabelOf({})).toBe('unmatched');
  });

  it('names paths served outside Express by their prefix, on a segment boundary only', () => {
    expect(routeLabelOf({ baseUrl: '', originalUrl: '/oidc/token?code=secret' }, ['/oidc'])).toBe('/oidc/*');
    expect(routeLabelOf({ baseUrl: '', originalUrl: '/oidc' }, ['/oidc'])).toBe('/oidc/*');
    expect(routeLabelOf({ baseUrl: '', originalUrl: '/oidcx/alice' }, ['/oidc'])).toBe('unmatched');
  });

  it('shows array and regular-expression patterns as declared', () => {
    expect(routeLabelOf({ baseUrl: '', route: { path: ['/a', '/b/:id'] } })).toBe('/a|/b/:id');
    expect(routeLabelOf({ baseUrl: '', route: { path: /^\/x$/ } })).toBe('/^\\/x$/');
  });
});

describe('signInOutcomeOf', () => {
  it.each([
    [{ action: 'user.signed_in', details: { methods: ['pwd'] } }, { method: 'password', outcome: 'success' }],
    [{ action: 'user.signed_in', details: { methods: ['pwd', 'otp'] } }, { method: 'password+totp', outcome: 'success' }],
    [{ action: 'user.signed_in', details: { methods: ['pwd', 'recovery_code'] } }, { method: 'password+recovery_code', outcome: 'success' }],
    [{ action: 'user.signed_in', details: { methods: ['saml'] } }, { method: 'saml', outcome: 'success' }],
    [{ action: 'user.signed_in', details: { methods: ['alice@example.com'] } }, { method: 'other', outcome: 'success' }],
    [{ action: 'user.sign_in_failed', details: { reason: 'password', failures: 2 } }, { method: 'password', outcome: 'wrong_password' }],
    [{ action: 'user.sign_in_failed', details: { reason: 'totp', failures: 1 } }, { method: 'totp', outcome: 'mfa_failed' }],
    [{ action: 'user.sign_in_failed', details: { reason: 'recovery_code', failures: 1 } }, { method: 'recovery_code', outcome: 'mfa_failed' }],
    [{ action: 'user.sign_in_refused', details: { status: 'AUTO_LOCKED' } }, { method: 'password', outcome: 'locked' }],
    [{ action: 'user.sign_in_refused', details: { status: 'LOCKED_BY_ADMIN' } }, { method: 'password', outcome: 'locked' }],
    [{ action: 'user.sign_in_refused', details: { status: 'INACTIVE' } }, { method: 'password', outcome: 'inactive' }],
    [{ action: 'user.sign_in_refused', details: { status: 'RECOVERY' } }, { method: 'password', outcome: 'not_allowed' }],
    [{ action: 'saml.sign_in_refused', details: { reason: 'assertion abc was already used' } }, { method: 'saml', outcome: 'refused' }],
  ])('reads %j as %j', (input, expected) => {
    expect(signInOutcomeOf(input)).toEqual(expected);
  });

  it('reads nothing from events that decide no sign-in', () => {
    expect(signInOutcomeOf({ action: 'saml.sign_in_refused', details: { reason: 'logout: bad signature' } })).toBeUndefined();
    expect(signInOutcomeOf({ action: 'user.created' })).toBeUndefined();
  });
});
