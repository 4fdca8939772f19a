import { runCli } from '../../src/cli/run.js';
import { openTestDeps, type TestDeps } from '../helpers/db.js';
import { POSTGRES_URL, tempDir } from '../helpers/settings.js';

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

  it('creates a service token shown once, lists it without the secret, and revokes it', async () => {
    const platform = await json('admin-token', 'create', '--name', 'terraform');
    expect(platform).toMatchObject({ name: 'terraform', organization: null, state: 'active', token: expect.stringMatching(/^idbsvc_/) });
    const scoped = await json('admin-token', 'create', '--name', 'acme ci', '--org', 'acme', '--expires-in-days', '0');
    expect(scoped).toMatchObject({ organization: { slug: 'acme' }, role: 'full-access', expiresAt: null });
    const { tokens } = await json('admin-token', 'list');
    expect(tokens.map((t: { name: string }) => t.name).sort()).toEqual(['acme ci', 'terraform']);
    expect(JSON.stringify(tokens)).not.toContain(platform.token);
    const text = await cli('admin-token', 'list');
    expect(text.stdout).toMatch(/NAME\s+ORGANIZATION\s+HINT\s+STATE\s+CREATED\s+EXPIRES\s+LAST USED/);
    expect(text.stdout).toMatch(/terraform\s+platform\s+…\S{4}\s+active/);
    expect(text.stdout).toMatch(/acme ci\s+acme \(full-access\)/);
    expect(await json('admin-token', 'revoke', '--id', platform.id)).toMatchObject({ state: 'revoked' });
    const human = await cli('admin-token', 'create', '--name', 'once');
    expect(human.stdout).toMatch(/Created service token "once" .*a platform administrator\.\nExpires: \S+\n.*not shown again:\n {2}idbsvc_\S+$/);
    const refused = await cli('admin-token', 'create', '--name', 'x', '--expires-in-days', '731', '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr as string)).toMatchObject({ error: { code: 'service_token.invalid' } });
    expect((await cli('admin-token', 'create')).stderr).toContain('--name is required');
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
    expect(missing.stderr).toContain('usage: idbridge org create');
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

describe('operator CLI: org brand', () => {
  let deps: TestDeps;
  const cli = (...argv: string[]) => runCli(argv, deps.env);
  const json = async (...argv: string[]) => {
    const outcome = await cli(...argv, '--json');
    if (outcome.code !== 0) throw new Error(outcome.stderr);
    return JSON.parse(outcome.stdout as string);
  };

  beforeAll(async () => {
    deps = await openTestDeps();
    await json('org', 'create', '--kind', 'utility', '--name', 'River Water', '--slug', 'river', '--support-email', 'help@river.test');
  });
  afterAll(() => deps.close());

  it('shows a brand with its defaults, sets fields, and clears one with an empty value', async () => {
    const shown = await cli('org', 'brand', '--org', 'river');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^Brand of river "River Water":\n/);
    expect(shown.stdout).toMatch(/Display name\s+River Water \(default\)/);
    expect(shown.stdout).toMatch(/Primary colour\s+#0b5cad \(default\)/);
    expect(shown.stdout).toMatch(/Logo\s+none/);
    expect(shown.stdout).toMatch(/Support contact\s+help@river\.test/);

    const set = await json('org', 'brand', '--org', 'river', '--display-name', 'River Water Co.', '--color', '#1A4D2E', '--product-name', 'River Water customer portal', '--sender-name', 'River Water', '--authenticator-name', 'River Water');
    expect(set.brand).toEqual({ displayName: 'River Water Co.', primaryColor: '#1a4d2e', productName: 'River Water customer portal', senderName: 'River Water', authenticatorName: 'River Water' });
    const cleared = await json('org', 'brand', '--org', 'river', '--sender-name', '');
    expect(cleared.brand.senderName).toBeUndefined();
    expect(cleared.effective.senderName).toBe('River Water Co.');
    const text = await cli('org', 'brand', '--org', 'river');
    expect(text.stdout).toMatch(/Display name\s+River Water Co\.\n/);
    expect(text.stdout).toMatch(/Sender name\s+River Water Co\. \(default\)/);
  });

  it('refuses a colour that fails WCAG AA with exit code 1 and the reason, changing nothing', async () => {
    const before = await json('org', 'brand', '--org', 'river');
    const refused = await cli('org', 'brand', '--org', 'river', '--color', '#ffcc00', '--product-name', 'Changed');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^idbridge: primaryColor: is too light: .*at least 4\.5:1 \(WCAG AA\), and it has 1\.39:1; choose a darker shade$/);
    const asJson = await cli('org', 'brand', '--org', 'river', '--color', '#999999', '--json');
    expect(JSON.parse(asJson.stderr as string).error.code).toBe('brand.invalid');
    expect(await json('org', 'brand', '--org', 'river')).toEqual(before);
  });

  it('sets a logo from a file (its type read from the bytes), refuses SVG and damaged files, and removes it', async () => {
    const { writeFileSync } = await import('node:fs');
    const { pngFile, jpegFile, SVG_LOGO } = await import('../helpers/logoFiles.js');
    const dir = deps.settings.dataDir;
    writeFileSync(`${dir}/logo.png`, pngFile(120, 40));
    writeFileSync(`${dir}/logo.jpeg-named.png`, jpegFile(300, 100));
    writeFileSync(`${dir}/logo.svg`, SVG_LOGO);
    writeFileSync(`${dir}/broken.png`, pngFile(120, 40).subarray(0, 50));
    writeFileSync(`${dir}/huge.png`, Buffer.concat([pngFile(20, 20), Buffer.alloc(300 * 1024)]));

    const set = await json('org', 'brand', '--org', 'river', '--logo', `${dir}/logo.png`);
    expect(set.logo).toMatchObject({ contentType: 'image/png', width: 120, height: 40, path: expect.stringMatching(/^\/brand\/river\/logo-[0-9a-f]{16}\.png$/) });
    expect((await cli('org', 'brand', '--org', 'river')).stdout).toMatch(/Logo\s+image\/png 120x40, 1 KiB, \/brand\/river\/logo-/);
    // The name says .png; the bytes are a JPEG: the bytes decide.
    expect((await json('org', 'brand', '--org', 'river', '--logo', `${dir}/logo.jpeg-named.png`)).logo).toMatchObject({ contentType: 'image/jpeg', width: 300, height: 100 });

    const svg = await cli('org', 'brand', '--org', 'river', '--logo', `${dir}/logo.svg`, '--display-name', 'Not this', '--json');
    expect(svg.code).toBe(1);
    expect(JSON.parse(svg.stderr as string).error).toMatchObject({ code: 'logo.svg', message: expect.stringContaining('can carry script') });
    expect((await cli('org', 'brand', '--org', 'river', '--logo', `${dir}/broken.png`)).stderr).toContain('The PNG file is incomplete');
    expect((await cli('org', 'brand', '--org', 'river', '--logo', `${dir}/huge.png`)).stderr).toBe('idbridge: The logo is 301 KiB; at most 256 KiB is accepted.');
    const kept = await json('org', 'brand', '--org', 'river');
    expect(kept).toMatchObject({ brand: { displayName: 'River Water Co.' }, logo: { contentType: 'image/jpeg' } });

    const missing = await cli('org', 'brand', '--org', 'river', '--logo', `${dir}/nope.png`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read the logo file "${dir}/nope.png": ENOENT`);
    const both = await cli('org', 'brand', '--org', 'river', '--logo', `${dir}/logo.png`, '--remove-logo');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --logo FILE or --remove-logo, not both');

    expect((await json('org', 'brand', '--org', 'river', '--remove-logo')).logo).toBeNull();
    const audit = await deps.db.models.AuditEvent.findAll({ where: { action: ['organization.brand_changed', 'organization.brand_logo_changed', 'organization.brand_logo_removed'] }, order: [['id', 'ASC']] });
    expect(audit.map((event) => event.action)).toEqual(['organization.brand_changed', 'organization.brand_changed', 'organization.brand_logo_changed', 'organization.brand_logo_changed', 'organization.brand_logo_removed']);
    expect(audit.every((event) => event.actorType === 'operator')).toBe(true);
  });

  it('says an unknown organization is not found', async () => {
    const outcome = await cli('org', 'brand', '--org', 'nowhere', '--json');
    expect(outcome.code).toBe(1);
    expect(JSON.parse(outcome.stderr as string).error.code).toBe('organization.not_found');
    expect((await cli('org', 'brand')).stderr).toContain('--org is required');
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

describe('operator CLI: a database it cannot use', () => {
  it('names the database and what to check, with exit code 69, instead of "unexpected failure"', async () => {
    const env = { NODE_ENV: 'test', DATA_DIR: tempDir(), DATABASE_URL: POSTGRES_URL.replace(/\/[^/?]*(\?.*)?$/, `/idbridge_missing_${Date.now()}`) };
    const outcome = await runCli(['user', 'list', '--json'], env);
    expect(outcome.code).toBe(69);
    const error = JSON.parse(outcome.stderr as string).error;
    expect(error.code).toBe('database.unavailable');
    expect(error.message).toMatch(/^cannot use the database postgres:\/\/.*idbridge_missing_\d+: database "idbridge_missing_\d+" does not exist; create it/);
    const text = await runCli(['user', 'list'], { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' });
    expect(text.code).toBe(69);
    expect(text.stderr).toMatch(/^idbridge: cannot use the database postgres:\/\/postgres@127\.0\.0\.1:1\/x: .*check that the database server is running/);
  });
});
