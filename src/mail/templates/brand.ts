import type { OrganizationSupport } from '../../db/models/Organization.js';
import type { ResolvedBrand } from '../../identity/branding/brands.js';
import type { Locale } from '../../i18n/locales.js';
import { translate } from '../../i18n/translate.js';

/**
 * Who an email speaks for, as its reader knows them: the brand of the organization the email is about (the one it
 * concerns, else the one that invited the reader), else the platform's. A snapshot queued with the email's data, so a
 * brand changed later does not change an email already queued. Every part but `product` is optional: an email queued
 * before brands existed carries only `product` and `organization`.
 */
export interface MailBrand {
  /** The product people know: the organization's product name, else MAIL_PRODUCT_NAME. */
  product: string;
  /** The brand's name (the organization's display name, or the platform's name), shown at the top of the email. */
  name?: string;
  /** The organization the email speaks for (its brand name and whom to ask for help); absent: the platform's. */
  organization?: { name: string; support: OrganizationSupport };
  /** The brand's primary colour, #rrggbb (the action button). */
  color?: string;
  /** The logo, at its absolute address on idbridge's origin, with its size in pixels. */
  logo?: { url: string; width: number; height: number };
  /** The display name of the sender; empty or absent: the one MAIL_FROM has. */
  senderName?: string;
}

/** The snapshot of a resolved brand that an email carries; `publicUrl` makes the logo's address absolute. */
export function mailBrandOf(brand: ResolvedBrand, publicUrl: string): MailBrand {
  return {
    product: brand.productName,
    name: brand.name,
    ...(brand.organization ? { organization: { name: brand.organization.name, support: { ...brand.organization.support } } } : {}),
    color: brand.primaryColor,
    ...(brand.logo ? { logo: { url: `${publicUrl}${brand.logo.path}`, width: brand.logo.width, height: brand.logo.height } } : {}),
    senderName: brand.senderName,
  };
}

/** The colour used when a brand has none, or one that is not #rrggbb (never put into a style attribute unchecked). */
export const DEFAULT_MAIL_COLOR = '#0b5cad';

/** A colour safe to put into an inline style: #rrggbb, else the default. */
export function mailColor(brand: MailBrand): string {
  return typeof brand.color === 'string' && /^#[0-9a-f]{6}$/i.test(brand.color) ? brand.color.toLowerCase() : DEFAULT_MAIL_COLOR;
}

/** The box a logo is fitted into at the top of an email, in CSS pixels (never enlarged). */
const LOGO_BOX = { width: 200, height: 56 };

/** The logo to show, when its address is an absolute http(s) URL and its size is known: fitted into the logo box. */
export function mailLogo(brand: MailBrand): { url: string; width: number; height: number } | null {
  const logo = brand.logo;
  if (!logo || typeof logo.url !== 'string' || !Number.isFinite(logo.width) || !Number.isFinite(logo.height) || logo.width <= 0 || logo.height <= 0) return null;
  let url: URL;
  try {
    url = new URL(logo.url);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const scale = Math.min(1, LOGO_BOX.width / logo.width, LOGO_BOX.height / logo.height);
  return { url: url.href, width: Math.max(1, Math.round(logo.width * scale)), height: Math.max(1, Math.round(logo.height * scale)) };
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

export type SupportParts = { text?: string; email?: string; phone?: string; url?: string };

/** The parts of an organization's support contact that are set, in reading order. */
export function supportParts(organization: MailBrand['organization']): SupportParts | null {
  const support = organization?.support;
  if (!support) return null;
  const parts = Object.fromEntries((['text', 'email', 'phone', 'url'] as const).filter((key) => typeof support[key] === 'string' && support[key] !== '').map((key) => [key, support[key] as string]));
  return Object.keys(parts).length ? parts : null;
}

/**
 * The signature: who sent the email (the organization, through the product), and whom to ask for help when known.
 * `help` is the sentence with `contact` in place of the contact (so that HTML can link its parts).
 */
export function signature(brand: MailBrand, locale: Locale, contact?: string): { sentBy: string; help?: string; support?: SupportParts } {
  const organization = brand.organization?.name;
  const sentBy = organization ? translate(locale, 'mail.sentByOrganization', { organization, product: brand.product }) : translate(locale, 'mail.sentBy', { product: brand.product });
  const parts = supportParts(brand.organization);
  if (!parts || !organization) return { sentBy };
  return { sentBy, help: translate(locale, 'mail.help', { organization, contact: contact ?? Object.values(parts).join(' · ') }), support: parts };
}
