import { UsageError, type Command } from '../command.js';

export const migrateCommands: Command[] = [
  {
    words: ['migrate', 'status'],
    summary: 'Show pending migrations (the server and the CLI apply them on start).',
    usage: 'migrate status',
    options: {},
    async run({ migrations }) {
      return { database: migrations.description, pending: await migrations.pending() };
    },
    text: (r) => {
      const { database, pending } = r as { database: string; pending: string[] };
      return `${database}: ${pending.length === 0 ? 'schema current' : `pending: ${pending.join(', ')}`}`;
    },
  },
  {
    words: ['migrate', 'down'],
    summary: 'Revert migrations down to (not including) --to NAME, or all with --all. Destroys data.',
    usage: 'migrate down (--to NAME | --all) --yes',
    options: { to: { type: 'string' }, all: { type: 'boolean' }, yes: { type: 'boolean' } },
    async run({ migrations, values }) {
      if (!values.yes) throw new UsageError('reverting migrations destroys data; add --yes to confirm');
      if (!values.all && typeof values.to !== 'string') throw new UsageError('give --to NAME or --all');
      return { reverted: await migrations.down({ to: values.all ? 0 : (values.to as string) }) };
    },
    text: (r) => `Reverted: ${(r as { reverted: string[] }).reverted.join(', ') || 'nothing'}`,
  },
  {
    words: ['migrate', 'up'],
    summary: 'Apply pending migrations.',
    usage: 'migrate up',
    options: {},
    async run({ migrations }) {
      return { applied: await migrations.up() };
    },
    text: (r) => `Applied: ${(r as { applied: string[] }).applied.join(', ') || 'nothing (schema current)'}`,
  },
];
