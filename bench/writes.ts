/**
 * The SCIM user writes of this checkout against another one's, measured side by side: what a change costs each
 * write, with the machine's noise shared by both (on this shared host, one run of `scim` against another minutes
 * later differs by ±20 %, more than most changes to a write path).
 *
 *   npm run bench -- writes --baseline ../other-checkout [--users 2000] [--rounds 8] [--calls 200] [--db sqlite|postgres]
 *
 * The baseline is another checkout with its dependencies and its build (`npm ci` or a node_modules link, then
 * `npm run build`), e.g. `git worktree add ../before <commit>`. Each build gets its own server (its own process,
 * SQLite file or PostgreSQL schema, organization, SSO directory and SCIM token) holding --users users, each signed in everywhere like the
 * scim workload's (10 hosted-page sessions and 10 OpenID Connect grants, with access and refresh tokens, of a portal).
 * Then, round after round, each workload runs --calls calls on one server, then the same on the other, so that both
 * see the same minute of the host: POST /Users, PATCH active=false (users never deactivated before, holding their
 * sessions and grants), PATCH active=true (the same users), DELETE /Users/{id} (the users this round created). The
 * table gives each build's median CPU per call over the rounds and the median of the rounds' ratios (on PostgreSQL,
 * also PostgreSQL's own CPU per call, sampled around each round). Without --baseline, this checkout alone.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Sequelize } from 'sequelize';
import sqlite3 from 'sqlite3';
import { type BenchDb, benchEnv, cpuMs, fmt, percentile, postgresCpu, postgresCpuSince, removeBenchData, startServer, table, type BenchServer } from './lib.js';

const { values } = parseArgs({
  options: {
    baseline: { type: 'string' },
    users: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '8' },
    calls: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    db: { type: 'string', default: 'sqlite' },
  },
});
const db = values.db as BenchDb;
const users = Number(values.users);
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(rounds) || rounds < 3) throw new Error('--rounds must be 3 or more (the figures are medians over rounds)');
if (!Number.isInteger(calls) || calls < 100) throw new Error('--calls must be 100 or more (the CPU clock ticks every 10 ms)');
/** Calls of each write before the first round (V8 compiles the hot paths over the first few hundred). */
const WARM_UP = 300;
if (!Number.isInteger(users) || users < rounds * calls + WARM_UP) throw new Error(`--users must be at least --rounds × --calls + ${WARM_UP} (${rounds * calls + WARM_UP}): each deactivation takes a user never deactivated before`);
const baseline = values.baseline ? path.resolve(values.baseline) : undefined;
if (baseline && !existsSync(path.join(baseline, 'dist/src/main.js'))) throw new Error(`${baseline} has no build: run npm run build there`);

const SESSIONS_PER_USER = 10;
const SCIM = 'application/scim+json';

interface Build {
  name: string;
  root: string;
  env: NodeJS.ProcessEnv;
  token: string;
  server: BenchServer;
  ids: string[];
  created: number;
}

/** The CLI of a checkout, on the build's database; answers its JSON. */
function cli(root: string, env: NodeJS.ProcessEnv, args: string[]): Record<string, unknown> {
  const run = spawnSync(process.execPath, [path.join(root, 'dist/src/cli/main.js'), ...args, '--json'], { cwd: root, env: { ...env, CONFIG_DIR: path.join(root, 'config') }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`idbridge ${args.join(' ')} (${root}): ${run.stdout}${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

async function call(build: Build, method: string, at: string, body?: unknown, expect = 200): Promise<{ id: string }> {
  const response = await fetch(`${build.server.base}/scim/v2${at}`, {
    method,
    headers: { authorization: `Bearer ${build.token}`, accept: SCIM, ...(body === undefined ? {} : { 'content-type': SCIM }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expect) throw new Error(`${build.name}: ${method} ${at}: ${response.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as { id: string };
}

const userBody = (i: number) => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: `user${i}@bench.example.com`,
  name: { givenName: `Given${i}`, familyName: `Family${i}` },
  emails: [{ primary: true, value: `user${i}@bench.example.com`, type: 'work' }],
  displayName: `Given${i} Family${i}`,
  externalId: `00u${i.toString(36).padStart(8, '0')}`,
  active: true,
});
const active = (value: boolean) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value }] });

