/**
 * What every benchmark shares: an isolated data directory (or PostgreSQL schema), the server started as its own
 * process so that its CPU time can be read from /proc, percentiles, and a markdown table printer.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sequelize } from 'sequelize';

export type BenchDb = 'sqlite' | 'postgres';

/** The environment of a benchmark server: a fresh SQLite file, or a fresh schema in PostgreSQL. */
export function benchEnv(db: BenchDb, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db must be sqlite or postgres, not ${String(db)}`);
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'idb-bench-')),
    LOG_LEVEL: 'error',
    ...(db === 'postgres'
      ? { DATABASE_URL: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test', DATABASE_SCHEMA: `bench_${Date.now()}` }
      : {}),
    ...extra,
  };
}

/** Removes what a benchmark wrote: its data directory (the SQLite file), and its PostgreSQL schema. */
export async function removeBenchData(env: NodeJS.ProcessEnv): Promise<void> {
  if (env.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
  if (!env.DATABASE_URL || !env.DATABASE_SCHEMA) return;
  const sequelize = new Sequelize(env.DATABASE_URL, { dialect: 'postgres', logging: false });
  try {
    await sequelize.query(`DROP SCHEMA IF EXISTS "${env.DATABASE_SCHEMA}" CASCADE`);
  } finally {
    await sequelize.close();
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** User + system CPU time of a process so far, in milliseconds (clock ticks are 1/100 s on Linux). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time so far of each PostgreSQL process on this machine, in milliseconds, by pid. */
export function postgresCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) cpu.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return cpu;
}

/**
 * The CPU PostgreSQL spent since `before` (a postgresCpu reading): the backends serving the server's connections,
 * and the writer, checkpointer and WAL writer that their writes wake. Sampled around a workload, it is the
 * database's share of each request, which idbridge's own CPU time leaves out. A backend that started meanwhile counts
 * from zero; one that ended takes its last reading with it. (Other clients of the same PostgreSQL count too: run
 * the bench on a quiet one.)
 */
export function postgresCpuSince(before: Map<number, number>): number {
  let spent = 0;
  for (const [pid, now] of postgresCpu()) spent += now - (before.get(pid) ?? 0);
  return spent;
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export interface BenchServer extends Measurable {
  base: string;
  stop(): Promise<void>;
}

/**
 * Compiles the server (`npm run build`) unless this bench run already did: benchmarks measure the server as it is
 * deployed (`node dist/src/main.js`, as the Dockerfile runs it), not under tsx, whose source maps make every stack
 * trace (sequelize takes one per query) several times dearer.
 */
export function buildServer(): void {
  if (process.env.IDBRIDGE_BENCH_BUILT === '1') return;
  const built = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('npm run build failed');
  process.env.IDBRIDGE_BENCH_BUILT = '1';
}

/** Starts the compiled server under node itself (no wrapper), so that /proc/<pid> is the server's own process. */
export async function startServer(env: NodeJS.ProcessEnv, checkout?: string): Promise<BenchServer> {
  // Another checkout (a baseline to compare with) brings its own build.
  if (!checkout) buildServer();
  const root = checkout ?? process.cwd();
  // IDBRIDGE_BENCH_CPU_PROF=dir writes the server's CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.IDBRIDGE_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.IDBRIDGE_BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(root, 'dist/src/main.js')], { cwd: root, env: { ...env, PORT: '0', LOG_LEVEL: 'info', CONFIG_DIR: path.join(root, 'config') } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stderr.on('data', (chunk) => (out += String(chunk)));
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      const port = /"port":(\d+),.*"msg":"idbridge listening"/.exec(out)?.[1];
      if (port) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({ base: `http://127.0.0.1:${port}`, pid: child.pid as number, db: env.DATABASE_URL ? 'postgres' : 'sqlite', stop: () => (child.kill('SIGTERM'), exited) });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

export interface Measured {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The server process's CPU time per call (median round), in milliseconds. */
  cpuPerRequest: number;
  /** PostgreSQL's CPU time per call over the whole run, when the measured server uses it. */
  dbCpuPerRequest?: number;
}

/** What `measure` reads the CPU time of: the server's process, and PostgreSQL's when the server uses it. */
export interface Measurable {
  pid: number;
  db?: BenchDb;
}

/** Rounds a long measurement is cut into, so that its CPU per request is the median of five readings. */
const ROUNDS = 5;
/** Fewest calls per round: the CPU clock ticks every 10 ms, so a round needs a few hundred cheap calls to read. */
const CALLS_PER_ROUND = 200;

/**
 * Runs `operation` `count` times with `concurrency` callers and measures wall-clock latency per call and the
 * server's CPU time per call. A run of at least 1,000 calls goes in five rounds and reports the median round's
 * CPU per call: on this virtual machine another tenant's burst can slow one second of a run by half, and the
 * median keeps such a second from deciding the figure. Latency percentiles are over every call.
 */
export async function measure(target: number | Measurable, count: number, concurrency: number, operation: (i: number) => Promise<unknown>): Promise<Measured> {
  const { pid, db } = typeof target === 'number' ? { pid: target, db: undefined } : target;
  const dbCpuBefore = db === 'postgres' ? postgresCpu() : undefined;
  const latencies: number[] = [];
  const rounds = count >= ROUNDS * CALLS_PER_ROUND ? ROUNDS : 1;
  const cpuPerCall: number[] = [];
  const started = performance.now();
  let next = 0;
  for (let round = 1; round <= rounds; round++) {
    const end = Math.round((count * round) / rounds);
    const first = next;
    const cpuBefore = cpuMs(pid);
    await Promise.all(
      Array.from({ length: Math.max(1, concurrency) }, async () => {
        while (next < end) {
          const i = next++;
          const t = performance.now();
          await operation(i);
          latencies.push(performance.now() - t);
        }
      }),
    );
    cpuPerCall.push((cpuMs(pid) - cpuBefore) / Math.max(1, end - first));
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  cpuPerCall.sort((a, b) => a - b);
  const measured: Measured = { count: latencies.length, perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), cpuPerRequest: percentile(cpuPerCall, 50) };
  if (dbCpuBefore) measured.dbCpuPerRequest = postgresCpuSince(dbCpuBefore) / Math.max(1, latencies.length);
  return measured;
}

export function table(headings: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headings), line(headings.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = (n: number, digits = 1): string => n.toFixed(digits);

export interface Yardstick extends BenchServer {
  /** Sets what the yardstick answers every request with until told otherwise. */
  answer(status: number, body: unknown): Promise<void>;
}

/** Starts bench/yardstick.ts (a bare `node:http` server answering one constant resource) as a process of its own. */
export async function startYardstick(): Promise<Yardstick> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('yardstick.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve((JSON.parse(String(chunk)) as { port: number }).port));
    child.on('exit', (code) => reject(new Error(`the yardstick exited (${code})`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    pid: child.pid as number,
    stop: () => (child.kill('SIGTERM'), exited),
    answer: async (status, body) => {
      const response = await fetch(`${base}/__answer`, { method: 'PUT', body: JSON.stringify({ status, body: body === undefined ? '' : JSON.stringify(body) }) });
      if (response.status !== 204) throw new Error(`the yardstick refused its answer: ${response.status}`);
    },
  };
}
