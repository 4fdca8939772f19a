import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import { buildDeps, type Deps } from '../deps.js';
import { operatorPrincipal } from '../identity/principal.js';
import { isDomainError } from '../identity/errors.js';
import { createLogger } from '../lib/logger.js';
import { UsageError, type Command } from './command.js';
import { adminCommands } from './commands/admin.js';
import { adminTokenCommands } from './commands/adminToken.js';
import { configCommands } from './commands/config.js';
import { directoryCommands } from './commands/directory.js';
import { migrateCommands } from './commands/migrate.js';
import { oidcCommands } from './commands/oidc.js';
import { orgCommands } from './commands/org.js';
import { roleMappingCommands } from './commands/roleMapping.js';
import { samlCommands } from './commands/saml.js';
import { scimTokenCommands } from './commands/scimToken.js';
import { userCommands } from './commands/user.js';
import { webhookCommands } from './commands/webhook.js';

export const commands: Command[] = [
  ...orgCommands, ...directoryCommands, ...samlCommands, ...scimTokenCommands, ...userCommands, ...adminCommands, ...adminTokenCommands, ...roleMappingCommands, ...oidcCommands, ...webhookCommands, ...migrateCommands, ...configCommands,
];

function help(): string {
  return [
    'Usage: idbridge <command> [options] [--json]     (npx idbridge in a checkout, idbridge in the image)',
    '',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'With --json, a command prints exactly one JSON object on stdout. Errors go to stderr with a non-zero exit code.',
  ].join('\n');
}

function operatorName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

interface Outcome {
  code: number;
  stdout?: string;
  stderr?: string;
}

function failure(json: boolean, code: number, errorCode: string, message: string, usage?: string): Outcome {
  return {
    code,
    stderr: json ? JSON.stringify({ error: { code: errorCode, message } }) : `idbridge: ${message}${usage ? `\nusage: idbridge ${usage}` : ''}`,
  };
}

/** Runs one command line; returns what to print and the exit code (tests call this directly). */
export async function runCli(argv: string[], env?: NodeJS.ProcessEnv): Promise<Outcome> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  if (args.length === 0 || args[0] === 'help' || args[0] === '--help' || args[0] === '-h') return { code: args.length === 0 ? 2 : 0, stdout: help() };
  const command = commands.find((c) => c.words.every((word, i) => args[i] === word));
  if (!command) return failure(json, 2, 'usage.unknown_command', `unknown command "${args.slice(0, 2).join(' ')}"; run "idbridge help" for the list`);

  let values;
  try {
    ({ values } = parseArgs({ args: args.slice(command.words.length), options: command.options, strict: true, allowPositionals: false }));
  } catch (error) {
    return failure(json, 2, 'usage.invalid', (error as Error).message.split('\n')[0] ?? 'invalid options', command.usage);
  }

  let deps: Deps | undefined;
  try {
    const settings = loadConfig(env ? { env } : {});
    deps = buildDeps(settings, { logger: createLogger({ level: 'warn', destination: process.stderr }) });
    if (!command.offline) await deps.migrations.up();
    const result = await command.run({ services: deps.services, settings: deps.settings, migrations: deps.migrations, values: values as Record<string, string>, principal: operatorPrincipal(operatorName()) });
    return { code: 0, stdout: json ? JSON.stringify(result) : command.text(result) };
  } catch (error) {
    if (error instanceof UsageError) return failure(json, 2, 'usage.invalid', error.message, command.usage);
    if (error instanceof ConfigError) return failure(json, 78, 'config.invalid', error.message);
    if (isDomainError(error)) return failure(json, 1, error.code, error.message);
    const database = deps?.migrations.describeFailure(error);
    if (database) return failure(json, 69, 'database.unavailable', database);
    return failure(json, 1, 'internal_error', `unexpected failure: ${(error as Error)?.message ?? String(error)}`);
  } finally {
    await deps?.close();
  }
}

