import type { OidcClientView } from '../../identity/oidcClients.js';
import { generateJwks } from '../../oidc/keys.js';
import { list, optional, required, table, type Command } from '../command.js';

export const oidcCommands: Command[] = [
  {
    words: ['oidc-client', 'create'],
    summary: 'Register a portal application (OpenID Connect client); prints its id and secret, the secret only now.',
    usage: 'oidc-client create --name NAME --redirect-uri URI... [--post-logout-uri URI]... [--first-party] [--org SLUG]... [--backchannel-logout-uri URI [--backchannel-logout-session-required]]',
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'post-logout-uri': { type: 'string', multiple: true },
      'first-party': { type: 'boolean' },
      org: { type: 'string', multiple: true },
      'backchannel-logout-uri': { type: 'string' },
      'backchannel-logout-session-required': { type: 'boolean' },
    },
    async run({ services, values, principal }) {
      return services.oidcClients.create(principal, {
        name: required(values, 'name'),
        redirectUris: list(values, 'redirect-uri'),
        postLogoutRedirectUris: list(values, 'post-logout-uri'),
        firstParty: values['first-party'] === true,
        organizations: list(values, 'org'),
        backchannelLogoutUri: optional(values, 'backchannel-logout-uri') ?? null,
        backchannelLogoutSessionRequired: values['backchannel-logout-session-required'] === true,
      });
    },
    text: (r) => {
      const c = r as OidcClientView & { clientSecret: string };
      return [
        `Registered "${c.name}"${c.firstParty ? ' (first-party: no consent screen)' : ''}.`,
        `  client_id      ${c.clientId}`,
        `  client_secret  ${c.clientSecret}   (shown only now)`,
        `  redirect URIs  ${c.redirectUris.join(', ')}`,
        `  organizations  ${c.organizations.map((o) => o.slug).join(', ') || 'every user'}`,
        ...(c.backchannelLogoutUri ? [`  back-channel   ${c.backchannelLogoutUri}${c.backchannelLogoutSessionRequired ? ' (with sid)' : ''}`] : []),
      ].join('\n');
    },
  },
  {
    words: ['oidc-client', 'list'],
    summary: 'List the registered portal applications (never their secrets).',
    usage: 'oidc-client list',
    options: {},
    async run({ services, principal }) {
      return { clients: await services.oidcClients.list(principal) };
    },
    text: (r) => {
      const { clients } = r as { clients: OidcClientView[] };
      if (clients.length === 0) return 'No clients.';
      return table([['CLIENT ID', 'NAME', 'FIRST-PARTY', 'REDIRECT URIS'], ...clients.map((c) => [c.clientId, c.name, c.firstParty ? 'yes' : 'no', c.redirectUris.join(' ')])]);
    },
  },
  {
    words: ['oidc-client', 'delete'],
    summary: 'Delete a client and everything issued to it.',
    usage: 'oidc-client delete --id CLIENT_ID',
    options: { id: { type: 'string' } },
    async run({ services, values, principal }) {
      const id = required(values, 'id');
      await services.oidcClients.delete(principal, id);
      return { deleted: id };
    },
    text: (r) => `Deleted client ${(r as { deleted: string }).deleted}.`,
  },
  {
    words: ['oidc-key', 'generate'],
    summary: 'Print a new signing key as a JWKS, to put first in OIDC_SIGNING_KEYS (keep the old ones after it until their tokens expire).',
    usage: 'oidc-key generate',
    options: {},
    offline: true,
    async run() {
      return generateJwks();
    },
    text: (r) => JSON.stringify(r, null, 2),
  },
];
