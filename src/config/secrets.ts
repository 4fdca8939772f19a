import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseEncryptionKey } from '../lib/crypto.js';
import { ConfigError } from './load.js';
import type { Settings } from './schema.js';

export interface ResolvedSecrets {
  sessionSecret: string;
  dataEncryptionKey: Buffer;
  /** True when the values came from the generated development file. */
  generated: boolean;
}

const DEV_FILE = 'dev-secrets.json';
/** Values that appear in our own examples (docker-compose.yml, README); never acceptable in production. */
const PLACEHOLDERS = ['change-me', 'changeme', 'secret', 'development'];

interface DevSecrets {
  sessionSecret: string;
  dataEncryptionKey: string;
}

function readDevSecrets(file: string): DevSecrets | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
}

/**
 * SESSION_SECRET and DATA_ENCRYPTION_KEY: required in production, where the generated development values and
 * known placeholders are refused; elsewhere generated once and kept in dataDir/dev-secrets.json.
 */
export function resolveSecrets(settings: Settings): ResolvedSecrets {
  const file = path.resolve(settings.dataDir, DEV_FILE);
  const { sessionSecret, dataEncryptionKey } = settings.secrets;
  const problems: string[] = [];

  if (settings.env === 'production') {
    const dev = readDevSecrets(file);
    if (!sessionSecret) problems.push('SESSION_SECRET is required in production');
    else if (sessionSecret.length < 32) problems.push('SESSION_SECRET must be at least 32 characters');
    else if (PLACEHOLDERS.some((p) => sessionSecret.toLowerCase().includes(p)) || sessionSecret === dev?.sessionSecret)
      problems.push('SESSION_SECRET is a development or example value; generate one (openssl rand -base64 48)');
    if (!dataEncryptionKey) problems.push('DATA_ENCRYPTION_KEY is required in production');
    else if (dataEncryptionKey === dev?.dataEncryptionKey) problems.push('DATA_ENCRYPTION_KEY is the generated development key; generate one (openssl rand -hex 32)');
    let key: Buffer | undefined;
    try {
      if (dataEncryptionKey) key = parseEncryptionKey(dataEncryptionKey);
    } catch (error) {
      problems.push(`DATA_ENCRYPTION_KEY ${(error as Error).message}`);
    }
    if (problems.length > 0 || !key) throw new ConfigError(problems);
    return { sessionSecret, dataEncryptionKey: key, generated: false };
  }

  let dev = readDevSecrets(file);
  if ((!sessionSecret || !dataEncryptionKey) && !dev) {
    dev = { sessionSecret: randomBytes(48).toString('base64url'), dataEncryptionKey: randomBytes(32).toString('hex') };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(dev, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  try {
    return {
      sessionSecret: sessionSecret || (dev as DevSecrets).sessionSecret,
      dataEncryptionKey: parseEncryptionKey(dataEncryptionKey || (dev as DevSecrets).dataEncryptionKey),
      generated: !sessionSecret || !dataEncryptionKey,
    };
  } catch (error) {
    throw new ConfigError([`DATA_ENCRYPTION_KEY ${(error as Error).message}`]);
  }
}
