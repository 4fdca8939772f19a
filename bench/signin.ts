/**
 * Sign-in throughput against argon2id itself, and equal timing for unknown accounts. Each sign-in verifies one
 * argon2id hash, so the most a machine can do is its raw verify rate: the bench measures both side by side, at each
 * concurrency, in the same run, because the machine is shared and its speed changes from minute to minute:
 *
 *   raw, sign-in, raw, sign-in, … raw: --rounds sign-in periods of --seconds, each between two raw periods;
 *
 * - raw: argon2id verifications in a child process of their own, with the argon2 package the server loads, the
 *   server's hash parameters and UV_THREADPOOL_SIZE, and `concurrency` verifications in flight;
 * - sign-in: the sign-in page, then POST /sign-in/password, over HTTP, `concurrency` at a time.
 *
 * A round's ratio is its sign-ins per second over the mean of the raw rates before and after it; the table gives the
 * median round (target: 0.90). Server CPU per sign-in is read from /proc next to the raw side's CPU per verification;
 * the CPU-bound ceiling is the ratio the two would reach if CPU were all that limited both (raw CPU per verify over
 * server and client CPU per sign-in: the HTTP client shares the machine, the raw side has none), and the machine's
 * busy share during each kind of period says whether it did. Then a wrong password for a
 * known account and one for an unknown account must take the same time (p50 within 5 %): timing must not tell which
 * accounts exist; the bench fails otherwise.
 *
 *   npm run bench -- signin [--users 20] [--concurrency 4,8] [--seconds 6] [--rounds 3] [--db sqlite|postgres]
 *
 * The server runs with UV_THREADPOOL_SIZE as the Dockerfile sets it (CPUs + 2, see hashingThreads.ts), unless the
 * environment of the bench sets it: `UV_THREADPOOL_SIZE=4 npm run bench -- signin` measures Node's default.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import argon2 from 'argon2';
import { type BenchDb, benchEnv, cpuMs, percentile, removeBenchData, startServer, table } from './lib.js';

const PASSWORD = 'glacier tuba orchid 1987';
const TARGET_RATIO = 0.9;
/** Most that a known account's failure and an unknown account's may differ at p50, as a share of the slower. */
const EQUAL_TIMING_TOLERANCE = 0.05;

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '4,8' },
    seconds: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '3' },
    db: { type: 'string', default: 'sqlite' },
    // Internal: this file run as the raw side's child process (see rawVerifyWorker).
    'raw-worker': { type: 'boolean', default: false },
    hash: { type: 'string', default: '' },
  },
});
const concurrencies = values.concurrency.split(',').map(Number);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
if (concurrencies.some((c) => !Number.isInteger(c) || c < 1)) throw new Error(`--concurrency takes positive integers (4 or 4,8), not ${values.concurrency}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a positive integer, not ${values.rounds}`);

/** Operations completed in a period, over the time until the last one in flight finished. */
interface Rate {
  count: number;
  elapsed: number;
  /** CPU of the process doing the work (the server, or the raw child), in ms. */
  cpu: number;
}

const perSecond = (r: Rate) => r.count / r.elapsed;

/** Runs `operation` with `concurrency` callers until `seconds` have passed; counts completions and latencies. */
async function keepBusy(concurrency: number, operation: (i: number) => Promise<number | void>): Promise<{ count: number; elapsed: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const latency = await operation(next++);
        if (typeof latency === 'number') latencies.push(latency);
      }
    }),
  );
  return { count: next, elapsed: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/**
 * The raw side, in its own process: for each line read on stdin, verifies `hash` for --seconds with `concurrency`
 * in flight and answers its Rate as a line of JSON. Idle in between, so that it takes no CPU from the server.
 */
async function rawVerifyWorker(concurrency: number, hash: string): Promise<void> {
  const verify = async () => {
    if (!(await argon2.verify(hash, PASSWORD))) throw new Error('the raw side verified a wrong hash');
  };
  // Warm up: the first verifications start the pool's threads and allocate argon2's memory.
  await Promise.all(Array.from({ length: concurrency }, verify));
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'run') break;
    const cpuBefore = process.cpuUsage();
    const { count, elapsed } = await keepBusy(concurrency, verify);
    const cpu = process.cpuUsage(cpuBefore);
    const rate: Rate = { count, elapsed, cpu: (cpu.user + cpu.system) / 1000 };
    process.stdout.write(`${JSON.stringify(rate)}\n`);
  }
}

