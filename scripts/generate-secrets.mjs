#!/usr/bin/env node
// Creates the secrets docker-compose.yml gives idbridge and PostgreSQL, one file each, in ./secrets (or the folder
// given as the first argument):
//   node scripts/generate-secrets.mjs && docker compose up --build -d
// Needs only Node (no npm ci). A file that already exists is kept, so running it again never changes a key that
// encrypted data or signed tokens depend on. The folder is private to you (0700); the files in it are readable
// (0644) because Docker mounts each one into its container as-is, where idbridge runs as another user.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] ?? 'secrets');
mkdirSync(dir, { recursive: true, mode: 0o700 });
chmodSync(dir, 0o700);

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
  return `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`;
}

const created = [];
const kept = [];
function secret(name, make) {
  const file = path.join(dir, name);
  if (existsSync(file)) {
    kept.push(name);
    return readFileSync(file, 'utf8').trim();
  }
  const value = make();
  writeFileSync(file, value.endsWith('\n') ? value : `${value}\n`, { mode: 0o644 });
  created.push(name);
  return value.trim();
}

secret('session_secret', () => randomBytes(48).toString('base64url'));
secret('data_encryption_key', () => randomBytes(32).toString('hex'));
secret('oidc_signing_keys', signingKeys);
secret('metrics_token', () => randomBytes(32).toString('base64url'));
const password = secret('postgres_password', () => randomBytes(24).toString('hex'));
secret('database_url', () => `postgres://idbridge:${password}@postgres:5432/idbridge`);

console.log(`secrets in ${dir}: ${created.length ? `created ${created.join(', ')}` : 'nothing new'}${kept.length ? `; kept ${kept.join(', ')}` : ''}`);
console.log('Keep this folder out of version control and back up data_encryption_key: without it, stored secrets cannot be read.');
