import { availableParallelism } from 'node:os';

/**
 * argon2 runs on libuv's thread pool, which Node shares with everything else that blocks: every query of the SQLite
 * driver, file reads, DNS lookups, zlib and asynchronous crypto. The pool is one first-come, first-served queue in
 * front of UV_THREADPOOL_SIZE threads (4 by default). With as many verifications in flight as threads, a SQLite query
 * waited behind whole argon2 runs (tens of milliseconds each), several times per sign-in.
 *
 * So the pool is sized on purpose: a thread per CPU for argon2 (more argon2 threads than CPUs only share the same
 * cores, each holding its 19 MiB), plus OTHER_WORK_THREADS that argon2 never takes, so that a query or a file read
 * finds a free thread at once. argon2 work beyond its share waits in passwordHasher's queue, where nothing else waits
 * behind it. libuv reads UV_THREADPOOL_SIZE before any of idbridge's code runs: the Dockerfile sets it to the CPUs
 * plus OTHER_WORK_THREADS; config/load.ts reads what the process got, and argon2's share comes from that.
 */
export const OTHER_WORK_THREADS = 2;

/** How many argon2 hashes or verifications may run at once: one per CPU, within the pool less the other work's share. */
export function argon2Slots(pool: number, cpus: number = availableParallelism()): number {
  return Math.max(1, Math.min(cpus, pool - OTHER_WORK_THREADS));
}

/** The pool a machine with `cpus` CPUs should have: argon2's thread per CPU and the other work's share. */
export function recommendedThreadpoolSize(cpus: number = availableParallelism()): number {
  return cpus + OTHER_WORK_THREADS;
}

export interface ThreadpoolReport {
  /** Threads of libuv's pool. */
  threadpool: number;
  /** Of those, how many argon2 may hold at once. */
  argon2Slots: number;
  cpus: number;
  /** The pool this machine should have (CPUs + OTHER_WORK_THREADS). */
  recommended: number;
}

/** argon2's share of a pool of `pool` threads on this machine, for the start-up log. */
export function describeThreadpool(pool: number, cpus: number = availableParallelism()): ThreadpoolReport {
  return { threadpool: pool, argon2Slots: argon2Slots(pool, cpus), cpus, recommended: recommendedThreadpoolSize(cpus) };
}

/** A first-come, first-served queue that lets at most `size` pieces of work run at once. */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`Slots takes a positive whole number, not ${size}`);
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free -= 1;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, if any.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    }
  }
}
