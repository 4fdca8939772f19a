import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listSettings } from '../../src/config/define.js';
import { ConfigError, DEFAULT_CONFIG_DIR, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { resolveSecrets } from '../../src/config/secrets.js';
import { tempDir } from '../helpers/settings.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives every key of the schema a default in config/default.json, and documents it', () => {
    const defaults = JSON.parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, 'default.json'), 'utf8'));
    for (const { path: key, definition } of listSettings(configSchema)) {
      const value = key.split('.').reduce((node: Record<string, unknown> | undefined, part) => node?.[part] as Record<string, unknown> | undefined, defaults);
      expect({ key, present: value !== undefined }).toEqual({ key, present: true });
      expect(definition.doc.length).toBeGreaterThan(10);
    }
  });

  it('starts on 127.0.0.1:8080 with SQLite and derives PUBLIC_URL from them', () => {
    const settings = loadConfig({ env: {} });
    expect(settings.server).toMatchObject({ host: '127.0.0.1', port: 8080, publicUrl: 'http://127.0.0.1:8080' });
    expect(settings.database.url).toBe('');
    expect(settings.env).toBe('development');
  });

  it('lets the environment override the files, and the NODE_ENV file override the defaults', () => {
    const settings = loadConfig({ env: { NODE_ENV: 'test', PORT: '9090', PUBLIC_URL: 'https://id.example.com/', ACTIVATION_TTL_HOURS: '48' } });
    expect(settings.server.port).toBe(9090);
    expect(settings.server.publicUrl).toBe('https://id.example.com');
    expect(settings.tokens.activationTtlHours).toBe(48);
    expect(settings.log.level).toBe('silent'); // from config/test.json
  });

  it('lists everything wrong at once, naming the variable and what was expected', () => {
    const problems = problemsOf(() => loadConfig({ env: { PORT: 'eighty', PUBLIC_URL: 'not a url', LOG_LEVEL: 'loud', NODE_ENV: 'staging' } }));
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT.*"eighty"/);
    expect(problems.join('\n')).toMatch(/PUBLIC_URL/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/NODE_ENV/);
  });

  it('refuses unknown keys in a configuration file (a typo would otherwise be ignored)', () => {
    const problems = problemsOf(() => loadConfig({ env: {}, overrides: { server: { prot: 1 } } }));
    expect(problems).toEqual(['unknown key "server.prot"']);
  });

  it('never echoes a secret value in an error', () => {
    const problems = problemsOf(() => loadConfig({ env: {}, overrides: { mail: { smtpUrl: 424242 } } }));
    expect(problems.join('\n')).not.toContain('424242');
    expect(problems.join('\n')).toContain('hidden');
  });

  it('returns frozen settings', () => {
    const settings = loadConfig({ env: {} });
    expect(Object.isFrozen(settings.server)).toBe(true);
    expect(() => {
      (settings.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reads any variable from the file NAME_FILE names (Docker and Kubernetes secrets), one trailing newline dropped', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'session_secret'), 'from-a-file-0123456789-0123456789-0123\n');
    writeFileSync(path.join(dir, 'port'), '9191');
    const settings = loadConfig({ env: { SESSION_SECRET_FILE: path.join(dir, 'session_secret'), PORT_FILE: path.join(dir, 'port') } });
    expect(settings.secrets.sessionSecret).toBe('from-a-file-0123456789-0123456789-0123');
    expect(settings.server.port).toBe(9191);
  });

  it('refuses NAME and NAME_FILE together, and a NAME_FILE that cannot be read, naming the file but not the value', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'key'), 'a'.repeat(64));
    const problems = problemsOf(() =>
      loadConfig({ env: { DATA_ENCRYPTION_KEY: 'b'.repeat(64), DATA_ENCRYPTION_KEY_FILE: path.join(dir, 'key'), SESSION_SECRET_FILE: path.join(dir, 'missing') } }),
    );
    expect(problems).toEqual([
      'SESSION_SECRET_FILE: cannot read ' + path.join(dir, 'missing') + ' (ENOENT)',
      'DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_KEY_FILE are both set: give one',
    ]);
    expect(problems.join('\n')).not.toContain('a'.repeat(64));
  });

  it('checks the role catalog: the default must be one of the roles', () => {
    const dir = tempDir();
    copyFileSync(path.join(DEFAULT_CONFIG_DIR, 'default.json'), path.join(dir, 'default.json'));
    writeFileSync(path.join(dir, 'roles.json'), JSON.stringify({ utility: { default: 'boss', roles: [{ key: 'viewer', label: 'Viewer', canManageUsers: false }] }, customer: { default: 'x', roles: [{ key: 'x', label: 'X', canManageUsers: true }] } }));
    expect(problemsOf(() => loadConfig({ env: {}, configDir: dir })).join('\n')).toMatch(/utility.default "boss" is not one of its roles/);
  });
});

describe('resolveSecrets', () => {
  const production = (env: NodeJS.ProcessEnv) => loadConfig({ env: { NODE_ENV: 'production', DATA_DIR: tempDir(), SMTP_URL: 'smtp://mail.example.com:587', ...env } });

  it('generates development secrets once and keeps them in the data directory', () => {
    const settings = loadConfig({ env: { DATA_DIR: tempDir() } });
    const first = resolveSecrets(settings);
    const second = resolveSecrets(settings);
    expect(first.generated).toBe(true);
    expect(second.sessionSecret).toBe(first.sessionSecret);
    expect(second.dataEncryptionKey.equals(first.dataEncryptionKey)).toBe(true);
  });

  it('refuses to start in production without secrets, listing both', () => {
    const problems = problemsOf(() => resolveSecrets(production({})));
    expect(problems).toEqual(['SESSION_SECRET is required in production', 'DATA_ENCRYPTION_KEY is required in production']);
  });

  it('refuses example values and the generated development secrets in production', () => {
    expect(problemsOf(() => resolveSecrets(production({ SESSION_SECRET: 'change-me-change-me-change-me-change-me', DATA_ENCRYPTION_KEY: 'ab'.repeat(32) }))).join()).toMatch(/example value/);
    const dataDir = tempDir();
    const dev = resolveSecrets(loadConfig({ env: { DATA_DIR: dataDir } }));
    const devKey = JSON.parse(readFileSync(path.join(dataDir, 'dev-secrets.json'), 'utf8')).dataEncryptionKey;
    const problems = problemsOf(() => resolveSecrets(loadConfig({ env: { NODE_ENV: 'production', DATA_DIR: dataDir, SMTP_URL: 'smtp://mail.example.com:587', SESSION_SECRET: dev.sessionSecret, DATA_ENCRYPTION_KEY: devKey } })));
    expect(problems).toHaveLength(2);
  });

  it('accepts real secrets in production', () => {
    const secrets = resolveSecrets(production({ SESSION_SECRET: 'q'.repeat(20) + 'Zx81ksPq02mNbvTr', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }));
    expect(secrets.generated).toBe(false);
    expect(secrets.dataEncryptionKey).toHaveLength(32);
  });
});

describe('README', () => {
  it('documents every configuration key as the schema does (npm run docs:config regenerates it)', async () => {
    const { configTable } = await import('../../src/config/docs.js');
    const readme = readFileSync(path.resolve('README.md'), 'utf8');
    expect(readme).toContain(configTable());
  });
});
