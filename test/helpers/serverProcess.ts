import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { machineLoad, scaled } from './machine.js';

/** A server started as `npm start` starts it, in a process of its own. */
export interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: string[];
  port: number;
}

/** Every server started here and not yet stopped, so that none outlives a failed test (see killAllServers). */
const children = new Set<ChildProcessWithoutNullStreams>();

/** tsx runs the server in a child process of its own: killing tsx alone would leave the server running. */
export function killGroup(child: ChildProcessWithoutNullStreams): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group has already exited
  }
}

/** Kills every server still running (for afterEach: a live child keeps jest from exiting). */
export function killAllServers(): void {
  for (const child of children) killGroup(child);
  children.clear();
}

/** `tsx src/main.ts`, as `npm start` runs it, in a process group of its own (see killGroup), with only PATH and `env`. */
export function spawnServer(env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  const child = spawn(path.resolve('node_modules/.bin/tsx'), ['src/main.ts'], { env: { PATH: process.env.PATH, ...env }, detached: true });
  children.add(child);
  return child;
}

/**
 * Starts the server the way `npm start` does, on a free port, and waits until it listens. A cold start
 * compiles the sources with tsx and takes about 2 s here; the wait is generous because a loaded CI machine
 * has been seen taking over 20 s.
 */
export function startServer(env: NodeJS.ProcessEnv): Promise<Running> {
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

export function stopServer(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.on('exit', (code) => {
      children.delete(running.child);
      resolve(code);
    });
    running.child.kill('SIGTERM');
  });
}
