import { listSettings } from '../../config/define.js';
import { configSchema } from '../../config/schema.js';
import { table, type Command } from '../command.js';

interface Described {
  key: string;
  env: string | null;
  value: unknown;
  doc: string;
}

export const configCommands: Command[] = [
  {
    words: ['config', 'describe'],
    summary: 'Every configuration key: its environment variable, its current value (secrets hidden) and what it does.',
    usage: 'config describe',
    options: {},
    offline: true,
    async run({ settings: current }) {
      const settings = current as unknown as Record<string, unknown>;
      const keys: Described[] = listSettings(configSchema).map(({ path, definition }) => {
        const value = path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], settings);
        return { key: path, env: definition.env ?? null, value: definition.secret ? (value ? '(set)' : '(not set)') : value, doc: definition.doc };
      });
      return { keys };
    },
    text: (r) => table([['KEY', 'ENV', 'VALUE', 'DESCRIPTION'], ...(r as { keys: Described[] }).keys.map((k) => [k.key, k.env ?? '-', JSON.stringify(k.value), k.doc])]),
  },
];
