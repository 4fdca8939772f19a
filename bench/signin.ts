/**
 * Sign-in throughput: how many password sign-ins per second this machine completes, and whether an unknown account
 * answers as fast as a known one (it must, to reveal nothing). argon2id dominates: each sign-in verifies one hash.
 *
 *   npm run bench -- signin [--users 20] [--concurrency 4] [--seconds 10] [--db sqlite|postgres]
 */
import { createAccount } from '../src/identity/accounts/create.js';
import { parseArgs } from 'node:util';
import { hashPassword, verifyPassword } from '../src/identity/credentials/passwordHasher.js';
import { hashParameters } from '../src/identity/credentials/passwords.js';
import { loadConfig } from '../src/config/load.js';
import { migrateUp } from '../src/db/migrator.js';
import { buildDeps } from '../src/deps.js';
import { createLogger } from '../src/lib/logger.js';
import { type BenchDb, benchEnv, cpuMs, percentile, removeBenchData, startServer, table } from './lib.js';

const PASSWORD = 'glacier tuba orchid 1987';
const { values } = parseArgs({ options: { users: { type: 'string', default: '20' }, concurrency: { type: 'string', default: '4' }, seconds: { type: 'string', default: '10' }, db: { type: 'string', default: 'sqlite' } } });
const users = Number(values.users);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const env = benchEnv(values.db as BenchDb, { RATE_LIMIT_SIGN_IN_PER_MINUTE: '10000', LOCKOUT_THRESHOLD: '100' });

async function seed(): Promise<string[]> {
  const settings = loadConfig({ env });
  const deps = buildDeps(settings, { logger: createLogger({ level: 'silent' }) });
  await migrateUp(deps.db);
  const emails: string[] = [];
  for (let i = 0; i < users; i++) {
    const email = `bench${i}@example.com`;
    await createAccount(deps.ctx, { kind: 'operator', actor: { type: 'operator', label: 'bench' } }, { directory: 'local', attributes: { userName: email, emails: [{ value: email }] }, password: PASSWORD });
    emails.push(email);
  }
  const params = hashParameters(deps.ctx);
  const hash = await hashPassword(PASSWORD, params);
  const started = process.hrtime.bigint();
  for (let i = 0; i < 20; i++) await verifyPassword(hash, PASSWORD);
  console.log(`argon2id verify (m=${params.memoryKiB} KiB, t=${params.iterations}, p=${params.parallelism}): ${(Number(process.hrtime.bigint() - started) / 1e6 / 20).toFixed(1)} ms each, one at a time`);
  await deps.close();
  return emails;
}

async function signIn(base: string, identifier: string, password: string): Promise<number> {
  const page = await fetch(`${base}/sign-in`);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const started = performance.now();
  const response = await fetch(`${base}/sign-in/password`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrf, identifier, password }) });
  await response.arrayBuffer();
  if (response.status !== 303 && response.status !== 401) throw new Error(`unexpected ${response.status}`);
  return performance.now() - started;
}

async function load(base: string, pid: number, pick: (i: number) => [string, string]) {
  const latencies: number[] = [];
  const cpuBefore = cpuMs(pid);
  const end = Date.now() + seconds * 1000;
  let i = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const [identifier, password] = pick(i++);
      latencies.push(await signIn(base, identifier, password));
    }
  }));
  const cpu = cpuMs(pid) - cpuBefore;
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerRequest: cpu / latencies.length };
}

const emails = await seed();
const server = await startServer(env);
try {
  await load(server.base, server.pid, (i) => [emails[i % emails.length] as string, PASSWORD]);
  const rows = [
    ['successful sign-in', await load(server.base, server.pid, (i) => [emails[i % emails.length] as string, PASSWORD])],
    ['wrong password (known account)', await load(server.base, server.pid, (i) => [emails[i % emails.length] as string, 'not the password at all'])],
    ['unknown account', await load(server.base, server.pid, (i) => [`nobody${i}@example.com`, 'not the password at all'])],
  ] as const;
  console.log(`\nsign-in (POST /sign-in/password), ${values.db}, concurrency ${concurrency}, ${seconds} s each\n`);
  console.log(table(['workload', 'sign-ins', 'per second', 'p50 ms (POST)', 'p99 ms (POST)', 'server CPU ms per sign-in (page + POST)'], rows.map(([name, r]) => [name, r.count, r.perSecond.toFixed(1), r.p50.toFixed(1), r.p99.toFixed(1), r.cpuPerRequest.toFixed(1)])));
} finally {
  await server.stop();
  await removeBenchData(env);
}
