import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { Sequelize } from 'sequelize';
import { freshDatabaseEnv } from '../helpers/db.js';
import { POSTGRES_URL, tempDir } from '../helpers/settings.js';
import { machineLoad, scaled } from '../helpers/machine.js';

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  port: number;
}

/** Every server this file starts, so that none outlives a failed test (a live child keeps jest from exiting). */
const children = new Set<ChildProcessWithoutNullStreams>();

/** tsx runs the server in a child process of its own: killing tsx alone would leave the server running. */
function killGroup(child: ChildProcessWithoutNullStreams): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group has already exited
  }
}

afterEach(() => {
  for (const child of children) killGroup(child);
  children.clear();
});

/** `tsx src/main.ts`, as `npm start` runs it, in a process group of its own (see killGroup), with only PATH and `env`. */
function spawnServer(env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], { env: { PATH: process.env.PATH, ...env }, detached: true });
  children.add(child);
  return child;
}

/**
 * Starts the server the way `npm start` does, on a free port, and waits until it listens. A cold start
 * compiles the sources with tsx and takes about 2 s here; the wait is generous because a loaded CI machine
 * has been seen taking over 20 s.
 */
function start(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawnServer({ NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'info', ...env });
  const stdout: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within ${scaled(60_000) / 1000} s, ${machineLoad()}:\n${stdout.join('')}`)), scaled(60_000));
    child.stderr.on('data', (chunk) => stdout.push(String(chunk)));
    child.stdout.on('data', (chunk) => {
      stdout.push(String(chunk));
      const match = /"port":(\d+),.*"msg":"idbridge listening"/.exec(stdout.join(''));
      if (match) {
        clearTimeout(timer);
        resolve({ child, stdout, port: Number(match[1]) });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${stdout.join('')}`));
    });
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.on('exit', (code) => resolve(code));
    running.child.kill('SIGTERM');
  });
}

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
