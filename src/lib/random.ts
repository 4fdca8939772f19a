import { randomBytes, randomUUID } from 'node:crypto';

/** Randomness is injected so that tests can make ids and tokens predictable where they need to. */
export interface Random {
  uuid(): string;
  bytes(length: number): Buffer;
}

export const systemRandom: Random = {
  uuid: () => randomUUID(),
  bytes: (length) => randomBytes(length),
};

/** A URL-safe secret of `byteLength` random bytes (default 32 = 256 bits). */
export function randomToken(random: Random, byteLength = 32): string {
  return random.bytes(byteLength).toString('base64url');
}
