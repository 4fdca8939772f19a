import type { PlatformAdminResult } from '../../identity/accounts/platformAdmins.js';
import { required, type Command } from '../command.js';

const text = (r: object) => {
  const { user, setupLink, expiresAt } = r as PlatformAdminResult;
  return [`Platform administrator ${user.userName} (${user.status}).`, `One-time setup link, valid until ${expiresAt}; it is not shown again:`, `  ${setupLink}`].join('\n');
};

export const adminCommands: Command[] = [
  {
    words: ['admin', 'create'],
    summary: 'Create a platform administrator and print a one-time setup link.',
    usage: 'admin create --email EMAIL --name NAME',
    options: { email: { type: 'string' }, name: { type: 'string' } },
    async run({ services, values, principal }) {
      return services.accounts.createPlatformAdmin(principal, { email: required(values, 'email'), name: required(values, 'name') });
    },
    text,
  },
  {
    words: ['admin', 'setup-link'],
    summary: 'Issue a new setup link for an administrator who has not finished setting up (the old link stops working).',
    usage: 'admin setup-link --email EMAIL',
    options: { email: { type: 'string' } },
    async run({ services, values, principal }) {
      return services.accounts.reissueAdminSetupLink(principal, required(values, 'email'));
    },
    text,
  },
];
