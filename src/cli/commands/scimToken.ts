import type { ScimTokenView } from '../../identity/scimTokens.js';
import { integerOption, optional, required, table, type Command } from '../command.js';

export const scimTokenCommands: Command[] = [
  {
    words: ['scim-token', 'create'],
    summary: 'Create a bearer token for a directory\'s SCIM endpoint (a token of the local directory is limited to one organization: --org); it is shown only once.',
    usage: 'scim-token create --directory NAME [--org SLUG] [--name NAME] [--expires-in-days N]',
    options: { directory: { type: 'string' }, org: { type: 'string' }, name: { type: 'string' }, 'expires-in-days': { type: 'string' } },
    async run({ services, values, principal }) {
      const days = integerOption(values, 'expires-in-days');
      const org = optional(values, 'org');
      const name = optional(values, 'name');
      return services.scimTokens.create(principal, { directory: required(values, 'directory'), ...(org ? { organization: org } : {}), ...(name ? { name } : {}), ...(days !== undefined ? { expiresInDays: days } : {}) });
    },
    text: (r) => {
      const t = r as ScimTokenView & { token: string };
      return [
        `Created SCIM token "${t.name}" (id ${t.id}) for directory ${t.directory.name}${t.organization ? `, limited to ${t.organization.slug}` : ''}.`,
        `Expires: ${t.expiresAt ?? 'never'}`,
        'Copy it now; it is not shown again:',
        `  ${t.token}`,
      ].join('\n');
    },
  },
  {
    words: ['scim-token', 'list'],
    summary: 'List the SCIM tokens of a directory (never the tokens themselves).',
    usage: 'scim-token list --directory NAME',
    options: { directory: { type: 'string' } },
    async run({ services, values, principal }) {
      return { tokens: await services.scimTokens.list(principal, { directory: required(values, 'directory') }) };
    },
    text: (r) => {
      const { tokens } = r as { tokens: ScimTokenView[] };
      if (tokens.length === 0) return 'No tokens.';
      return table([['ID', 'NAME', 'STATE', 'HINT', 'LAST USED', 'EXPIRES'], ...tokens.map((t) => [t.id, t.name, t.state, t.hint, t.lastUsedAt ?? 'never', t.expiresAt ?? 'never'])]);
    },
  },
  {
    words: ['scim-token', 'revoke'],
    summary: 'Revoke a SCIM token at once.',
    usage: 'scim-token revoke --id ID',
    options: { id: { type: 'string' } },
    async run({ services, values, principal }) {
      return services.scimTokens.revoke(principal, required(values, 'id'));
    },
    text: (r) => `Revoked SCIM token "${(r as ScimTokenView).name}" (${(r as ScimTokenView).id}).`,
  },
];