/** The raw side's child process: this file, with the server's environment. */
class RawVerifier {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;

  constructor(env: NodeJS.ProcessEnv, concurrency: number, hash: string) {
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--raw-worker', '--concurrency', String(concurrency), '--seconds', String(seconds), '--hash', hash];
    this.#child = spawn(process.execPath, args, { env: { ...env, PATH: process.env.PATH } });
    this.#child.stderr.pipe(process.stderr);
    this.#lines = createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  async #line(): Promise<string> {
    const { value, done } = await this.#lines.next();
    if (done) throw new Error('the raw verify child exited');
    return value;
  }

  async ready(): Promise<void> {
    if ((await this.#line()) !== 'ready') throw new Error('the raw verify child did not start');
  }

  async measure(): Promise<Rate> {
    this.#child.stdin.write('run\n');
    return JSON.parse(await this.#line()) as Rate;
  }

  /** The pid, to read its threads. */
  get pid(): number {
    return this.#child.pid as number;
  }

  stop(): void {
    this.#child.stdin.end();
  }
}

/**
 * The product's modules, loaded only by the parent: the raw side's child runs this file too, and must load nothing
 * but argon2 (a source file being edited elsewhere must not stop it, nor its start-up cost anything).
 */
async function product() {
  const [config, deps, logger, migrator, create, hasher, threads, passwords] = await Promise.all([
    import('../src/config/load.js'),
    import('../src/deps.js'),
    import('../src/lib/logger.js'),
    import('../src/db/migrator.js'),
    import('../src/identity/accounts/create.js'),
    import('../src/identity/credentials/passwordHasher.js'),
    import('../src/identity/credentials/hashingThreads.js'),
    import('../src/identity/credentials/passwords.js'),
  ]);
  return { ...config, ...deps, ...logger, ...migrator, ...create, ...hasher, ...threads, ...passwords };
}

/** Creates the users and answers a hash of the password made as the server makes it (for the raw side). */
async function seed(env: NodeJS.ProcessEnv, users: number): Promise<{ emails: string[]; hash: string; params: string }> {
  const { loadConfig, buildDeps, createLogger, migrateUp, createAccount, hashParameters, hashPassword } = await product();
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
  await deps.close();
  return { emails, hash, params: `m=${params.memoryKiB} KiB, t=${params.iterations}, p=${params.parallelism}` };
}

/**
 * The HTTP client: node:http on kept-alive connections rather than fetch, which spends several milliseconds of CPU per
 * sign-in on this machine, CPU the server would then lack and the raw side does not have to share.
 */
let agent = new http.Agent({ keepAlive: true });

/** Fresh connections for each measurement: the server closes those idle for 5 s, and a reuse would race the close. */
function newConnections(): void {
  agent.destroy();
  agent = new http.Agent({ keepAlive: true });
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; cookies: string[]; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** One sign-in as a browser makes it: the sign-in page (cookies, CSRF token), then the password. POST latency. */
async function signIn(base: string, identifier: string, password: string): Promise<number> {
  const page = await request(`${base}/sign-in`);
  const cookie = page.cookies.map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const started = performance.now();
  const body = new URLSearchParams({ _csrf: csrf, identifier, password }).toString();
  const response = await request(`${base}/sign-in/password`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)), cookie }, body });
  if (response.status !== 303 && response.status !== 401) throw new Error(`unexpected ${response.status}`);
  return performance.now() - started;
}

