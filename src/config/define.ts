import { z } from 'zod';

/** One configuration key: how it is validated, the environment variable that sets it, one line of documentation. */
export interface SettingDefinition<S extends z.ZodType = z.ZodType> {
  readonly kind: 'setting';
  readonly schema: S;
  readonly doc: string;
  readonly env?: string;
  /** Never printed (config describe shows it as set / not set). */
  readonly secret?: boolean;
}

export type SchemaTree = { readonly [key: string]: SettingDefinition | SchemaTree };

export type SettingsOf<T extends SchemaTree> = {
  readonly [K in keyof T]: T[K] extends SettingDefinition<infer S> ? z.output<S> : T[K] extends SchemaTree ? SettingsOf<T[K]> : never;
};

export function setting<S extends z.ZodType>(schema: S, doc: string, options: { env?: string; secret?: boolean } = {}): SettingDefinition<S> {
  return { kind: 'setting', schema, doc, ...options };
}

export function isSetting(node: SettingDefinition | SchemaTree): node is SettingDefinition {
  return (node as SettingDefinition).kind === 'setting';
}

/** Every key of a schema tree with its dotted path, in declaration order. */
export function listSettings(tree: SchemaTree, prefix = ''): Array<{ path: string; definition: SettingDefinition }> {
  return Object.entries(tree).flatMap(([key, node]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isSetting(node) ? [{ path, definition: node }] : listSettings(node, path);
  });
}

/** Booleans from JSON or from environment strings ("true", "1", "yes", "false", "0", "no"). */
export const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off', ''].includes(text)) return false;
  return value;
}, z.boolean());

export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
