import type { Locale } from '../../i18n/locales.js';
import { translate, type MessageKey } from '../../i18n/translate.js';
import { formatDays, formatDuration, type MailBrand } from './brand.js';
import { htmlLayout, textLayout, type MailContent } from './layout.js';

export type { MailBrand };

export const TEMPLATES = [
  'activation',
  'password_reset',
  'password_reset_admin',
  'password_changed',
  'account_locked',
  'mfa_reset',
  'expiry_reminder',
  'deactivated',
  'removed_from_organization',
  'added_to_organization',
  'webhook_failed',
] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The data each template needs; `name` is the person's first name (or nothing). Every email also carries its `brand`
 * (the product and the organization it speaks for), given by whoever queues it (see `mailUser`).
 */
export interface TemplateData {
  activation: { name?: string; link: string; hours: number };
  password_reset: { name?: string; link: string; hours: number };
  password_reset_admin: { name?: string; link: string; hours: number };
  password_changed: { name?: string; when: string; link: string };
  account_locked: { name?: string; when: string; unlockMinutes: number; link: string };
  mfa_reset: { name?: string; link: string };
  /** `link`: a single-use password reset link, valid for `hours`. */
  expiry_reminder: { name?: string; days: number; date: string; link: string; hours: number };
  deactivated: { name?: string };
  removed_from_organization: { name?: string; organization: string };
  /** `role` is the role's label in the recipient's language. */
  added_to_organization: { name?: string; organization: string; role: string; link: string };
  /** To a webhook's administrators: one of its deliveries was given up after `attempts` attempts over `hours`. */
  webhook_failed: { name?: string; description: string; url: string; eventType: string; attempts: number; hours: number };
}

interface Parts {
  subject: string;
  paragraphs: string[];
  action?: { label: string; href: string };
  ignoreNote?: boolean;
}

function formatWhen(iso: string, locale: Locale, dateOnly = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const format = new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', dateOnly ? { dateStyle: 'long', timeZone: 'UTC' } : { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
  return `${format.format(date)}${dateOnly ? '' : ' UTC'}`;
}