interface SignInRate extends Rate {
  latencies: number[];
  /** CPU of this process (the HTTP client), in ms: it shares the machine with the server. */
  clientCpu: number;
}

async function measureSignIns(base: string, pid: number, concurrency: number, pick: (i: number) => [string, string]): Promise<SignInRate> {
  newConnections();
  const cpuBefore = cpuMs(pid);
  const clientBefore = process.cpuUsage();
  const { count, elapsed, latencies } = await keepBusy(concurrency, (i) => signIn(base, ...pick(i)));
  const client = process.cpuUsage(clientBefore);
  return { count, elapsed, cpu: cpuMs(pid) - cpuBefore, clientCpu: (client.user + client.system) / 1000, latencies };
}

/** The machine's CPU time so far, busy and in all, from /proc/stat (clock ticks). */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/);
  const ticks = fields.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
}

/** Runs `period` and answers what it answers with the share of the machine's CPU that was busy meanwhile. */
async function withMachineBusy<T>(period: () => Promise<T>): Promise<T & { machineBusy: number }> {
  const before = machineTicks();
  const result = await period();
  const after = machineTicks();
  return { ...result, machineBusy: (after.busy - before.busy) / Math.max(1, after.total - before.total) };
}

/** The pool size libuv read in a process (its start-up environment) and the threads the process runs. */
function threadsOf(pid: number): { threadpool: string; threads: number } {
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const threadpool = environ.find((v) => v.startsWith('UV_THREADPOOL_SIZE='))?.split('=')[1] ?? '4 (unset)';
  return { threadpool, threads: readdirSync(`/proc/${pid}/task`).length };
}

const f1 = (n: number) => n.toFixed(1);
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Raw and sign-in periods taking turns at one concurrency; answers the throughput table's row. */
async function compareWithRaw(base: string, serverPid: number, raw: RawVerifier, concurrency: number, known: (i: number) => [string, string]): Promise<(string | number)[]> {
  const raws = [await withMachineBusy(() => raw.measure())];
  const signIns: (SignInRate & { machineBusy: number })[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    signIns.push(await withMachineBusy(() => measureSignIns(base, serverPid, concurrency, known)));
    raws.push(await withMachineBusy(() => raw.measure()));
    const around = (perSecond(raws[round] as Rate) + perSecond(raws[round + 1] as Rate)) / 2;
    ratios.push(perSecond(signIns[round] as Rate) / around);
  }
  const ratio = median(ratios);
  const signInCount = sum(signIns.map((s) => s.count));
  const serverCpu = sum(signIns.map((s) => s.cpu)) / signInCount;
  const rawCpu = sum(raws.map((r) => r.cpu)) / sum(raws.map((r) => r.count));
  const latencies = signIns.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const busy = (xs: { machineBusy: number }[]) => `${Math.round((sum(xs.map((x) => x.machineBusy)) / xs.length) * 100)} %`;
  return [
    concurrency,
    raws.map((r) => f1(perSecond(r))).join(' / '),
    signIns.map((s) => f1(perSecond(s))).join(' / '),
    ratios.map((r) => r.toFixed(2)).join(' / '),
    ratio.toFixed(2),
    ratio >= TARGET_RATIO ? 'yes' : 'no',
    f1(serverCpu),
    f1(rawCpu),
    f1(sum(signIns.map((s) => s.clientCpu)) / signInCount),
    (rawCpu / (serverCpu + sum(signIns.map((s) => s.clientCpu)) / signInCount)).toFixed(2),
    `${busy(raws)} / ${busy(signIns)}`,
    f1(percentile(latencies, 50)),
    f1(percentile(latencies, 99)),
  ];
}

