import type { OrganizationView } from '../../identity/organizations.js';
import { integerOption, optional, required, table, UsageError, type Command, type Values } from '../command.js';

function policyFrom(values: Values): Record<string, unknown> {
  const policy: Record<string, unknown> = {};
  if (values['mfa-required'] !== undefined) {
    const text = String(values['mfa-required']);
    if (!['true', 'false'].includes(text)) throw new UsageError('--mfa-required must be true or false');
    policy.mfaRequired = text === 'true';
  }
  const maxAge = integerOption(values, 'password-max-age-days');
  if (maxAge !== undefined) policy.passwordMaxAgeDays = maxAge;
  const resetTtl = integerOption(values, 'reset-link-hours');
  if (resetTtl !== undefined) policy.passwordResetTtlHours = resetTtl;
  const activationTtl = integerOption(values, 'activation-link-hours');
  if (activationTtl !== undefined) policy.activationTtlHours = activationTtl;
  const maxRole = optional(values, 'provisioning-max-role');
  if (maxRole !== undefined) policy.provisioningMaxRole = maxRole;
  return policy;
}

/** The support contact's parts given on the command line; an empty value clears that part. */
function supportFrom(values: Values): Record<string, string> {
  const support: Record<string, string> = {};
  for (const part of ['text', 'email', 'phone', 'url'] as const) {
    const value = values[`support-${part}`];
    if (value !== undefined) support[part] = String(value);
  }
  return support;
}

const supportOptions = {
  'support-text': { type: 'string' },
  'support-email': { type: 'string' },
  'support-phone': { type: 'string' },
  'support-url': { type: 'string' },
} as const;

const SUPPORT_USAGE = '[--support-text TEXT] [--support-email EMAIL] [--support-phone PHONE] [--support-url URL]';

const policyOptions = {
  'mfa-required': { type: 'string' },
  'password-max-age-days': { type: 'string' },
  'reset-link-hours': { type: 'string' },
  'activation-link-hours': { type: 'string' },
  'provisioning-max-role': { type: 'string' },
} as const;

const describeOrg = (o: OrganizationView) =>
  `${o.slug} (${o.kind}) "${o.name}" id=${o.id}${Object.keys(o.policy).length ? ` policy=${JSON.stringify(o.policy)}` : ''}${Object.keys(o.support ?? {}).length ? ` support=${JSON.stringify(o.support)}` : ''}`;

export const orgCommands: Command[] = [
  {
    words: ['org', 'create'],
    summary: 'Create an organization (a utility or a customer).',
    usage: `org create --kind utility|customer --name NAME --slug SLUG [--mfa-required true|false] [--password-max-age-days N] [--reset-link-hours N] [--activation-link-hours N] [--provisioning-max-role ROLE] ${SUPPORT_USAGE}`,
    options: { kind: { type: 'string' }, name: { type: 'string' }, slug: { type: 'string' }, ...policyOptions, ...supportOptions },
    async run({ services, values, principal }) {
      const kind = required(values, 'kind');
      return services.organizations.create(principal, { kind: kind as 'utility', name: required(values, 'name'), slug: required(values, 'slug'), policy: policyFrom(values), support: supportFrom(values) });
    },
    text: (o) => `Created organization ${describeOrg(o as OrganizationView)}`,
  },
  {
    words: ['org', 'update'],
    summary: 'Rename an organization, change its policy overrides or its support contact (an empty value clears a part).',
    usage: `org update --org SLUG [--name NAME] [--mfa-required true|false] [--password-max-age-days N] [--reset-link-hours N] [--activation-link-hours N] [--provisioning-max-role ROLE] ${SUPPORT_USAGE}`,
    options: { org: { type: 'string' }, name: { type: 'string' }, ...policyOptions, ...supportOptions },
    async run({ services, values, principal }) {
      const slug = required(values, 'org');
      const current = await services.organizations.get(principal, slug);
      const changes = policyFrom(values);
      const support = supportFrom(values);
      const name = optional(values, 'name');
      return services.organizations.update(principal, slug, {
        ...(name ? { name } : {}),
        ...(Object.keys(changes).length ? { policy: { ...current.policy, ...changes } } : {}),
        ...(Object.keys(support).length ? { support: { ...current.support, ...support } } : {}),
      });
    },
    text: (o) => `Updated organization ${describeOrg(o as OrganizationView)}`,
  },
  {
    words: ['org', 'list'],
    summary: 'List organizations.',
    usage: 'org list [--kind utility|customer]',
    options: { kind: { type: 'string' } },
    async run({ services, values, principal }) {
      const kind = optional(values, 'kind');
      if (kind && kind !== 'utility' && kind !== 'customer') throw new UsageError('--kind must be utility or customer');
      return { organizations: await services.organizations.list(principal, kind ? { kind: kind as 'utility' | 'customer' } : {}) };
    },
    text: (r) => {
      const { organizations } = r as { organizations: OrganizationView[] };
      if (organizations.length === 0) return 'No organizations yet. Create one with: org create --kind customer --name NAME --slug SLUG';
      return table([['SLUG', 'KIND', 'NAME', 'ID'], ...organizations.map((o) => [o.slug, o.kind, o.name, o.id])]);
    },
  },
];
