import type { ParseArgsConfig } from 'node:util';
import type { Settings } from '../config/schema.js';
import type { Migrations } from '../deps.js';
import type { Principal } from '../identity/principal.js';
import type { Services } from '../identity/services.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One CLI command: its words, options, a runner returning one JSON-able object, and its human rendering. */
export interface Command {
  words: [string, string] | [string];
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Commands that need no database (config describe). */
  offline?: boolean;
  /** `principal`: the operator, who acts at platform level (the audit trail names the OS user). */
  run(input: { services: Services; principal: Principal; values: Values; settings: Settings; migrations: Migrations }): Promise<object>;
  text(result: object): string;
}

/** A usage mistake: reported with the command's usage and exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function integerOption(values: Values, name: string): number | undefined {
  const value = optional(values, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, not "${value}"`);
  return Number(value);
}

export function list(values: Values, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

/** Fixed-width columns for human output. */
export function table(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}
