import { deactivateAccount } from '../../src/identity/accounts/status.js';
import { createDirectory } from '../../src/identity/directories.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { createRoleMapping, deleteRoleMapping, updateRoleMapping } from '../../src/identity/roleMappings.js';
import { isDomainError } from '../../src/identity/errors.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';
import { scimToken } from '../helpers/principals.js';

/**
 * A SCIM token's rights are remembered with the verified token (settings.scim.tokenCacheSeconds) so that each write
 * does not read them again; a change of what they are made of through this process applies to the next request.
 */
describe("a SCIM token's remembered rights", () => {
  let deps: TestDeps;

  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Cove', slug: 'cove' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'cove-idp', organizations: ['cove'] });
  });
  afterAll(() => deps.close());

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'ok',
      (error: unknown) => (isDomainError(error) ? error.code : String(error)),
    );

  it('follow the role mappings as they are created, changed and deleted', async () => {
    const mapping = await createRoleMapping(deps.ctx, testOperator, { directory: 'cove-idp', matchType: 'displayName', matchValue: 'Cove-Users', organization: 'cove', role: 'standard-user' });
    // A principal per request, as the SCIM edge builds it (rights are also kept for the life of one principal).
    const token = () => scimToken(deps.ctx, 'cove-idp');
    const manager = await aUser(deps.ctx, { directory: 'cove-idp', memberships: [{ organization: 'cove', role: 'full-access' }] });
    // The token gives at most Standard User: a Full Access user (who manages users) is above it.
    expect(await refusal(deactivateAccount(deps.ctx, await token(), manager.id))).toBe('policy.target_above');
    await updateRoleMapping(deps.ctx, testOperator, mapping.id, { role: 'full-access' });
    const second = await aUser(deps.ctx, { directory: 'cove-idp', memberships: [{ organization: 'cove', role: 'full-access' }] });
    expect(await refusal(deactivateAccount(deps.ctx, await token(), second.id))).toBe('ok');
    await deleteRoleMapping(deps.ctx, testOperator, mapping.id);
    const third = await aUser(deps.ctx, { directory: 'cove-idp', memberships: [{ organization: 'cove', role: 'full-access' }] });
    expect(await refusal(deactivateAccount(deps.ctx, await token(), third.id))).toBe('policy.target_above');
    await createRoleMapping(deps.ctx, testOperator, { directory: 'cove-idp', matchType: 'displayName', matchValue: 'Cove-Users', organization: 'cove', role: 'full-access' });
    expect(await refusal(deactivateAccount(deps.ctx, await token(), third.id))).toBe('ok');
  });
});