/** Runs `count` calls, `concurrency` at a time; answers the server's CPU per call, and PostgreSQL's. */
async function cpuPerCall(build: Build, count: number, operation: (i: number) => Promise<unknown>): Promise<{ server: number; database: number }> {
  let next = 0;
  const before = cpuMs(build.server.pid);
  const databaseBefore = db === 'postgres' ? postgresCpu() : undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await operation(next++);
    }),
  );
  return { server: (cpuMs(build.server.pid) - before) / count, database: databaseBefore ? postgresCpuSince(databaseBefore) / count : 0 };
}

/** A connection to the build's database, for writing what the bench needs straight into its tables. */
async function openTables(build: Build): Promise<{ run(sql: string, params?: unknown[]): Promise<void>; close(): Promise<void> }> {
  if (db === 'postgres') {
    // One connection, so that the search path set once holds for every statement.
    const sequelize = new Sequelize(build.env.DATABASE_URL!, { dialect: 'postgres', logging: false, pool: { max: 1, min: 1 } });
    await sequelize.query(`SET search_path TO "${build.env.DATABASE_SCHEMA}"`);
    return {
      run: async (sql, params = []) => void (await sequelize.query(sql, { replacements: params as unknown[] })),
      close: () => sequelize.close(),
    };
  }
  const file = new sqlite3.Database(path.join(build.env.DATA_DIR!, 'idbridge.sqlite'));
  const run = (sql: string, params: unknown[] = []) => new Promise<void>((resolve, reject) => file.run(sql, params, (error) => (error ? reject(error) : resolve())));
  await run('PRAGMA busy_timeout = 10000');
  return { run, close: () => new Promise<void>((resolve) => file.close(() => resolve())) };
}

/** Sessions and grants for every user, written into the build's tables (they are the same in both builds). */
async function signInEverywhere(build: Build): Promise<void> {
  const { run, close } = await openTables(build);
  const later = db === 'postgres' ? new Date(Date.now() + 3_600_000) : new Date(Date.now() + 3_600_000).toISOString().replace('T', ' ').replace('Z', ' +00:00');
  await run('BEGIN');
  for (const [u, userId] of build.ids.entries()) {
    for (let k = 0; k < SESSIONS_PER_USER; k++) {
      await run('INSERT INTO sessions (id, user_id, stage, data, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [`bench-session-${u}-${k}`, userId, 'signed_in', '{}', later, later, later]);
      const grantId = `bench-grant-${u}-${k}`;
      for (const model of ['Grant', 'AccessToken', 'RefreshToken']) {
        await run('INSERT INTO oidc_payloads (model, id, payload, grant_id, account_id, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [model, `${grantId}-${model}`, JSON.stringify({ clientId: 'bench-portal', accountId: userId }), grantId, userId, later]);
      }
    }
  }
  await run('COMMIT');
  await close();
}

async function openBuild(name: string, root: string): Promise<Build> {
  const env = benchEnv(db, { SCIM_RATE_LIMIT_PER_SECOND: '1000000', SCIM_RATE_LIMIT_BURST: '1000000' });
  // Each build its own schema (benchEnv names it by the time).
  if (env.DATABASE_SCHEMA) env.DATABASE_SCHEMA = `${env.DATABASE_SCHEMA}_${name === 'baseline' ? 'b' : 'a'}`;
  cli(root, env, ['org', 'create', '--kind', 'customer', '--name', 'Bench Customer', '--slug', 'bench-customer']);
  cli(root, env, ['directory', 'create', '--kind', 'sso', '--name', 'bench-okta', '--org', 'bench-customer']);
  const { token } = cli(root, env, ['scim-token', 'create', '--directory', 'bench-okta', '--name', 'bench']) as { token: string };
  const server = await startServer(env, root === process.cwd() ? undefined : root);
  const build: Build = { name, root, env, token, server, ids: [], created: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < users) {
        const i = next++;
        build.ids[i] = (await call(build, 'POST', '/Users', userBody(i), 201)).id;
      }
    }),
  );
  build.created = users;
  await signInEverywhere(build);
  // Warm-up, unmeasured: each write on the users the rounds do not take, and creations deleted again.
  const spare = build.ids.slice(users - WARM_UP);
  const made: string[] = [];
  const warmUps: Array<(i: number) => Promise<unknown>> = [
    async (i) => (made[i] = (await call(build, 'POST', '/Users', userBody(build.created + i), 201)).id),
    (i) => call(build, 'DELETE', `/Users/${made[i]}`, undefined, 204),
    (i) => call(build, 'PATCH', `/Users/${spare[i]}`, active(false)),
    (i) => call(build, 'PATCH', `/Users/${spare[i]}`, active(true)),
  ];
  for (const operation of warmUps) await cpuPerCall(build, WARM_UP, operation);
  build.created += WARM_UP;
  return build;
}

