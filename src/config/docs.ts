import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listSettings } from './define.js';
import { DEFAULT_CONFIG_DIR } from './load.js';
import { configSchema } from './schema.js';

/** The README's configuration table, generated from the schema and config/default.json so that it cannot drift. */
export function configTable(): string {
  const defaults = JSON.parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, 'default.json'), 'utf8')) as Record<string, unknown>;
  const rows = listSettings(configSchema).map(({ path: key, definition }) => {
    const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], defaults);
    const shown = value === '' ? '*(empty)*' : `\`${JSON.stringify(value)}\``;
    return `| \`${definition.env ?? '-'}\` | \`${key}\` | ${shown} | ${definition.doc.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | key | default | what it does |', '|---|---|---|---|', ...rows].join('\n');
}
