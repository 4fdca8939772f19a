import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSetting, listSettings, type SchemaTree } from './define.js';
import { configSchema, roleCatalogSchema, type RoleCatalogConfig, type Settings } from './schema.js';

/** The checkout's config/: two folders up from src/config/, three from the compiled dist/src/config/. */
export const DEFAULT_CONFIG_DIR = ((here: string) => {
  const candidates = [path.resolve(here, '../../config'), path.resolve(here, '../../../config')];
  return candidates.find((dir) => existsSync(path.join(dir, 'default.json'))) ?? candidates[0]!;
})(path.dirname(fileURLToPath(import.meta.url)));

/** Raised when configuration is invalid; `problems` lists everything wrong at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /**
   * The environment to read; the process environment by default. This is the only reader of process.env.
   * CONFIG_DIR, when set, is the folder of default.json, <NODE_ENV>.json and the role catalog.
   */
  env?: NodeJS.ProcessEnv;
  configDir?: string;
  /** Values applied last, for tests: a nested object shaped like config/default.json. */
  overrides?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

function readJson(file: string, problems: string[]): Json {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    problems.push(`${file}: ${(error as Error).message}`);
    return {};
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = isObject(value) && isObject(out[key]) ? merge(out[key] as Json, value) : value;
  }
  return out;
}

function getPath(source: Json, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), source);
}

function setPath(target: Json, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  const last = keys.pop() as string;
  let node = target;
  for (const key of keys) {
    if (!isObject(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[last] = value;
}

/** Keys present in a file that the schema does not know: almost always a typo. */
function unknownKeys(values: Json, tree: SchemaTree, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const pathName = prefix ? `${prefix}.${key}` : key;
    const node = tree[key];
    if (!node) return [pathName];
    if (isSetting(node)) return [];
    return isObject(value) ? unknownKeys(value, node, pathName) : [`${pathName} (expected an object)`];
  });
}

/**
 * Reads config/default.json, then config/<NODE_ENV>.json, then the environment variables, validates every key
 * and returns frozen settings. Throws ConfigError listing every problem found.
 */
export function loadConfig(options: LoadConfigOptions = {}): Settings {
  const env = options.env ?? process.env;
  const configDir = options.configDir ?? (env.CONFIG_DIR || DEFAULT_CONFIG_DIR);
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV && env.NODE_ENV.length > 0 ? env.NODE_ENV : undefined;

  let raw = readJson(path.join(configDir, 'default.json'), problems);
  const envFile = nodeEnv ? path.join(configDir, `${nodeEnv}.json`) : undefined;
  if (envFile && existsSync(envFile)) raw = merge(raw, readJson(envFile, problems));
  if (options.overrides) raw = merge(raw, options.overrides);
  problems.push(...unknownKeys(raw, configSchema).map((key) => `unknown key "${key}"`));

  const values: Json = {};
  for (const { path: key, definition } of listSettings(configSchema)) {
    const fromEnv = definition.env ? fromEnvironment(env, definition.env, problems) : undefined;
    const input = fromEnv !== undefined ? fromEnv.value : getPath(raw, key);
    const source = fromEnv !== undefined ? fromEnv.source : `key "${key}"`;
    if (input === undefined) {
      problems.push(`${source}: missing (config/default.json must give every key a default)`);
      continue;
    }
    const parsed = definition.schema.safeParse(input);
    if (parsed.success) setPath(values, key, parsed.data);
    else problems.push(`${source}: ${parsed.error.issues.map((issue) => issue.message).join('; ')} (got ${definition.secret ? 'a hidden value' : JSON.stringify(input)})`);
  }

  if (getPath(values, 'env') === 'production' && getPath(values, 'mail.smtpUrl') === '') {
    problems.push('SMTP_URL is required in production (without it, emails are only written to files)');
  }
  const threadpoolSize = libuvThreadpoolSize(env, problems);
  const catalog = loadRoleCatalog(path.resolve(configDir, String(getPath(values, 'roles.catalogFile') ?? 'roles.json')), problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const server = values.server as Json;
  if (server.publicUrl === '') server.publicUrl = `http://${server.host === '0.0.0.0' ? '127.0.0.1' : server.host}:${server.port}`;
  server.publicUrl = String(server.publicUrl).replace(/\/+$/, '');
  return deepFreeze({ ...values, catalog, configDir, threadpoolSize }) as unknown as Settings;
}

/** libuv's default pool, and the most threads it starts. */
const LIBUV_THREADPOOL = { default: 4, max: 1024 };

/**
 * The size of libuv's thread pool in this process. It is not a setting of idbridge's: libuv reads UV_THREADPOOL_SIZE
 * when the pool starts, before the first line of idbridge runs, so only the environment the process starts with sizes
 * it (the Dockerfile sets it: a thread per CPU for argon2, and two for the rest; identity/credentials/hashingThreads.ts).
 * It is read here to give argon2 its share, and checked: libuv would take "8x" as 8, and "abc" or an empty value as
 * a single thread.
 */
function libuvThreadpoolSize(env: NodeJS.ProcessEnv, problems: string[]): number {
  const value = env.UV_THREADPOOL_SIZE;
  if (value === undefined) return LIBUV_THREADPOOL.default;
  const size = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(size) || size < 1 || size > LIBUV_THREADPOOL.max) {
    problems.push(`environment variable UV_THREADPOOL_SIZE: libuv's thread pool takes a whole number of threads from 1 to ${LIBUV_THREADPOOL.max} (got ${JSON.stringify(value)})`);
    return LIBUV_THREADPOOL.default;
  }
  return size;
}

/**
 * A setting's value from the environment: NAME, or the contents of the file NAME_FILE names (the Docker and
 * Kubernetes convention for secrets; one trailing newline is dropped). Both at once is a mistake, reported.
 */
function fromEnvironment(env: NodeJS.ProcessEnv, name: string, problems: string[]): { value: string; source: string } | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (file === undefined || file === '') return direct === undefined ? undefined : { value: direct, source: `environment variable ${name}` };
  if (direct !== undefined) {
    problems.push(`${name} and ${name}_FILE are both set: give one`);
    return undefined;
  }
  try {
    return { value: readFileSync(file, 'utf8').replace(/\r?\n$/, ''), source: `${name}_FILE (${file})` };
  } catch (error) {
    problems.push(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
}

function loadRoleCatalog(file: string, problems: string[]): RoleCatalogConfig {
  const parsed = roleCatalogSchema.safeParse(readJson(file, problems));
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `role catalog ${file}: ${issue.path.join('.')}: ${issue.message}`));
    return { utility: { default: '', roles: [] }, customer: { default: '', roles: [] } };
  }
  for (const [kind, entry] of Object.entries(parsed.data)) {
    const keys = entry.roles.map((role) => role.key);
    if (!keys.includes(entry.default)) problems.push(`role catalog ${file}: ${kind}.default "${entry.default}" is not one of its roles`);
    if (new Set(keys).size !== keys.length) problems.push(`role catalog ${file}: ${kind} lists a role twice`);
  }
  return parsed.data;
}

function deepFreeze<T>(value: T): T {
  if (isObject(value) || Array.isArray(value)) {
    for (const child of Object.values(value as object)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
