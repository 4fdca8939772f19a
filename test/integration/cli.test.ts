import { runCli } from '../../src/cli/run.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';

describe('operator CLI', () => {
  let deps: TestDeps;
  const cli = (...argv: string[]) => runCli(argv, deps.env);
  const json = async (...argv: string[]) => {
    const outcome = await cli(...argv, '--json');
    expect(outcome).toMatchObject({ code: 0 });
    expect(outcome.stderr).toBeUndefined();
    return JSON.parse(outcome.stdout as string);
  };

  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('creates and lists organizations, printing exactly one JSON object', async () => {
    const created = await json('org', 'create', '--kind', 'utility', '--name', 'River Water', '--slug', 'river', '--mfa-required', 'true');
    expect(created).toMatchObject({ id: expect.any(String), slug: 'river', kind: 'utility', policy: { mfaRequired: true } });
    const listed = await json('org', 'list');
    expect(listed.organizations.map((o: { slug: string }) => o.slug)).toEqual(['river']);
  });

  it('creates directories, links them, and refuses a second local directory', async () => {
    await json('org', 'create', '--kind', 'customer', '--name', 'Acme', '--slug', 'acme');
    expect(await json('directory', 'create', '--kind', 'sso', '--name', 'okta-acme', '--org', 'acme')).toMatchObject({ name: 'okta-acme', organizations: [{ slug: 'acme' }] });
    expect((await json('directory', 'link', '--directory', 'okta-acme', '--org', 'river')).organizations).toHaveLength(2);
    const refused = await cli('directory', 'create', '--kind', 'local', '--name', 'second', '--json');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBeUndefined();
    expect(JSON.parse(refused.stderr as string)).toMatchObject({ error: { code: 'directory.local_exists' } });
  });

  it('creates a SCIM token shown once, lists it without the secret, and revokes it', async () => {
    const created = await json('scim-token', 'create', '--directory', 'okta-acme', '--expires-in-days', '30');
    expect(created.token).toMatch(/^idbscim_/);
    const { tokens } = await json('scim-token', 'list', '--directory', 'okta-acme');
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(tokens)).not.toContain(created.token);
    expect(await json('scim-token', 'revoke', '--id', created.id)).toMatchObject({ state: 'revoked' });
  });

  it('creates a platform administrator with a one-time setup link and lists users by status', async () => {
    const admin = await json('admin', 'create', '--email', 'ops@example.com', '--name', 'Ops Person');
    expect(admin.setupLink).toMatch(/^http:\/\/127\.0\.0\.1:8080\/activate\?token=/);
    const listed = await json('user', 'list', '--status', 'PROVISIONED');
    expect(listed).toMatchObject({ total: 1, users: [{ userName: 'ops@example.com', status: 'PROVISIONED' }] });
    expect((await json('user', 'list', '--status', 'ACTIVE')).total).toBe(0);
  });

  it('says what to fix on a usage mistake, with exit code 2', async () => {
    const missing = await cli('org', 'create', '--kind', 'customer', '--name', 'X');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--slug is required');
    expect(missing.stderr).toContain('usage: npm run -s idbridge -- org create');
    const unknown = await cli('org', 'create', '--colour', 'blue');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.stderr).toContain("Unknown option '--colour'");
    const badStatus = await cli('user', 'list', '--status', 'SLEEPING', '--json');
    expect(JSON.parse(badStatus.stderr as string).error.message).toMatch(/--status must be one of PROVISIONED, ACTIVE/);
    expect((await cli('warp', 'drive')).stderr).toContain('unknown command "warp drive"');
  });

  it('reports bad configuration with exit code 78 and every problem', async () => {
    const outcome = await runCli(['org', 'list'], { ...deps.env, PORT: 'x', LOG_LEVEL: 'loud' });
    expect(outcome.code).toBe(78);
    expect(outcome.stderr).toMatch(/PORT[\s\S]*LOG_LEVEL/);
  });
});

