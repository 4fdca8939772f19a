import { Sequelize } from 'sequelize';
import { freshDatabaseEnv } from '../helpers/db.js';
import { POSTGRES_URL, tempDir } from '../helpers/settings.js';
import { scaled } from '../helpers/machine.js';
import { killAllServers, spawnServer, startServer as start, stopServer as stop } from '../helpers/serverProcess.js';

afterEach(() => killAllServers());

describe('npm start', () => {
  const dataDir = tempDir();
  const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir, ...freshDatabaseEnv() };

  afterAll(async () => {
    if (env.DATABASE_SCHEMA) {
      const admin = new Sequelize(POSTGRES_URL, { logging: false });
      await admin.query(`DROP SCHEMA IF EXISTS "${env.DATABASE_SCHEMA}" CASCADE`);
      await admin.close();
    }
  });

  it('prints the administrator setup link on the first start only, answers /readyz, and stops cleanly', async () => {
    const first = await start(env);
    const ready = await fetch(`http://127.0.0.1:${first.port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', migrations: 'current' });
    expect(await stop(first)).toBe(0);
    const firstOutput = first.stdout.join('');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/activate\?token=[\w-]+)/.exec(firstOutput)?.[1];
    expect(link).toBeDefined();
    expect(firstOutput).toContain('admin@idbridge.local');

    const second = await start(env);
    expect(await stop(second)).toBe(0);
    const secondOutput = second.stdout.join('');
    expect(secondOutput).not.toContain('token=');
    expect(secondOutput).toContain('have not finished setting up');
    for (const line of secondOutput.split('\n').filter((l) => l.startsWith('{'))) expect(() => JSON.parse(line)).not.toThrow();
  }, scaled(150_000));

  it('refuses to start in production with development secrets, listing what to fix', async () => {
    const child = spawnServer({ NODE_ENV: 'production', DATA_DIR: tempDir(), PORT: '0', SMTP_URL: 'smtp://127.0.0.1:2525' });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(stderr).toContain('SESSION_SECRET is required in production');
    expect(stderr).toContain('DATA_ENCRYPTION_KEY is required in production');
  }, scaled(90_000));
});
