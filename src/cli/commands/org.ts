import { readFileSync, statSync } from 'node:fs';
import type { BrandView } from '../../identity/branding/brands.js';
import { checkLogo, LogoProblem } from '../../identity/branding/logo.js';
import { invalid } from '../../identity/errors.js';
import type { OrganizationView } from '../../identity/organizations.js';
import type { Services } from '../../identity/services.js';
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

/** The brand's text options and the field each sets; an empty value clears the field (the platform's applies). */
const BRAND_OPTIONS = {
  'display-name': 'displayName',
  color: 'primaryColor',
  'product-name': 'productName',
  'sender-name': 'senderName',
  'authenticator-name': 'authenticatorName',
} as const;

/**
 * The logo file's bytes, checked as the domain will check them (type read from the bytes, SVG, damage, size and
 * dimensions) before anything is changed, so that a refused logo leaves the text fields unchanged too. A file over the
 * limit is refused from its size, without reading it.
 */
function readLogoFile(services: Services, file: string): Buffer {
  const limits = services.branding.logoLimits();
  const unreadable = (error: unknown) => new UsageError(`cannot read the logo file "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw unreadable(error);
  }
  if (size > limits.maxBytes) throw invalid('logo.too_large', `The logo is ${Math.ceil(size / 1024)} KiB; at most ${Math.floor(limits.maxBytes / 1024)} KiB is accepted.`, 'logo');
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw unreadable(error);
  }
  try {
    checkLogo(bytes, limits);
  } catch (error) {
    if (error instanceof LogoProblem) throw invalid(error.code, error.message, 'logo');
    throw error;
  }
  return bytes;
}

function describeBrand(view: BrandView): string {
  const { brand, effective, logo, support } = view;
  const own = (value: string | undefined, fallback: string) => (value ? value : `${fallback} (default)`);
  const rows = [
    ['Display name', own(brand.displayName, effective.name)],
    ['Primary colour', own(brand.primaryColor, effective.primaryColor)],
    ['Product name', own(brand.productName, effective.productName)],
    ['Sender name', own(brand.senderName, effective.senderName || 'the configured From name')],
    ['Authenticator name', own(brand.authenticatorName, effective.authenticatorName)],
    ['Logo', logo ? `${logo.contentType} ${logo.width}x${logo.height}, ${Math.ceil(logo.bytes / 1024)} KiB, ${logo.path}` : 'none'],
    ['Support contact', Object.keys(support).length ? (['text', 'email', 'phone', 'url'] as const).map((k) => support[k]).filter(Boolean).join(' · ') : 'none (org update --support-…)'],
  ];
  return [`Brand of ${view.organization.slug} "${view.organization.name}":`, ...table(rows).split('\n').map((line) => `  ${line}`)].join('\n');
}

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
  {
    words: ['org', 'brand'],
    summary: "Show an organization's brand, or change it: an empty value clears a field (the platform's applies); the logo's type is read from the file.",
    usage: 'org brand --org SLUG [--display-name NAME] [--color #RRGGBB] [--product-name NAME] [--sender-name NAME] [--authenticator-name NAME] [--logo FILE | --remove-logo]',
    options: {
      org: { type: 'string' },
      ...(Object.fromEntries(Object.keys(BRAND_OPTIONS).map((name) => [name, { type: 'string' }])) as Record<keyof typeof BRAND_OPTIONS, { type: 'string' }>),
      logo: { type: 'string' },
      'remove-logo': { type: 'boolean' },
    },
    async run({ services, values, principal }) {
      const slug = required(values, 'org');
      const logoFile = optional(values, 'logo');
      if (logoFile !== undefined && values['remove-logo']) throw new UsageError('give --logo FILE or --remove-logo, not both');
      if (logoFile !== undefined && logoFile.trim() === '') throw new UsageError('--logo needs a file (use --remove-logo to remove the logo)');
      const changes = Object.fromEntries(
        Object.entries(BRAND_OPTIONS)
          .filter(([option]) => values[option] !== undefined)
          .map(([option, field]) => [field, String(values[option])]),
      );
      const logo = logoFile !== undefined ? readLogoFile(services, logoFile) : undefined;
      let view = Object.keys(changes).length ? await services.branding.set(principal, slug, changes) : await services.branding.get(principal, slug);
      if (logo) view = await services.branding.setLogo(principal, slug, { bytes: logo });
      if (values['remove-logo']) view = await services.branding.removeLogo(principal, slug);
      return view;
    },
    text: (view) => describeBrand(view as BrandView),
  },
];
