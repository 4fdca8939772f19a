import { readFileSync } from 'node:fs';
import { NAMEID_FORMATS, type SamlSettingsInput, type SamlSettingsView } from '../../identity/saml/settings.js';
import { list, optional, required, UsageError, type Command } from '../command.js';

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function text(view: SamlSettingsView): string {
  return [
    `SAML for directory ${view.directory.name}:`,
    `  IdP entity id      ${view.idp.entityId}`,
    `  IdP SSO URL        ${view.idp.ssoUrl}`,
    `  IdP SLO URL        ${view.idp.sloUrl ?? '(none: sign-out stays local)'}`,
    ...view.idp.certificates.map((c, i) => `  certificate ${i + 1}      ${c.subject}, SHA-256 ${c.fingerprintSha256}, valid to ${c.validTo}`),
    `  NameID format      ${view.nameIdFormat}`,
    `  match on           ${view.matchAttribute}`,
    `  IdP-initiated      ${view.allowIdpInitiated ? 'allowed' : 'refused'}`,
    `  just-in-time       ${view.jit ? 'on' : 'off'}`,
    `  email domains      ${view.domains.join(', ') || '(none)'}`,
    'Give the IdP administrator:',
    `  SP entity id       ${view.sp.entityId}`,
    `  ACS URL            ${view.sp.acsUrl}`,
    `  SLO URL            ${view.sp.sloUrl}`,
    `  SP metadata        ${view.sp.metadataUrl}`,
  ].join('\n');
}

export const samlCommands: Command[] = [
  {
    words: ['directory', 'saml'],
    summary: 'Show or set the SAML IdP of an SSO directory (from its metadata XML or option by option); options not given keep their value.',
    usage:
      'directory saml --directory NAME [--metadata FILE] [--entity-id ID] [--sso-url URL] [--slo-url URL] [--cert FILE]... [--nameid-format email|unspecified|persistent|URN] [--match userName|email|externalId] [--allow-idp-initiated true|false] [--domain DOMAIN]... [--jit true|false]',
    options: {
      directory: { type: 'string' },
      metadata: { type: 'string' },
      'entity-id': { type: 'string' },
      'sso-url': { type: 'string' },
      'slo-url': { type: 'string' },
      cert: { type: 'string', multiple: true },
      'nameid-format': { type: 'string' },
      match: { type: 'string' },
      'allow-idp-initiated': { type: 'string' },
      domain: { type: 'string', multiple: true },
      jit: { type: 'string' },
    },
    async run({ services, values, principal }) {
      const name = required(values, 'directory');
      const changing = Object.keys(values).some((k) => k !== 'directory' && values[k] !== undefined);
      if (!changing) return services.saml.settings(principal, name);
      const flag = (option: string) => {
        const value = optional(values, option);
        if (value === undefined) return undefined;
        if (value !== 'true' && value !== 'false') throw new UsageError(`--${option} must be true or false`);
        return value === 'true';
      };
      const format = optional(values, 'nameid-format');
      const match = optional(values, 'match');
      const metadata = optional(values, 'metadata');
      const certificates = list(values, 'cert').map((file) => readFile(file, 'certificate'));
      const domains = list(values, 'domain');
      // Only what is given: the domain keeps every other setting as it is.
      const input: SamlSettingsInput = {
        ...(metadata ? { metadata: readFile(metadata, 'metadata') } : {}),
        ...(optional(values, 'entity-id') ? { entityId: optional(values, 'entity-id') } : {}),
        ...(optional(values, 'sso-url') ? { ssoUrl: optional(values, 'sso-url') } : {}),
        ...(optional(values, 'slo-url') ? { sloUrl: optional(values, 'slo-url') } : {}),
        ...(certificates.length ? { certificates } : {}),
        ...(format ? { nameIdFormat: NAMEID_FORMATS[format as keyof typeof NAMEID_FORMATS] ?? format } : {}),
        ...(match ? { matchAttribute: match as 'userName' } : {}),
        ...(flag('allow-idp-initiated') !== undefined ? { allowIdpInitiated: flag('allow-idp-initiated') } : {}),
        ...(flag('jit') !== undefined ? { jit: flag('jit') } : {}),
        ...(domains.length ? { domains } : {}),
      };
      return services.saml.configure(principal, name, input);
    },
    text: (r) => text(r as SamlSettingsView),
  },
];
