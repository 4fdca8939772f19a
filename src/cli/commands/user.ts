import type { AccountSummary } from '../../identity/accounts/read.js';
import { isUserStatus, USER_STATUSES } from '../../identity/statusMachine.js';
import { integerOption, optional, table, UsageError, type Command } from '../command.js';

export const userCommands: Command[] = [
  {
    words: ['user', 'list'],
    summary: 'List users, newest first.',
    usage: `user list [--org SLUG] [--directory NAME] [--status ${USER_STATUSES.join('|')}] [--limit N] [--offset N]`,
    options: { org: { type: 'string' }, directory: { type: 'string' }, status: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } },
    async run({ services, values, principal }) {
      const status = optional(values, 'status')?.toUpperCase();
      if (status !== undefined && !isUserStatus(status)) throw new UsageError(`--status must be one of ${USER_STATUSES.join(', ')}`);
      const org = optional(values, 'org');
      const directory = optional(values, 'directory');
      const limit = integerOption(values, 'limit');
      const offset = integerOption(values, 'offset');
      return services.accounts.summaries(principal, {
        ...(org ? { organizationId: (await services.organizations.get(principal, org)).id } : {}),
        ...(directory ? { directoryId: (await services.directories.get(principal, directory)).id } : {}),
        ...(status ? { status } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(offset !== undefined ? { offset } : {}),
      });
    },
    text: (r) => {
      const { users, total } = r as { users: AccountSummary[]; total: number };
      if (total === 0) return 'No users match.';
      const rows = users.map((u) => [u.userName, u.status, [u.givenName, u.familyName].filter(Boolean).join(' ') || u.displayName || '', u.memberships.map((m) => `${m.organization}:${m.role}`).join(',') || '-', u.id]);
      return `${table([['USERNAME', 'STATUS', 'NAME', 'ORGANIZATIONS', 'ID'], ...rows])}\n${users.length} of ${total}`;
    },
  },
];
