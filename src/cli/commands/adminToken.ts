import type { ServiceTokenView } from '../../identity/serviceTokens.js';
import { integerOption, optional, required, table, type Command } from '../command.js';

const scopeOf = (t: ServiceTokenView) => (t.organization ? `${t.organization.slug}${t.role ? ` (${t.role})` : ''}` : 'platform');

/** Service tokens: admin API tokens for automation that belong to no user. */
export const adminTokenCommands: Command[] = [
  {
    words: ['admin-token', 'create'],
    summary: 'Create a service token for the admin API (no user owns it): platform level, or with --org an administrator of that organization; it is shown only once.',
    usage: 'admin-token create --name NAME [--org SLUG] [--expires-in-days N]',
    options: { name: { type: 'string' }, org: { type: 'string' }, 'expires-in-days': { type: 'string' } },
    async run({ services, values, principal }) {
      const days = integerOption(values, 'expires-in-days');
      const org = optional(values, 'org');
      return services.serviceTokens.create(principal, { name: required(values, 'name'), ...(org ? { organization: org } : {}), ...(days !== undefined ? { expiresInDays: days } : {}) });
    },
    text: (r) => {
      const t = r as ServiceTokenView & { token: string };
      return [
        `Created service token "${t.name}" (id ${t.id}), acting as ${t.organization ? `an administrator of ${scopeOf(t)}` : 'a platform administrator'}.`,
        `Expires: ${t.expiresAt ?? 'never'}`,
        'Send it as "Authorization: Bearer <token>" to the admin API. Copy it now; it is not shown again:',
        `  ${t.token}`,
      ].join('\n');
    },
  },
  {
    words: ['admin-token', 'list'],
    summary: 'List the service tokens (never the tokens themselves).',
    usage: 'admin-token list',
    options: {},
    async run({ services, principal }) {
      return { tokens: await services.serviceTokens.list(principal) };
    },
    text: (r) => {
      const { tokens } = r as { tokens: ServiceTokenView[] };
      if (tokens.length === 0) return 'No service tokens.';
      return table([
        ['ID', 'NAME', 'ORGANIZATION', 'HINT', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED'],
        ...tokens.map((t) => [t.id, t.name, scopeOf(t), t.hint, t.state, t.createdAt, t.expiresAt ?? 'never', t.lastUsedAt ?? 'never']),
      ]);
    },
  },
  {
    words: ['admin-token', 'revoke'],
    summary: 'Revoke a service token at once.',
    usage: 'admin-token revoke --id ID',
    options: { id: { type: 'string' } },
    async run({ services, values, principal }) {
      return services.serviceTokens.revoke(principal, required(values, 'id'));
    },
    text: (r) => `Revoked service token "${(r as ServiceTokenView).name}" (${(r as ServiceTokenView).id}).`,
  },
];
