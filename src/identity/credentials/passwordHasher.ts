import type * as Argon2 from 'argon2';
import { lazyRequire } from '../../lib/lazyRequire.js';
import { Slots, describeThreadpool, type ThreadpoolReport } from './hashingThreads.js';

const argon2 = lazyRequire<typeof Argon2>('argon2');

export interface HashParameters {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** libuv's pool when nothing says otherwise (tests, the CLI): its default of 4 threads. */
const DEFAULT_THREADPOOL = 4;

let slots: Slots | undefined;

/**
 * Every argon2 computation of the process waits its turn here: at most argon2's share of libuv's pool runs at once, so
 * that the pool keeps threads free for the SQLite driver and file reads (see hashingThreads.ts). The pool is the
 * process's, and so is the queue.
 */
function argon2Queue(): Slots {
  return (slots ??= new Slots(describeThreadpool(DEFAULT_THREADPOOL).argon2Slots));
}

/**
 * Gives argon2 its share of the process's pool of `threadpool` threads (settings.threadpoolSize); the server calls it
 * as it starts, before any password is hashed. Answers the share, for the start-up log.
 */
export function useThreadpool(threadpool: number): ThreadpoolReport {
  const report = describeThreadpool(threadpool);
  slots = new Slots(report.argon2Slots);
  return report;
}

/** argon2id with the configured cost; every hash carries its own salt and parameters. */
export async function hashPassword(password: string, params: HashParameters): Promise<string> {
  return argon2Queue().run(() => argon2().hash(password, { type: argon2().argon2id, memoryCost: params.memoryKiB, timeCost: params.iterations, parallelism: params.parallelism }));
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2Queue().run(() => argon2().verify(hash, password));
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other parameters (it is upgraded at the next successful sign-in). */
export function needsRehash(hash: string, params: HashParameters): boolean {
  return argon2().needsRehash(hash, { memoryCost: params.memoryKiB, timeCost: params.iterations, parallelism: params.parallelism });
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification against a hash no password matches: unknown accounts take as long as known
 * ones, so timing does not tell whether an account exists. It waits in the same queue as every verification.
 */
export async function verifyAgainstDummy(password: string, params: HashParameters): Promise<false> {
  dummy ??= hashPassword(`no account ${Math.random()}`, params);
  await verifyPassword(await dummy, password);
  return false;
}