const builds = [await openBuild('this checkout', process.cwd())];
if (baseline) builds.push(await openBuild('baseline', baseline));
console.log(`${builds.length === 2 ? 'two servers' : 'one server'} with ${users.toLocaleString('en')} users each, signed in everywhere; ${rounds} rounds of ${calls} calls per workload`);

type Workload = 'POST /Users' | 'PATCH active=false (10 sessions and grants)' | 'PATCH active=true' | 'DELETE /Users/{id}';
const workloads: Workload[] = ['POST /Users', 'PATCH active=false (10 sessions and grants)', 'PATCH active=true', 'DELETE /Users/{id}'];
const figures = new Map<string, Array<{ server: number; database: number }>>();
const record = (workload: Workload, build: Build, cpu: { server: number; database: number }) => {
  const key = `${workload}\u0000${build.name}`;
  figures.set(key, [...(figures.get(key) ?? []), cpu]);
};

for (let round = 0; round < rounds; round++) {
  const fresh = new Map<Build, string[]>(builds.map((b) => [b, []]));
  for (const workload of workloads) {
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const pool = build.ids.slice(round * calls, (round + 1) * calls);
      const made = fresh.get(build)!;
      const cpu = await cpuPerCall(build, calls, async (i) => {
        if (workload === 'POST /Users') made[i] = (await call(build, 'POST', '/Users', userBody(build.created + round * calls + i), 201)).id;
        else if (workload === 'DELETE /Users/{id}') await call(build, 'DELETE', `/Users/${made[i]}`, undefined, 204);
        else await call(build, 'PATCH', `/Users/${pool[i]}`, active(workload === 'PATCH active=true'));
      });
      record(workload, build, cpu);
    }
  }
  process.stdout.write(`round ${round + 1}/${rounds} done\n`);
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const postgres = db === 'postgres';
const rows = workloads.map((workload) => {
  const [mine, theirs] = builds.map((b) => figures.get(`${workload}\u0000${b.name}`)!);
  const server = (list: Array<{ server: number }>) => median(list.map((r) => r.server));
  const database = (list: Array<{ database: number }>) => (postgres ? [fmt(median(list.map((r) => r.database)), 2)] : []);
  if (!theirs) return [workload, fmt(server(mine!), 2), ...database(mine!)];
  const ratios = mine!.map((cpu, r) => cpu.server / theirs[r]!.server);
  return [workload, fmt(server(mine!), 2), ...database(mine!), fmt(server(theirs), 2), ...database(theirs), fmt(server(mine!) - server(theirs), 2), fmt(median(ratios), 2)];
});
const headings = (label: string) => (postgres ? [label, `${label}: PostgreSQL`] : [label]);
console.log(`\nserver CPU ms per call${postgres ? ' (and PostgreSQL\'s, sampled around each round)' : ''}, median of ${rounds} rounds of ${calls} calls on ${db}${baseline ? ` (baseline: ${baseline})` : ''}\n`);
console.log(table(['request', ...headings('this checkout'), ...(baseline ? [...headings('baseline'), 'difference (server)', 'ratio (server, median of rounds)'] : [])], rows));

for (const build of builds) {
  await build.server.stop();
  await removeBenchData(build.env);
}