function parts<T extends TemplateName>(template: T, locale: Locale, raw: TemplateData[T], brand: MailBrand): Parts {
  const product = brand.product;
  const t = (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, { product, ...params });
  /** The wording that names the organization when the email has one, else the one that does not. */
  const named = (key: MessageKey, withOrganization: MessageKey, params?: Record<string, string | number>) =>
    brand.organization ? t(withOrganization, { ...params, organization: brand.organization.name }) : t(key, params);
  const data = raw as Record<string, unknown> & TemplateData[TemplateName];
  switch (template) {
    case 'activation': {
      const d = data as TemplateData['activation'];
      const duration = formatDuration(d.hours, locale);
      return {
        subject: named('mail.activation.subject', 'mail.activation.subjectOrganization'),
        paragraphs: [named('mail.activation.body', 'mail.activation.bodyOrganization', { duration })],
        action: { label: t('mail.activation.action'), href: d.link },
        ignoreNote: true,
      };
    }
    case 'password_reset': {
      const d = data as TemplateData['password_reset'];
      return { subject: t('mail.passwordReset.subject'), paragraphs: [t('mail.passwordReset.body', { duration: formatDuration(d.hours, locale) })], action: { label: t('mail.passwordReset.action'), href: d.link }, ignoreNote: true };
    }
    case 'password_reset_admin': {
      const d = data as TemplateData['password_reset_admin'];
      return {
        subject: t('mail.passwordResetAdmin.subject'),
        paragraphs: [named('mail.passwordResetAdmin.body', 'mail.passwordResetAdmin.bodyOrganization', { duration: formatDuration(d.hours, locale) })],
        action: { label: t('mail.passwordResetAdmin.action'), href: d.link },
      };
    }
    case 'password_changed': {
      const d = data as TemplateData['password_changed'];
      return { subject: t('mail.passwordChanged.subject'), paragraphs: [t('mail.passwordChanged.body', { when: formatWhen(d.when, locale) })], action: { label: t('mail.passwordChanged.action'), href: d.link } };
    }
    case 'account_locked': {
      const d = data as TemplateData['account_locked'];
      const unlock = d.unlockMinutes > 0 ? t('mail.accountLocked.unlockAfter', { minutes: d.unlockMinutes }) : t('mail.accountLocked.unlockAdmin');
      return { subject: t('mail.accountLocked.subject'), paragraphs: [t('mail.accountLocked.body', { when: formatWhen(d.when, locale), unlock })], action: { label: t('mail.accountLocked.action'), href: d.link } };
    }
    case 'mfa_reset': {
      const d = data as TemplateData['mfa_reset'];
      return { subject: t('mail.mfaReset.subject'), paragraphs: [t('mail.mfaReset.body')], action: { label: t('mail.mfaReset.action'), href: d.link } };
    }
    case 'expiry_reminder': {
      const d = data as TemplateData['expiry_reminder'];
      const date = formatWhen(d.date, locale, true);
      return {
        subject: t('mail.expiryReminder.subject', { days: formatDays(d.days, locale) }),
        // A reminder queued before reminders carried a reset link has no lifetime to state.
        paragraphs: [t('mail.expiryReminder.body', { date }), ...(typeof d.hours === 'number' ? [t('mail.expiryReminder.link', { duration: formatDuration(d.hours, locale), date })] : [])],
        action: { label: t('mail.expiryReminder.action'), href: d.link },
      };
    }
    case 'deactivated':
      return { subject: t('mail.deactivated.subject'), paragraphs: [named('mail.deactivated.body', 'mail.deactivated.bodyOrganization')] };
    case 'removed_from_organization': {
      // The organization as its brand names it (the email speaks for it), else as the data names it.
      const organization = brand.organization?.name ?? (data as TemplateData['removed_from_organization']).organization;
      return { subject: t('mail.removedFromOrganization.subject', { organization }), paragraphs: [t('mail.removedFromOrganization.body', { organization })] };
    }
    case 'added_to_organization': {
      const d = data as TemplateData['added_to_organization'];
      const organization = brand.organization?.name ?? d.organization;
      return { subject: t('mail.addedToOrganization.subject', { organization }), paragraphs: [t('mail.addedToOrganization.body', { organization, role: d.role })], action: { label: t('mail.addedToOrganization.action'), href: d.link } };
    }
    case 'webhook_failed': {
      const d = data as TemplateData['webhook_failed'];
      const params = { description: d.description, url: d.url, eventType: d.eventType, attempts: d.attempts, duration: formatDuration(d.hours, locale) };
      return { subject: t('mail.webhookFailed.subject', params), paragraphs: [t('mail.webhookFailed.body', params), t('mail.webhookFailed.next')] };
    }
  }
  throw new Error(`unknown template ${String(template)}`);
}

/**
 * Subject, plain text and HTML of one email, in the recipient's language. Everything inserted into HTML is escaped.
 * `data.brand` is the brand the email speaks with (see MailBrand); without it (an email queued before brands existed)
 * the product is `fallbackProduct` and the email names no organization.
 */
export function renderMail<T extends TemplateName>(template: T, locale: Locale, data: TemplateData[T] & { brand?: MailBrand }, fallbackProduct = translate(locale, 'app.name')): RenderedMail {
  const brand: MailBrand = data.brand?.product ? data.brand : { product: fallbackProduct };
  const p = parts(template, locale, data, brand);
  const name = (data as { name?: string }).name;
  const content: MailContent = {
    locale,
    subject: p.subject,
    greeting: translate(locale, 'mail.greeting', { name: name ? ` ${name}` : '' }),
    paragraphs: p.paragraphs,
    action: p.action,
    ignore: p.ignoreNote ? translate(locale, 'mail.ignore') : undefined,
    brand,
  };
  return { subject: p.subject, text: textLayout(content), html: htmlLayout(content) };
}
