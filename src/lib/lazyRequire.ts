import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A package loaded on its first use instead of at start-up: a CLI command or a server start that never hashes a
 * password or sends an email does not pay for loading argon2 or nodemailer (README: the
 * CLI's start time). Only for packages whose entry and dependencies are CommonJS (otplib's are not: Node 20 cannot
 * require an ES module); the type comes from `typeof import(…)`.
 */
export function lazyRequire<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
