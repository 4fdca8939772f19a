import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Settings } from '../config/schema.js';
import { ConfigError } from '../config/load.js';

export type PrivateJwk = Record<string, unknown> & { kty: string; kid: string; d: string };

const DEV_FILE = 'dev-oidc-keys.json';

function newKey(): PrivateJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' } as unknown as PrivateJwk;
}

function parseKeys(text: string): PrivateJwk[] {
  const source = text.trim().startsWith('{') ? text : readFileSync(text, 'utf8');
  let keys: unknown;
  try {
    keys = (JSON.parse(source) as { keys?: unknown }).keys;
  } catch {
    throw new ConfigError(['OIDC_SIGNING_KEYS is not a JWKS (JSON with a "keys" list), nor a file holding one']);
  }
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(['OIDC_SIGNING_KEYS has no keys']);
  return keys.map((key, index) => {
    const jwk = key as PrivateJwk;
    if (!jwk.d || !jwk.kid) throw new ConfigError([`OIDC_SIGNING_KEYS key ${index + 1} must be a private key with a "kid"`]);
    try {
      createPrivateKey({ key: jwk, format: 'jwk' });
    } catch (error) {
      throw new ConfigError([`OIDC_SIGNING_KEYS key ${index + 1} cannot be read: ${(error as Error).message}`]);
    }
    return jwk;
  });
}

/**
 * The private keys that sign ID tokens: from OIDC_SIGNING_KEYS (the first signs; the others are still published, so
 * that tokens signed before a rotation stay verifiable), or, outside production, a key generated once into dataDir.
 */
export function resolveSigningKeys(settings: Settings): PrivateJwk[] {
  if (settings.oidc.signingKeys) return parseKeys(settings.oidc.signingKeys);
  if (settings.env === 'production') throw new ConfigError(['OIDC_SIGNING_KEYS is required in production (a JWKS of private keys; see README)']);
  const file = path.resolve(settings.dataDir, DEV_FILE);
  if (existsSync(file)) return parseKeys(readFileSync(file, 'utf8'));
  const keys = { keys: [newKey()] };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys.keys;
}

/** A JWKS with one new key, to print for operators (npm run -s idbridge -- oidc-key generate). */
export function generateJwks(): { keys: PrivateJwk[] } {
  return { keys: [newKey()] };
}
