import type * as Argon2 from 'argon2';
import { lazyRequire } from '../../lib/lazyRequire.js';

const argon2 = lazyRequire<typeof Argon2>('argon2');

export interface HashParameters {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** argon2id with the configured cost; every hash carries its own salt and parameters. */
export async function hashPassword(password: string, params: HashParameters): Promise<string> {
  return argon2().hash(password, { type: argon2().argon2id, memoryCost: params.memoryKiB, timeCost: params.iterations, parallelism: params.parallelism });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2().verify(hash, password);
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
 * ones, so timing does not tell whether an account exists.
 */
export async function verifyAgainstDummy(password: string, params: HashParameters): Promise<false> {
  dummy ??= hashPassword(`no account ${Math.random()}`, params);
  await verifyPassword(await dummy, password);
  return false;
}
