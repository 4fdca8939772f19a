import { activationLink } from '../../src/identity/links.js';
import { bootstrapPlatformAdmin, createPlatformAdmin, reissueAdminSetupLink } from '../../src/identity/accounts/platformAdmins.js';
import { peekOneTimeToken } from '../../src/identity/credentials/oneTimeTokens.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';

describe('platform administrators', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps({ overrides: { bootstrap: { adminEmail: 'root@utility.example', adminName: 'Root Admin' } } });
  });
  afterAll(() => deps.close());

  it('creates the configured administrator on the first start only, with a working setup link', async () => {
    const first = await bootstrapPlatformAdmin(deps.ctx);
    expect(first).toMatchObject({ created: true, email: 'root@utility.example' });
    if (!first.created) return;
    const token = new URL(first.setupLink).searchParams.get('token') as string;
    expect(first.setupLink).toBe(activationLink(deps.settings, token));
    await expect(peekOneTimeToken(deps.ctx, token, 'activation')).resolves.toBeDefined();

    const second = await bootstrapPlatformAdmin(deps.ctx);
    expect(second).toEqual({ created: false, awaitingSetup: ['root@utility.example'] });
    expect(JSON.stringify(second)).not.toContain(token);
  });

  it('creates further administrators PROVISIONED in the local directory', async () => {
    const result = await createPlatformAdmin(deps.ctx, testOperator, { email: 'ops@utility.example', name: 'Ops Person' });
    expect(result.user).toMatchObject({ userName: 'ops@utility.example', status: 'PROVISIONED', isPlatformAdmin: true, name: { givenName: 'Ops', familyName: 'Person' } });
    await expect(createPlatformAdmin(deps.ctx, testOperator, { email: 'OPS@utility.example', name: 'Again' })).rejects.toMatchObject({ code: 'user.username_taken' });
  });

  it('issues a new setup link that makes the old one stop working', async () => {
    const created = await createPlatformAdmin(deps.ctx, testOperator, { email: 'new@utility.example', name: 'New' });
    const again = await reissueAdminSetupLink(deps.ctx, testOperator, 'new@utility.example');
    const oldToken = new URL(created.setupLink).searchParams.get('token') as string;
    const newToken = new URL(again.setupLink).searchParams.get('token') as string;
    await expect(peekOneTimeToken(deps.ctx, oldToken, 'activation')).rejects.toMatchObject({ code: 'token.replaced' });
    await expect(peekOneTimeToken(deps.ctx, newToken, 'activation')).resolves.toBeDefined();
  });
});

describe('platform administrators and MFA', () => {
  it('must enrol TOTP when they activate, whatever their organizations require', async () => {
    const { effectivePolicy } = await import('../../src/identity/effectivePolicy.js');
    const deps = await openTestDeps();
    try {
      const admin = await createPlatformAdmin(deps.ctx, testOperator, { email: 'mfa-admin@utility.example', name: 'Mfa Admin' });
      expect((await effectivePolicy(deps.ctx, admin.user.id)).mfaRequired).toBe(true);
    } finally {
      await deps.close();
    }
  });
});