describe('operator CLI: SAML', () => {
  let deps: TestDeps;
  const json = async (...argv: string[]) => {
    const outcome = await runCli([...argv, '--json'], deps.env);
    if (outcome.code !== 0) throw new Error(outcome.stderr);
    return JSON.parse(outcome.stdout as string);
  };

  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('configures a directory from the IdP metadata file, then changes one option, keeping the rest', async () => {
    const { TestIdp, fixtureKey } = await import('../helpers/samlIdp.js');
    const { writeFileSync } = await import('node:fs');
    const idp = new TestIdp();
    const file = `${deps.settings.dataDir}/idp-metadata.xml`;
    writeFileSync(file, idp.metadata([fixtureKey('idp').cert, fixtureKey('idp-rotated').cert]));
    await json('directory', 'create', '--kind', 'sso', '--name', 'okta');
    const configured = await json('directory', 'saml', '--directory', 'okta', '--metadata', file, '--domain', 'acme.test', '--match', 'email');
    expect(configured).toMatchObject({ idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, sloUrl: idp.sloUrl }, matchAttribute: 'email', domains: ['acme.test'], sp: { acsUrl: 'http://127.0.0.1:8080/saml/okta/acs' } });
    expect(configured.idp.certificates).toHaveLength(2);
    const changed = await json('directory', 'saml', '--directory', 'okta', '--allow-idp-initiated', 'true');
    expect(changed).toMatchObject({ allowIdpInitiated: true, matchAttribute: 'email', domains: ['acme.test'] });
    expect(await json('directory', 'saml', '--directory', 'okta')).toMatchObject({ allowIdpInitiated: true });
  });

  it('refuses SAML on the local directory and an unreadable certificate, saying why', async () => {
    const local = await runCli(['directory', 'saml', '--directory', 'local', '--entity-id', 'x', '--sso-url', 'https://idp.test/sso', '--cert', 'package.json'], deps.env);
    expect(local.code).toBe(1);
    expect(local.stderr).toMatch(/not a PEM X.509 certificate|SSO directories/);
    const missing = await runCli(['directory', 'saml', '--directory', 'okta', '--cert', '/nonexistent.pem'], deps.env);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('cannot read the certificate file "/nonexistent.pem"');
  });
});

describe('operator CLI: OpenID Connect clients', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await openTestDeps();
  });
  afterAll(() => deps.close());

  it('registers a client, printing its secret once and keeping it encrypted, and lists it without the secret', async () => {
    await runCli(['org', 'create', '--kind', 'customer', '--name', 'Acme', '--slug', 'acme'], deps.env);
    const created = await runCli(['oidc-client', 'create', '--name', 'Acme portal', '--redirect-uri', 'https://portal.acme.test/callback', '--first-party', '--org', 'acme', '--json'], deps.env);
    expect(created.code).toBe(0);
    const client = JSON.parse(created.stdout as string);
    expect(client).toMatchObject({ name: 'Acme portal', firstParty: true, redirectUris: ['https://portal.acme.test/callback'], organizations: [{ slug: 'acme' }], clientSecret: expect.stringMatching(/^[\w-]{43}$/) });
    const stored = await deps.db.models.OidcClient.findAll({ raw: true });
    expect(JSON.stringify(stored)).not.toContain(client.clientSecret);
    const listed = await runCli(['oidc-client', 'list', '--json'], deps.env);
    expect(listed.stdout).toContain(client.clientId);
    expect(listed.stdout).not.toContain(client.clientSecret);
    const insecure = await runCli(['oidc-client', 'create', '--name', 'Bad', '--redirect-uri', 'http://portal.acme.test/cb'], deps.env);
    expect(insecure.code).toBe(1);
    expect(insecure.stderr).toContain('must be https (http only for localhost)');
  });

  it('generates a signing key as a JWKS', async () => {
    const generated = JSON.parse((await runCli(['oidc-key', 'generate', '--json'], deps.env)).stdout as string);
    expect(generated.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), d: expect.any(String) });
  });
});
