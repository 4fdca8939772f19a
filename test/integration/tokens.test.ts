import { AsyncResource } from 'node:async_hooks';
import { HOUR, MINUTE } from '../../src/lib/clock.js';
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken } from '../../src/identity/credentials/oneTimeTokens.js';
import { authenticateScimToken, createScimToken, listScimTokens, revokeScimToken } from '../../src/identity/scimTokens.js';
import { createOrganization, deleteOrganization } from '../../src/identity/organizations.js';
import { createDirectory } from '../../src/identity/directories.js';
import { sha256Hex } from '../../src/lib/crypto.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { aUser } from '../helpers/factories.js';

describe('one-time tokens', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  const issue = (userId: string, ttlMs = HOUR) => deps.db.tx((t) => issueOneTimeToken(deps.ctx, t, { userId, purpose: 'password_reset', ttlMs }));
  const consume = (token: string) => deps.db.tx((t) => consumeOneTimeToken(deps.ctx, t, token, 'password_reset'));

  it('stores only a hash of a 256-bit token', async () => {
    const user = await aUser(deps.ctx);
    const { token } = await issue(user.id);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await deps.db.models.OneTimeToken.findAll({ where: { userId: user.id, purpose: 'password_reset' }, raw: true });
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]?.tokenHash).toBe(sha256Hex(token));
  });

  it('can be read any number of times but used once', async () => {
    const user = await aUser(deps.ctx);
    const { token } = await issue(user.id);
    await peekOneTimeToken(deps.ctx, token, 'password_reset');
    await peekOneTimeToken(deps.ctx, token, 'password_reset');
    expect(await consume(token)).toBe(user.id);
    await expect(consume(token)).rejects.toMatchObject({ code: 'token.used' });
  });

  it('expires after its lifetime', async () => {
    const user = await aUser(deps.ctx);
    const { token } = await issue(user.id, 6 * HOUR);
    deps.clock.advance(6 * HOUR - MINUTE);
    await expect(peekOneTimeToken(deps.ctx, token, 'password_reset')).resolves.toMatchObject({ userId: user.id });
    deps.clock.advance(2 * MINUTE);
    await expect(consume(token)).rejects.toMatchObject({ code: 'token.expired' });
  });

  it('stops the previous link working when a new one is issued, and tells a replaced link from a used one', async () => {
    const user = await aUser(deps.ctx);
    const first = await issue(user.id);
    const second = await issue(user.id);
    await expect(consume(first.token)).rejects.toMatchObject({ code: 'token.replaced', problem: 'replaced', userId: user.id });
    expect(await consume(second.token)).toBe(user.id);
    await expect(consume(second.token)).rejects.toMatchObject({ code: 'token.used', problem: 'used' });
    await expect(peekOneTimeToken(deps.ctx, first.token, 'password_reset')).rejects.toMatchObject({ code: 'token.replaced' });
  });

  it('refuses a tampered token or one of another purpose', async () => {
    const user = await aUser(deps.ctx);
    const { token } = await issue(user.id);
    await expect(peekOneTimeToken(deps.ctx, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'password_reset')).rejects.toMatchObject({ code: 'token.invalid' });
    await expect(peekOneTimeToken(deps.ctx, token, 'activation')).rejects.toMatchObject({ code: 'token.invalid' });
  });

  it('lets exactly one of two concurrent uses win', async () => {
    const user = await aUser(deps.ctx);
    const { token } = await issue(user.id);
    const results = await Promise.allSettled([consume(token), consume(token)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('SCIM tokens', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' });
    await createDirectory(deps.ctx, testOperator, { kind: 'sso', name: 'entra' });
  });
  afterAll(() => deps.close());

  it('shows the token once and keeps only its hash; the token authenticates as its directory', async () => {
    const created = await createScimToken(deps.ctx, testOperator, { directory: 'entra', name: 'Entra provisioning' });
    expect(created.token).toMatch(/^idbscim_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'Entra provisioning', expiresAt: null, state: 'active', hint: `…${created.token.slice(-4)}` });
    const stored = await deps.db.models.ScimToken.findAll({ raw: true });
    expect(JSON.stringify(stored)).not.toContain(created.token);
    const listed = await listScimTokens(deps.ctx, testOperator, { directory: 'entra' });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(await authenticateScimToken(deps.ctx, created.token)).toMatchObject({ tokenId: created.id, directoryKind: 'sso', organizationId: null });
  });

  it('records when a token was last used, at most once a minute', async () => {
    const { token, id } = await createScimToken(deps.ctx, testOperator, { directory: 'entra' });
    await authenticateScimToken(deps.ctx, token);
    const first = (await deps.db.models.ScimToken.findByPk(id))?.lastUsedAt;
    expect(first?.toISOString()).toBe(deps.clock.now().toISOString());
    deps.clock.advance(10_000);
    await authenticateScimToken(deps.ctx, token);
    expect((await deps.db.models.ScimToken.findByPk(id))?.lastUsedAt?.toISOString()).toBe(first?.toISOString());
    deps.clock.advance(MINUTE);
    await authenticateScimToken(deps.ctx, token);
    expect((await deps.db.models.ScimToken.findByPk(id))?.lastUsedAt?.toISOString()).toBe(deps.clock.now().toISOString());
  });

  it('stops working when revoked or expired; unknown tokens are refused', async () => {
    const revoked = await createScimToken(deps.ctx, testOperator, { directory: 'entra' });
    await revokeScimToken(deps.ctx, testOperator, revoked.id);
    expect(await authenticateScimToken(deps.ctx, revoked.token)).toBeNull();
    const expiring = await createScimToken(deps.ctx, testOperator, { directory: 'entra', expiresInDays: 1 });
    expect(await authenticateScimToken(deps.ctx, expiring.token)).not.toBeNull();
    deps.clock.advance(25 * HOUR);
    expect(await authenticateScimToken(deps.ctx, expiring.token)).toBeNull();
    expect(await authenticateScimToken(deps.ctx, 'idbscim_nope')).toBeNull();
    expect(await authenticateScimToken(deps.ctx, 'Bearer whatever')).toBeNull();
  });

  /** Another instance's revocation: a write this process does not see. */
  const revokeElsewhere = (id: string) => deps.db.models.ScimToken.update({ revokedAt: deps.clock.now() }, { where: { id } });

  it('trusts a verified token for a few seconds: a revocation made elsewhere takes effect within that time, one made here at once', async () => {
    expect(deps.settings.scim.tokenCacheSeconds).toBe(2);
    const elsewhere = await createScimToken(deps.ctx, testOperator, { directory: 'entra' });
    expect(await authenticateScimToken(deps.ctx, elsewhere.token)).not.toBeNull();
    await revokeElsewhere(elsewhere.id);
    deps.clock.advance(1_500);
    expect(await authenticateScimToken(deps.ctx, elsewhere.token)).not.toBeNull();
    deps.clock.advance(600);
    expect(await authenticateScimToken(deps.ctx, elsewhere.token)).toBeNull();

    const here = await createScimToken(deps.ctx, testOperator, { directory: 'entra' });
    expect(await authenticateScimToken(deps.ctx, here.token)).not.toBeNull();
    await revokeScimToken(deps.ctx, testOperator, here.id);
    expect(await authenticateScimToken(deps.ctx, here.token)).toBeNull();
  });

  it('forgets a token revoked here once the revocation commits: a request that verifies it meanwhile does not keep it trusted', async () => {
    const token = await createScimToken(deps.ctx, testOperator, { directory: 'entra' });
    expect(await authenticateScimToken(deps.ctx, token.token)).not.toBeNull();
    deps.clock.advance(2_100);
    // Another request, outside the revoking transaction: until it commits, the database still says the token is valid.
    const anotherRequest = AsyncResource.bind(() => authenticateScimToken(deps.ctx, token.token));
    await deps.db.tx(async () => {
      await revokeScimToken(deps.ctx, testOperator, token.id);
      expect(await anotherRequest()).not.toBeNull();
    });
    expect(await authenticateScimToken(deps.ctx, token.token)).toBeNull();
  });

  it('checks the expiry of a trusted token on every request', async () => {
    const expiring = await createScimToken(deps.ctx, testOperator, { directory: 'entra', expiresInDays: 1 });
    deps.clock.advance(24 * HOUR - 1_000);
    expect(await authenticateScimToken(deps.ctx, expiring.token)).not.toBeNull();
    deps.clock.advance(1_000);
    expect(await authenticateScimToken(deps.ctx, expiring.token)).toBeNull();
  });

  it('forgets trusted tokens when an organization and its tokens are deleted', async () => {
    await createOrganization(deps.ctx, testOperator, { kind: 'customer', name: 'Gone', slug: 'gone' });
    const limited = await createScimToken(deps.ctx, testOperator, { directory: 'local', organization: 'gone' });
    expect(await authenticateScimToken(deps.ctx, limited.token)).not.toBeNull();
    await deleteOrganization(deps.ctx, testOperator, 'gone');
    expect(await authenticateScimToken(deps.ctx, limited.token)).toBeNull();
  });

  it('checks every request against the database when told to trust for 0 seconds', async () => {
    const strict = await openTestDeps({ overrides: { scim: { tokenCacheSeconds: 0 } } });
    try {
      await createDirectory(strict.ctx, testOperator, { kind: 'sso', name: 'okta' });
      const created = await createScimToken(strict.ctx, testOperator, { directory: 'okta' });
      expect(await authenticateScimToken(strict.ctx, created.token)).not.toBeNull();
      await strict.db.models.ScimToken.update({ revokedAt: strict.clock.now() }, { where: { id: created.id } });
      expect(await authenticateScimToken(strict.ctx, created.token)).toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('limits a local-directory token to one organization, and refuses that for an SSO directory', async () => {
    const limited = await createScimToken(deps.ctx, testOperator, { directory: 'local', organization: 'acme' });
    expect(limited.organization?.slug).toBe('acme');
    expect((await authenticateScimToken(deps.ctx, limited.token))?.organizationId).toBe(limited.organization?.id);
    await expect(createScimToken(deps.ctx, testOperator, { directory: 'entra', organization: 'acme' })).rejects.toMatchObject({ code: 'scim_token.org_limit_local_only' });
  });
});
