import type { OrganizationDisplay } from '../../identity/organizationDisplay.js';
import type { Locale } from '../../i18n/locales.js';
import { translate } from '../../i18n/translate.js';

/**
 * Who an email speaks for, as its reader knows them: the product (MAIL_PRODUCT_NAME) and the organization the email is
 * about (the one that invited the reader, or the one the message concerns). Queued with the email's data; the
 * branding issue adds the organization's logo, colour and product name here.
 */
export interface MailBrand {
  product: string;
  organization?: OrganizationDisplay;
}

/** A lifetime as people say it: in days from 48 hours on ("7 days", "2 days and 12 hours"), else in hours. */
export function formatDuration(hours: number, locale: Locale): string {
  const inHours = (count: number) => (count === 1 ? translate(locale, 'mail.duration.hour') : translate(locale, 'mail.duration.hours', { count }));
  if (hours < 48) return inHours(hours);
  const days = formatDays(Math.floor(hours / 24), locale);
  const rest = hours % 24;
  return rest === 0 ? days : translate(locale, 'mail.duration.and', { days, hours: inHours(rest) });
}

export function formatDays(days: number, locale: Locale): string {
  return days === 1 ? translate(locale, 'mail.duration.day') : translate(locale, 'mail.duration.days', { count: days });
}

/** The parts of an organization's support contact that are set, in reading order. */
export function supportParts(organization: OrganizationDisplay | undefined): { text?: string; email?: string; phone?: string; url?: string } | null {
  const support = organization?.support;
  if (!support) return null;
  const parts = Object.fromEntries((['text', 'email', 'phone', 'url'] as const).filter((key) => typeof support[key] === 'string' && support[key] !== '').map((key) => [key, support[key] as string]));
  return Object.keys(parts).length ? parts : null;
}

/** The signature: who sent the email (the organization, through the product), and whom to ask for help when known. */
export function signature(brand: MailBrand, locale: Locale): { sentBy: string; help?: string } {
  const organization = brand.organization?.name;
  const sentBy = organization ? translate(locale, 'mail.sentByOrganization', { organization, product: brand.product }) : translate(locale, 'mail.sentBy', { product: brand.product });
  const parts = supportParts(brand.organization);
  if (!parts || !organization) return { sentBy };
  return { sentBy, help: translate(locale, 'mail.help', { organization, contact: Object.values(parts).join(' · ') }) };
}