/** A known account's wrong password against an unknown account, at one concurrency: the timing table's row. */
async function compareFailures(base: string, serverPid: number, concurrency: number, emails: string[]): Promise<{ row: (string | number)[]; equal: boolean }> {
  const wrong = await measureSignIns(base, serverPid, concurrency, (i) => [emails[i % emails.length] as string, 'not the password at all']);
  const unknown = await measureSignIns(base, serverPid, concurrency, (i) => [`nobody${i}@example.com`, 'not the password at all']);
  const [knownP50, unknownP50] = [percentile(wrong.latencies, 50), percentile(unknown.latencies, 50)];
  const equal = Math.abs(knownP50 - unknownP50) <= EQUAL_TIMING_TOLERANCE * Math.max(knownP50, unknownP50);
  const row = [concurrency, f1(knownP50), f1(unknownP50), f1(percentile(wrong.latencies, 99)), f1(percentile(unknown.latencies, 99)), equal ? 'yes' : 'no', f1(wrong.cpu / wrong.count), f1(unknown.cpu / unknown.count)];
  return { row, equal };
}

async function main(): Promise<void> {
  // The server gets the pool the Dockerfile gives it; the raw side gets the same environment.
  const threadpool = process.env.UV_THREADPOOL_SIZE ?? String((await product()).recommendedThreadpoolSize());
  const env = benchEnv(values.db as BenchDb, { RATE_LIMIT_SIGN_IN_PER_MINUTE: '10000', LOCKOUT_THRESHOLD: '100', UV_THREADPOOL_SIZE: threadpool });
  const { emails, hash, params } = await seed(env, Number(values.users));
  const server = await startServer(env);
  const known = (i: number): [string, string] => [emails[i % emails.length] as string, PASSWORD];
  try {
    await keepBusy(concurrencies[0] as number, (i) => signIn(server.base, ...known(i)).then(() => undefined)); // warm-up
    const { threadpool: serverPool, threads } = threadsOf(server.pid);
    console.log(`argon2id ${params}; server UV_THREADPOOL_SIZE=${serverPool} (read from /proc/${server.pid}/environ), ${threads} threads; ${values.db}; ${rounds} rounds of ${seconds} s per concurrency\n`);
    const throughput: (string | number)[][] = [];
    const timing: (string | number)[][] = [];
    let timingEqual = true;
    for (const concurrency of concurrencies) {
      const raw = new RawVerifier(env, concurrency, hash);
      try {
        await raw.ready();
        const rawPool = threadsOf(raw.pid).threadpool;
        if (rawPool !== serverPool) throw new Error(`the raw side runs with UV_THREADPOOL_SIZE=${rawPool}, the server with ${serverPool}`);
        throughput.push(await compareWithRaw(server.base, server.pid, raw, concurrency, known));
      } finally {
        raw.stop();
      }
      const failures = await compareFailures(server.base, server.pid, concurrency, emails);
      timing.push(failures.row);
      timingEqual &&= failures.equal;
    }
    console.log('password sign-ins (sign-in page + POST /sign-in/password) against raw argon2id verifies, taking turns in the same run\n');
    console.log(
      table(
        ['concurrency', 'raw verifies/s (each period)', 'sign-ins/s (each round)', 'ratio (each round)', 'ratio (median)', `met (≥ ${TARGET_RATIO.toFixed(2)})`, 'server CPU ms per sign-in', 'raw CPU ms per verify', 'client CPU ms per sign-in', 'CPU-bound ceiling', 'machine busy (raw / sign-in)', 'p50 ms (POST)', 'p99 ms (POST)'],
        throughput,
      ),
    );
    console.log('\nfailed sign-ins: a known account\'s wrong password and an unknown account must take the same time\n');
    console.log(table(['concurrency', 'known p50 ms', 'unknown p50 ms', 'known p99 ms', 'unknown p99 ms', `equal (p50 within ${EQUAL_TIMING_TOLERANCE * 100} %)`, 'server CPU ms (known)', 'server CPU ms (unknown)'], timing));
    if (!timingEqual) {
      console.error('\nan unknown account answers in a different time than a known one: timing reveals which accounts exist');
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
    await removeBenchData(env);
  }
}

if (values['raw-worker']) await rawVerifyWorker(concurrencies[0] as number, values.hash);
else await main();
